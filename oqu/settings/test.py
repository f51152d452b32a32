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

# WebAuthn over plain http on localhost (never in production).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
