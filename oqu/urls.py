"""Top-level URLs: the web UI, accounts, the API under /api/v1/, OAuth2/OIDC."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from oqu.api import api
from oqu.identity.token_view import ProtectedTokenView

# The admin site signs in through allauth too: the same MFA and sign-in protection (G-5.12).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("oqu.identity.urls")),  # before allauth: its password change page is ours
    path("", include("oqu.identity.mfa_urls")),  # before allauth: guards a key's removal
    path("accounts/", include("allauth.urls")),
    path("o/token/", ProtectedTokenView.as_view(), name="oauth2_token_protected"),
    path("o/", include("oqu.sso.provider_urls", namespace="oauth2_provider")),
    path("", include("oqu.sso.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("oqu.audit.urls")),
    path("audit/dbms-events/", include("oqu.audit.dbms_urls")),
    path("ops/", include("oqu.ops.urls")),
    path("audit/", include("oqu.audit.journal_urls")),
    path("people/", include("oqu.people.restricted_urls")),
    path("registration/", include("oqu.registration.urls")),
    path("school/", include("oqu.school.urls")),
    path("journal/", include("oqu.journal.urls")),
    path("lms/", include("oqu.lms.urls")),
    path("testing/", include("oqu.testing.urls")),
    path("feedback/", include("oqu.feedback.urls")),
    path("school/", include("oqu.school.load_urls")),
    path("profiles/", include("oqu.profiles.urls")),
    path("cabinet/", include("oqu.cabinet.urls")),
    path("analytics/", include("oqu.analytics.urls")),
    path("pki/", include("oqu.pki.urls")),
    path("preschool/", include("oqu.preschool.urls")),
    path("equeue/", include("oqu.equeue.urls")),
    path("eservices/", include("oqu.eservices.urls")),
    path("forecast/", include("oqu.forecast.urls")),
    path("passport/", include("oqu.passport.urls")),
    path("edms/", include("oqu.edms.urls")),
    path("", include("oqu.web.urls")),
]
