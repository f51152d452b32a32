from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    # Takes the place of allauth's page of the same address, so every change is journaled and
    # ends the first-login obligation (G-5.9).
    path("accounts/password/change/", views.password_change, name="password_change"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("users/", views.account_list, name="accounts"),
    path("users/new/<uuid:person_id>/", views.account_create, name="account_create"),
    path("users/<uuid:account_id>/", views.account_detail, name="account"),
    path("users/<uuid:account_id>/edit/", views.account_edit, name="account_edit"),
    path("users/<uuid:account_id>/block/", views.account_block, name="account_block"),
    path("users/<uuid:account_id>/unblock/", views.account_unblock, name="account_unblock"),
    path("users/<uuid:account_id>/reset/", views.account_reset, name="account_reset"),
    path("users/<uuid:account_id>/delete/", views.account_delete, name="account_delete"),
]
