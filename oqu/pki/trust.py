"""The trusted roots: data (`TrustedRoot` rows), loaded by `pki_trust_root` or by the test CA."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from .models import TrustedRoot


def trusted_root_ders() -> list[bytes]:
    return [row.der() for row in TrustedRoot.objects.filter(is_active=True)]


def trust_root(pem: str, *, name: str = "") -> TrustedRoot:
    """Add (or re-activate) a root certificate given in PEM; idempotent by fingerprint."""
    certificate = x509.load_pem_x509_certificate(pem.encode())
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    label = name or certificate.subject.rfc4514_string()[:200]
    normalized = certificate.public_bytes(serialization.Encoding.PEM).decode()
    row, _ = TrustedRoot.objects.update_or_create(
        sha256=fingerprint,
        defaults={"name": label, "certificate_pem": normalized, "is_active": True},
    )
    return row
