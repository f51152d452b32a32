"""Production: secrets from the environment, HTTPS only (G-11)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# At-rest encryption keys of restricted personal data must be this deployment's own (G-11).
from oqu.kernel.crypto import check_production_keys  # noqa: E402

OQU_FIELD_KEYS = env.list("OQU_FIELD_KEYS", default=[])
check_production_keys(OQU_FIELD_KEYS)
