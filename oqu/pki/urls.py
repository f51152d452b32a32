"""Web pages of signatures, under /pki/."""

from django.urls import path

from . import views

app_name = "pki"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verifications/", views.verification_list, name="verifications"),
    path("verifications/<uuid:verification_id>/", views.verification_detail, name="verification"),
    path("sign/", views.sign_example, name="sign"),
    path("software-signer/sign/", views.software_sign, name="software_sign"),
]
