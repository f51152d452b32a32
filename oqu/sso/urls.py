from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("privacy/", views.privacy_policy, name="privacy"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("sso/clients/", views.client_list, name="clients"),
    path("sso/clients/<uuid:policy_id>/", views.client_detail, name="client"),
    path("sso/clients/<uuid:policy_id>/rotate/", views.client_rotate, name="client_rotate"),
    path("sso/clients/<uuid:policy_id>/active/", views.client_active, name="client_active"),
]
