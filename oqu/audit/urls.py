from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("failed-access/", views.failed_access, name="failed_access"),
    path("security-events/", views.security_events, name="security_events"),
    path("locks/<uuid:lock_id>/release/", views.lock_release, name="lock_release"),
]
