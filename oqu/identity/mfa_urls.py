"""URLs of the MFA policy pages; included before allauth's so the key-removal guard wins."""

from django.urls import path

from . import mfa_views

urlpatterns = [
    path("mfa/children/", mfa_views.children, name="mfa_children"),
    path(
        "mfa/children/<uuid:person_id>/consent/",
        mfa_views.consent_give,
        name="mfa_consent_give",
    ),
    path(
        "mfa/consents/<uuid:consent_id>/revoke/",
        mfa_views.consent_revoke,
        name="mfa_consent_revoke",
    ),
    # Same path as allauth's `mfa_remove_webauthn`: resolved here first, reversed by allauth.
    path(
        "accounts/2fa/webauthn/keys/<int:pk>/remove/",
        mfa_views.remove_webauthn,
        name="mfa_remove_webauthn_guarded",
    ),
]
