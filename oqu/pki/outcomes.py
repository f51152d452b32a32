"""The outcome of a signature verification: one code per reason, each with its own message."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid")
    TAMPERED = "tampered", _("Document changed after signing")
    EXPIRED = "expired", _("Certificate not valid at signing time")
    REVOKED = "revoked", _("Certificate revoked")
    WRONG_KEY_USAGE = "wrong_key_usage", _("Wrong kind of key")
    UNTRUSTED_ROOT = "untrusted_root", _("Not issued by a trusted authority")
    IIN_MISMATCH = "iin_mismatch", _("Signed by another person")
    BIN_MISMATCH = "bin_mismatch", _("Signed for another organization")
    MALFORMED = "malformed", _("Not a readable signature")
    UNAVAILABLE = "unavailable", _("Verification not possible now")


MESSAGES = {
    Outcome.VALID: _(
        "The signature is valid: the document is unchanged, the certificate was issued by a "
        "trusted certification authority, was valid at signing time and is not revoked."
    ),
    Outcome.TAMPERED: _(
        "The signature does not match the document: the document or the signature was changed "
        "after signing."
    ),
    Outcome.EXPIRED: _(
        "The signer's certificate was not valid at signing time (expired or not yet valid)."
    ),
    Outcome.REVOKED: _("The signer's certificate has been revoked by the certification authority."),
    Outcome.WRONG_KEY_USAGE: _(
        "The key may not sign this document: an authentication key was used instead of a "
        "signing key, or the certificate lacks the required role (e.g. the head's)."
    ),
    Outcome.UNTRUSTED_ROOT: _(
        "The signer's certificate does not lead to a trusted root of the national certification "
        "authority."
    ),
    Outcome.IIN_MISMATCH: _("The IIN in the certificate is not the IIN of the expected person."),
    Outcome.BIN_MISMATCH: _(
        "The BIN in the certificate is not the BIN of the organization the document belongs to."
    ),
    Outcome.MALFORMED: _("The file is not a CMS (PKCS#7) signature that can be read."),
    Outcome.UNAVAILABLE: _(
        "The certificate's status could not be checked now (the verification or revocation "
        "service did not answer). Try again later; the signature is not accepted until then."
    ),
}


def message_of(outcome: str) -> str:
    return str(MESSAGES[Outcome(outcome)])
