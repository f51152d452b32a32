"""Settings shared by every environment (HackSoft-style split: base, dev, test, prod)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    # modeltranslation must precede django.contrib.admin
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "oauth2_provider",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Oqu apps
    "oqu.kernel",
    "oqu.identity",
    "oqu.orgs",
    "oqu.people",
    "oqu.access",
    "oqu.audit",
    "oqu.ops",
    "oqu.notifications",
    "oqu.sso",
    "oqu.registration",
    "oqu.school",
    "oqu.journal",
    "oqu.lms",
    "oqu.testing",
    "oqu.feedback",
    "oqu.profiles",
    "oqu.cabinet",
    "oqu.analytics",
    "oqu.preschool",
    "oqu.equeue",
    "oqu.pki",
    "oqu.eservices",
    "oqu.forecast",
    "oqu.passport",
    "oqu.edms",
    "oqu.demo",
    "oqu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "oqu.identity.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "oqu.kernel.middleware.RequestContextMiddleware",
    # Last, so that it sees domain errors raised by views with the language already active.
    "oqu.web.middleware.DomainErrorMiddleware",
    # After LocaleMiddleware, so its messages are in the request's language.
    "oqu.apikit.ApiFallbackErrorsMiddleware",
    "oqu.identity.password_middleware.PasswordChangeRequiredMiddleware",
    # MFA before anything else (G-5.11): after authentication, sessions and the request context.
    "oqu.identity.mfa_middleware.MfaRequiredMiddleware",
]
CSRF_FAILURE_VIEW = "oqu.web.views.csrf_failure"

ROOT_URLCONF = "oqu.urls"
WSGI_APPLICATION = "oqu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "oqu" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default of `run` and of the offline local node; PostgreSQL in production and CI.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'oqu.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections between requests (a new PostgreSQL connection costs more than most pages).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("OQU_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, so psycopg prepares the statements a connection repeats
    # (after `prepare_threshold` runs) and PostgreSQL plans them once per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "OQU_DB_SERVER_SIDE_BINDING", default=True
    )
    # Django turns psycopg's preparing off unless OPTIONS name a threshold: without this line the
    # binding above prepared nothing, and every hot query was planned again on every request.
    # 0 or less (e.g. behind a transaction-mode pooler without prepared-statement support) = never.
    _prepare_after = env.int("OQU_DB_PREPARE_THRESHOLD", default=5)
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        _prepare_after if _prepare_after > 0 else None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the account's grants with it (one query).
    "oqu.access.backends.ModelBackend",
    "oqu.access.backends.AuthenticationBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "oqu.identity.validators.PersonalDataPasswordValidator"},
]

# Kazakh is the default language, Russian equally complete (G-17).
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_LANGUAGES = ("kk", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("kk", "ru")
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "oqu_language"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: accounts are created by administrators (identity issue); no open signup here yet.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "oqu.identity.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# MFA for every account, with the under-16 exemption (G-5.11): see oqu/identity/mfa.py.
MFA_ADAPTER = "oqu.identity.mfa_adapter.MfaAdapter"
MFA_FORMS = {
    "authenticate": "oqu.identity.mfa_adapter.SignInCodeForm",
    "authenticate_webauthn": "oqu.identity.mfa_adapter.SignInWebAuthnForm",
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False  # only dev/test serve plain http on localhost
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side: phone clocks drift

OAUTH2_PROVIDER = {
    "SCOPES": {"read": _("Read data"), "write": _("Change data")},
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications: console/file backends in dev and tests (real gateways are configured in production).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@oqu.local")
OQU_SMS_BACKEND = env("OQU_SMS_BACKEND", default="oqu.notifications.backends.ConsoleSmsBackend")
OQU_SMS_FILE_PATH = env("OQU_SMS_FILE_PATH", default=str(VAR_DIR / "sms"))

# API: every list has a maximum page size (G-5.2).
OQU_API_DEFAULT_PAGE_SIZE = 50
OQU_API_MAX_PAGE_SIZE = 200

SESSION_COOKIE_HTTPONLY = True
# Database sessions as Django keeps them, loaded by a query written once (oqu/access/sessions.py).
SESSION_ENGINE = "oqu.access.sessions"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Sign-in protection (G-5.12): behind N reverse proxies the client's address is read from
# X-Forwarded-For (oqu.kernel.middleware.client_ip); allauth's own limits read it the same way.
OQU_TRUSTED_PROXY_COUNT = env.int("OQU_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = OQU_TRUSTED_PROXY_COUNT
# DBMS events (G-5.14): PostgreSQL's own log (jsonlog or csvlog), a directory or one file; empty
# means not configured (the scheduled ingestion then does nothing).
OQU_DBMS_LOG_DIR = env("OQU_DBMS_LOG_DIR", default="")

# Integrity of installed files (G-5.17): the tree that is hashed, where the manifest is kept, and
# the key that authenticates the manifest (HMAC-SHA256; empty: the manifest is not authenticated).
OQU_INTEGRITY_ROOT = env("OQU_INTEGRITY_ROOT", default=str(BASE_DIR))
OQU_INTEGRITY_MANIFEST = env(
    "OQU_INTEGRITY_MANIFEST", default=str(VAR_DIR / "integrity-manifest.json")
)
OQU_INTEGRITY_KEY = env("OQU_INTEGRITY_KEY", default="")
# Field-level encryption of restricted personal data (G-10): "<key id>:<base64 of 32 bytes>", the
# first seals, all open (rotation). The default is the public development key; prod refuses it.
OQU_FIELD_KEYS = env.list(
    "OQU_FIELD_KEYS", default=["dev1:ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="]
)
# The journal export to XLSX refuses more rows than this (G-5.13): narrow the filters instead.
OQU_JOURNAL_EXPORT_MAX_ROWS = 50_000
# -- SSO: the platform is an OpenID Connect provider (G-9, HSC-2/13); see oqu/sso/ -------------
from oqu.sso.keys import configured_key  # noqa: E402

OAUTH2_PROVIDER["SCOPES"] = {
    **OAUTH2_PROVIDER["SCOPES"],
    "openid": _("Sign you in with your platform account"),
    "profile": _("Your name and interface language"),
    "roles": _("Your roles on the platform"),
    "organization": _("Your organizations (name and BIN)"),
}
# Named so that models of ours may point at the (swappable) Application in migrations.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER["DEFAULT_SCOPES"] = ["read", "write"]
OAUTH2_PROVIDER["OIDC_ENABLED"] = True
OAUTH2_PROVIDER["PKCE_REQUIRED"] = True
OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] = "oqu.sso.validators.PolicyValidator"
OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"] = "oqu.sso.scopes.PolicyScopes"
# The signing key from the environment; dev.py and test.py fall back to one generated into var/.
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = ""
if env("OQU_OIDC_RSA_PRIVATE_KEY", default="") or env("OQU_OIDC_RSA_PRIVATE_KEY_FILE", default=""):
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = configured_key(
        pem=env("OQU_OIDC_RSA_PRIVATE_KEY", default=""),
        pem_file=env("OQU_OIDC_RSA_PRIVATE_KEY_FILE", default=""),
    )

# -- transport security (G-11): headers every environment sends; prod.py makes them strict ------
MIDDLEWARE.insert(1, "oqu.sso.middleware.ContentSecurityPolicyMiddleware")
# The UI loads HTMX and its CSS from its own static files: no CDN, no inline script or style.
# No form-action: browsers apply it to the redirect after the OAuth2 consent form, which goes to
# the client's own site.
OQU_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
# Dev and tests only report violations; production enforces the policy.
OQU_CONTENT_SECURITY_POLICY_REPORT_ONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# PostgreSQL over TLS where configured (G-11): e.g. OQU_DB_SSLMODE=verify-full with the CA file.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env(
    "OQU_DB_SSLMODE", default=""
):
    DATABASES["default"].setdefault("OPTIONS", {})["sslmode"] = env("OQU_DB_SSLMODE")
    for _option in ("sslrootcert", "sslcert", "sslkey"):
        if env(f"OQU_DB_{_option.upper()}", default=""):
            DATABASES["default"]["OPTIONS"][_option] = env(f"OQU_DB_{_option.upper()}")

# -- privacy (G-9, G-3): who answers a data subject's requests, shown on the privacy policy page --
# Empty: the page names the Ministry of Education in the page's language.
OQU_PRIVACY_CONTROLLER = env("OQU_PRIVACY_CONTROLLER", default="")
OQU_PRIVACY_CONTACT_EMAIL = env("OQU_PRIVACY_CONTACT_EMAIL", default="privacy@oqu.local")
OQU_PRIVACY_CONTACT_ADDRESS = env("OQU_PRIVACY_CONTACT_ADDRESS", default="")
OQU_PRIVACY_POLICY_DATE = env("OQU_PRIVACY_POLICY_DATE", default="2026-11-23")
# State person register (ГБД ФЛ) adapter, docs/exchange/person_register.md. No URL = not
# configured: link requests then wait for the child's organization to confirm them.
OQU_PERSON_REGISTER_URL = env("OQU_PERSON_REGISTER_URL", default="")
OQU_PERSON_REGISTER_API_KEY = env("OQU_PERSON_REGISTER_API_KEY", default="")
OQU_PERSON_REGISTER_TIMEOUT = env.float("OQU_PERSON_REGISTER_TIMEOUT", default=5.0)
# Parents' self-registration limits (oqu.registration.rules.Limits names the keys and defaults).
OQU_REGISTRATION: dict[str, int] = {}

# -- electronic signatures (oqu/pki, EDMS-23, DOMAIN.md §7) --
# "auto": local pyHanko verification for RSA/ECDSA, the NCANode-style service for GOST (when its
# URL is set); "local" or "ncanode" force one. Trusted roots are data (pki.TrustedRoot).
OQU_PKI_PROVIDER = env("OQU_PKI_PROVIDER", default="auto")
OQU_PKI_NCANODE_URL = env("OQU_PKI_NCANODE_URL", default="")
OQU_PKI_FETCH_TIMEOUT_SECONDS = env.float("OQU_PKI_FETCH_TIMEOUT_SECONDS", default=10.0)
OQU_PKI_REVOCATION_CACHE_SECONDS = env.int("OQU_PKI_REVOCATION_CACHE_SECONDS", default=300)
OQU_PKI_MAX_SIGNATURE_BYTES = env.int("OQU_PKI_MAX_SIGNATURE_BYTES", default=1_000_000)
OQU_PKI_MAX_DOCUMENT_BYTES = env.int("OQU_PKI_MAX_DOCUMENT_BYTES", default=25_000_000)
# The software signer (test keys made by `pki_test_ca`): development and tests only; the
# production settings refuse to start with it (oqu.pki.checks.refuse_software_signer).
OQU_PKI_SOFTWARE_SIGNER_DIR = env("OQU_PKI_SOFTWARE_SIGNER_DIR", default="")
OQU_PKI_SOFTWARE_SIGNER_PASSWORD = env("OQU_PKI_SOFTWARE_SIGNER_PASSWORD", default="")
# The signing page talks to the user's own NCALayer on their computer (DOMAIN.md §7).
OQU_CONTENT_SECURITY_POLICY = OQU_CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'", "connect-src 'self' wss://127.0.0.1:13579"
)
