"""Test settings: fast hashing, in-memory mail, file SMS backend."""

from .base import *  # noqa: F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OQU_SMS_BACKEND = "oqu.notifications.backends.MemorySmsBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# SSO (G-9): an ID-token signing key generated once into var/ unless the environment names one.
from oqu.sso.keys import dev_key  # noqa: E402

from .base import OAUTH2_PROVIDER  # noqa: E402

if not OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]:
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = dev_key(VAR_DIR)
# WebAuthn over plain http on localhost (never in production).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
