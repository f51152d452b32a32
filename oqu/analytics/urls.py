"""Web pages of learning analytics, under /analytics/."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.start, name="start"),
    path("units/<uuid:unit_id>/", views.unit_report, name="unit"),
    path("units/<uuid:unit_id>/xlsx/", views.unit_xlsx, name="unit_xlsx"),
    path("classes/<uuid:class_id>/", views.class_report, name="class"),
    path("classes/<uuid:class_id>/xlsx/", views.class_xlsx, name="class_xlsx"),
]
