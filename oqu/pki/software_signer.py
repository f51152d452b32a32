"""The software signer: signs on the server with a test key made by `pki_test_ca` (development,
demo and tests only). Each person's key is `<OQU_PKI_SOFTWARE_SIGNER_DIR>/<IIN>.p12`.

Production never loads it: the production settings refuse to start when the directory is set
(`checks.refuse_software_signer`), and `enabled()` is false without it. In production the user
signs with their own NCALayer; the platform installs nothing on their computer (G-5.3).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from oqu.kernel.errors import NotFound, ValidationError


def enabled() -> bool:
    return bool(settings.OQU_PKI_SOFTWARE_SIGNER_DIR)


def key_path(iin: str) -> Path:
    return Path(settings.OQU_PKI_SOFTWARE_SIGNER_DIR) / f"{iin}.p12"


def sign(iin: str, content: bytes, *, detached: bool = True) -> bytes:
    """A CMS signature over `content` with the test key of the person with this IIN."""
    if not enabled():
        raise NotFound()
    path = key_path(iin)
    if not iin.isdigit() or not path.is_file():
        raise ValidationError(
            _("There is no test key for you. Run the test CA set-up (pki_test_ca) first."),
            code="pki_no_test_key",
        )
    password = settings.OQU_PKI_SOFTWARE_SIGNER_PASSWORD.encode() or None
    key, certificate, chain = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    return asyncio.run(_sign(key, certificate, chain or [], content, detached))


async def _sign(key, certificate, chain, content: bytes, detached: bool) -> bytes:  # type: ignore[no-untyped-def]
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(c) -> asn1_x509.Certificate:  # type: ignore[no-untyped-def]
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    private = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=der(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=SimpleCertificateStore.from_certs([der(c) for c in chain]),
    )
    info = await signer.async_sign_general_data(content, "sha256", detached=detached)
    return info.dump()
