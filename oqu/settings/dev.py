"""Development and the embedded `run` default (SQLite unless DATABASE_URL is set)."""

from .base import *  # noqa: F403

DEBUG = True

# WebAuthn over plain http on localhost (never in production).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
