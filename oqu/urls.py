"""Top-level URLs: the web UI, accounts, the API under /api/v1/, OAuth2/OIDC."""

from django.contrib import admin
from django.urls import include, path

from oqu.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("oqu.identity.mfa_urls")),  # before allauth: guards a key's removal
    path("accounts/", include("allauth.urls")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("oqu.web.urls")),
]
