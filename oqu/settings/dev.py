"""Development and the embedded `run` default (SQLite unless DATABASE_URL is set)."""

from .base import *  # noqa: F403

DEBUG = True

# SSO (G-9): an ID-token signing key generated once into var/ unless the environment names one.
from oqu.sso.keys import dev_key  # noqa: E402

from .base import OAUTH2_PROVIDER, VAR_DIR  # noqa: E402

if not OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]:
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = dev_key(VAR_DIR)
# WebAuthn over plain http on localhost (never in production).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
