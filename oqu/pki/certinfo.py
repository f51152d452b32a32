"""What an NCA RK certificate says about its holder (DOMAIN.md §7), independent of the provider.

The subject carries `SERIALNUMBER=IIN<12 digits>` and, for an employee of a legal entity,
`O=<organization>, OU=BIN<12 digits>`; the extended key usage carries the kind of key (signing =
emailProtection, authentication = clientAuth) and the holder's roles under 1.2.398.3.3.4.1.
Parsing needs no knowledge of the signature algorithm, so GOST certificates read the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtensionOID, NameOID

EKU_AUTHENTICATION = "1.3.6.1.5.5.7.3.2"  # clientAuth
EKU_SIGNING = "1.3.6.1.5.5.7.3.4"  # emailProtection
ROLE_INDIVIDUAL = "1.2.398.3.3.4.1.1"
ROLE_LEGAL_ENTITY = "1.2.398.3.3.4.1.2"
ROLE_FIRST_HEAD = "1.2.398.3.3.4.1.2.1"
ROLE_RIGHT_TO_SIGN = "1.2.398.3.3.4.1.2.2"
ROLE_FINANCE_SIGNER = "1.2.398.3.3.4.1.2.3"
ROLE_HR_OFFICER = "1.2.398.3.3.4.1.2.4"
ROLE_EMPLOYEE = "1.2.398.3.3.4.1.2.5"

# The holder's key algorithm (subjectPublicKeyInfo), by OID; Kazakh GOST OIDs per DOMAIN.md §7.
ALGORITHM_NAMES = {
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.10045.2.1": "ECDSA",
    "1.2.398.3.10.1.1.2.3.2": "GOST 34.10-2015 512",
    "1.2.398.3.10.1.1.1.1": "GOST 34.310-2004",
    "1.2.398.3.10.1.1.1.2": "GOST 34.310-2004",
}


DN_NAMES = {
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
    NameOID.SURNAME: "SURNAME",
    NameOID.GIVEN_NAME: "G",
}
GOST_ARCS = ("1.2.398.3.10.", "1.2.643.")


class NotACertificate(ValueError):
    """The CMS carries no readable signer certificate."""


@dataclass(frozen=True)
class CertificateFacts:
    subject_dn: str
    issuer_dn: str
    common_name: str
    iin: str
    bin: str
    organization: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    extended_key_usages: tuple[str, ...]
    algorithm: str
    sha256: str
    der: bytes = field(repr=False)

    @property
    def is_signing_key(self) -> bool:
        return EKU_SIGNING in self.extended_key_usages

    @property
    def is_authentication_key(self) -> bool:
        return EKU_AUTHENTICATION in self.extended_key_usages

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(o for o in self.extended_key_usages if o.startswith("1.2.398.3.3.4."))

    def summary(self) -> dict[str, Any]:
        return {
            "subject": self.subject_dn,
            "issuer": self.issuer_dn,
            "serial": self.serial_hex,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "extended_key_usages": list(self.extended_key_usages),
            "algorithm": self.algorithm,
            "sha256": self.sha256,
        }


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _strip(prefix: str, value: str) -> str:
    value = value.strip()
    if value.upper().startswith(prefix):
        value = value[len(prefix) :]
    return value if value.isdigit() and len(value) == 12 else ""


def facts_of(certificate: x509.Certificate) -> CertificateFacts:
    subject = certificate.subject
    try:
        eku = certificate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
        usages = tuple(oid.dotted_string for oid in eku.value)  # type: ignore[attr-defined]
    except x509.ExtensionNotFound:
        usages = ()
    bin_value = ""
    for attribute in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
        bin_value = bin_value or _strip("BIN", str(attribute.value))
    algorithm_oid = certificate.public_key_algorithm_oid.dotted_string
    return CertificateFacts(
        subject_dn=subject.rfc4514_string(DN_NAMES),
        issuer_dn=certificate.issuer.rfc4514_string(DN_NAMES),
        common_name=_attribute(subject, NameOID.COMMON_NAME),
        iin=_strip("IIN", _attribute(subject, NameOID.SERIAL_NUMBER)),
        bin=bin_value,
        organization=_attribute(subject, NameOID.ORGANIZATION_NAME),
        serial_hex=format(certificate.serial_number, "X"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        extended_key_usages=usages,
        algorithm=ALGORITHM_NAMES.get(algorithm_oid)
        or ("GOST " + algorithm_oid if algorithm_oid.startswith(GOST_ARCS) else algorithm_oid),
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        der=certificate.public_bytes(serialization.Encoding.DER),
    )


def signer_certificate(signed_data: asn1_cms.SignedData) -> x509.Certificate:
    """The certificate named by the (first) signer info's issuer and serial number."""
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) == 0:
        raise NotACertificate("no signer")
    sid = signer_infos[0]["sid"]
    certificates = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
    for candidate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                candidate.serial_number == wanted["serial_number"].native
                and candidate.issuer == wanted["issuer"]
            ):
                return x509.load_der_x509_certificate(candidate.dump())
        elif candidate.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(candidate.dump())
    raise NotACertificate("the signer's certificate is not in the signature")
