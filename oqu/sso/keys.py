"""The RSA key that signs OpenID Connect ID tokens (RS256).

Production names the key in the environment (a PEM file path, or the PEM itself) and refuses to
start without one. Development and tests generate a key on first start into `var/` (never
committed), so a fresh checkout works without setup and the key survives restarts.

This module is imported by the settings, so it must not import Django models.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEV_KEY_NAME = "oidc-rsa-dev.pem"


def _generate_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def dev_key(var_dir: Path) -> str:
    """The development key in `var_dir`, generated the first time.

    Two processes may start together (pytest-xdist workers): each writes its own temporary file and
    links it into place; the loser of the race reads the winner's key, so all agree on one key.
    """
    path = Path(var_dir) / DEV_KEY_NAME
    if path.exists():
        return path.read_text(encoding="ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{DEV_KEY_NAME}.{os.getpid()}")
    temporary.write_text(_generate_pem(), encoding="ascii")
    temporary.chmod(0o600)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii")


def configured_key(*, pem: str = "", pem_file: str = "") -> str:
    """The production key from the environment, or ImproperlyConfigured (the server does not start)."""
    if pem_file:
        try:
            pem = Path(pem_file).read_text(encoding="ascii")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"OQU_OIDC_RSA_PRIVATE_KEY_FILE cannot be read: {exc.strerror}"
            ) from None
    if "PRIVATE KEY-----" not in pem:
        raise ImproperlyConfigured(
            "Set OQU_OIDC_RSA_PRIVATE_KEY_FILE (or OQU_OIDC_RSA_PRIVATE_KEY) to the PEM RSA key "
            "that signs OpenID Connect ID tokens."
        )
    return pem
