"""Production: secrets from the environment, HTTPS only (G-11)."""

from .base import *  # noqa: F403
from .base import OAUTH2_PROVIDER, configured_key, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# At-rest encryption keys of restricted personal data must be this deployment's own (G-10).
from oqu.kernel.crypto import check_production_keys  # noqa: E402

OQU_FIELD_KEYS = env.list("OQU_FIELD_KEYS", default=[])
check_production_keys(OQU_FIELD_KEYS)
# The TLS-terminating proxy's header, e.g. "X-Forwarded-Proto:https"; empty when Django sees TLS itself.
_proxy_header = env("OQU_PROXY_SSL_HEADER", default="X-Forwarded-Proto:https")
if _proxy_header:
    _name, _, _value = _proxy_header.partition(":")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _name.strip().upper().replace("-", "_"), _value.strip())
SECURE_HSTS_PRELOAD = env.bool("OQU_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
OQU_CONTENT_SECURITY_POLICY_REPORT_ONLY = False

# SSO (G-9): the ID-token signing key must be configured; a generated development key never is.
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = configured_key(
    pem=env("OQU_OIDC_RSA_PRIVATE_KEY", default=""),
    pem_file=env("OQU_OIDC_RSA_PRIVATE_KEY_FILE", default=""),
)
OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https"]
OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"] = env("OQU_OIDC_ISSUER", default="")
# OAuth 2.0 Security BCP (RFC 9700) in force now rather than at django-oauth-toolkit 4.0: no
# implicit grant, PKCE with S256 only, no tokens in URLs, `iss` in authorization responses, tokens
# stored hashed.
for _gate in (
    "IMPLICIT_GRANT",
    "PKCE_METHOD",
    "ACCESS_TOKEN_TRANSPORT",
    "AUTHZ_RESPONSE_ISS",
    "TOKEN_STORAGE",
    "REFRESH_TOKEN",
    "REDIRECT_URI_SCHEME",
    "REDIRECT_URI_MATCHING",
    "PKCE_REQUIRED",
):
    OAUTH2_PROVIDER[f"COMPLIANT_BCP_RFC9700_{_gate}"] = True
# The one exception: integrations' service accounts obtain API tokens with the password grant
# (docs/api.md), and the API needs an account behind every token. Set OQU_OAUTH_PASSWORD_GRANT=false
# once no integration uses it; the check's warning is silenced only while the grant is on.
if env.bool("OQU_OAUTH_PASSWORD_GRANT", default=True):
    SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W002"]
else:
    OAUTH2_PROVIDER["COMPLIANT_BCP_RFC9700_PASSWORD_GRANT"] = True

# Electronic signatures: the software signer and its test keys never run in production (G-5.3).
from oqu.pki.checks import refuse_software_signer  # noqa: E402

OQU_PKI_SOFTWARE_SIGNER_DIR = refuse_software_signer(env("OQU_PKI_SOFTWARE_SIGNER_DIR", default=""))
