"""Settings checks of the signature app.

`refuse_software_signer` is called by the production settings: the software signer signs with
test keys kept on the server, so production refuses to start when it is configured (the user's
own NCALayer is the only signer there, G-5.3). The system check catches a provider setting that
cannot work.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

PROVIDERS = ("auto", "local", "ncanode")


def refuse_software_signer(directory: str) -> str:
    if directory:
        raise ImproperlyConfigured(
            "OQU_PKI_SOFTWARE_SIGNER_DIR is set: the software signer and its test keys are for "
            "development and tests only; production signs with the user's NCALayer."
        )
    return ""


@register("oqu")
def check_provider(app_configs: Any, **kwargs: Any) -> list[Error]:
    choice = getattr(settings, "OQU_PKI_PROVIDER", "auto")
    if choice not in PROVIDERS:
        return [Error(f"OQU_PKI_PROVIDER must be one of {PROVIDERS}", id="pki.E001")]
    if choice == "ncanode" and not settings.OQU_PKI_NCANODE_URL:
        return [Error("OQU_PKI_PROVIDER=ncanode needs OQU_PKI_NCANODE_URL", id="pki.E002")]
    return []
