"""Web pages of the child's passport, under /passport/."""

from django.urls import path

from . import views

app_name = "passport"

urlpatterns = [
    path("", views.index, name="index"),
    path("children/<uuid:person_id>/", views.child, name="child"),
]
