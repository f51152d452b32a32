from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("integrity/", views.integrity_checks, name="integrity"),
]
