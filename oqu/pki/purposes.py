"""What a signature is for decides which key and which role may make it (DOMAIN.md §7).

NCA RK issues two keys per person: a signing key (EKU emailProtection) and an authentication key
(EKU clientAuth); an employee's certificate also carries role OIDs. Administrative data is
confirmed with the head's EDS (MON-8.3): the first head's role or the right to sign, and a BIN
that matches the organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from oqu.kernel.errors import ValidationError

from .certinfo import (
    EKU_AUTHENTICATION,
    EKU_SIGNING,
    ROLE_FIRST_HEAD,
    ROLE_RIGHT_TO_SIGN,
    CertificateFacts,
)


@dataclass(frozen=True)
class Purpose:
    code: str
    label: Any
    key_usage: str  # an EKU OID the certificate must carry
    roles: tuple[str, ...] = ()  # any one of these role OIDs, when given
    needs_organization: bool = False  # the certificate must be an employee's (with a BIN)

    def key_fits(self, facts: CertificateFacts) -> bool:
        if self.key_usage not in facts.extended_key_usages:
            return False
        if self.roles and not set(self.roles) & set(facts.extended_key_usages):
            return False
        return not (self.needs_organization and not facts.bin)


HEAD_ROLES = (ROLE_FIRST_HEAD, ROLE_RIGHT_TO_SIGN)

PURPOSES = {
    p.code: p
    for p in (
        Purpose("document", _("Signing a document"), EKU_SIGNING),
        # An organization's own document (EDMS routes): an employee's key of that organization,
        # held by someone who works there; no particular role — the route decides who signs.
        Purpose(
            "organization_document",
            _("Signing an organization's document"),
            EKU_SIGNING,
            needs_organization=True,
        ),
        Purpose(
            "head_confirmation",
            _("Confirmation of administrative data by the head"),
            EKU_SIGNING,
            roles=HEAD_ROLES,
            needs_organization=True,
        ),
        Purpose(
            "credential",
            _("Issuing a certificate or diploma"),
            EKU_SIGNING,
            roles=HEAD_ROLES,
            needs_organization=True,
        ),
        Purpose("authentication", _("Authentication"), EKU_AUTHENTICATION),
    )
}


def purpose_of(code: str) -> Purpose:
    try:
        return PURPOSES[code]
    except KeyError:
        raise ValidationError(
            _("Unknown signature purpose."), code="pki_purpose_unknown", fields={"purpose": [code]}
        ) from None
