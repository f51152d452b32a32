"""Web pages of restricted personal data, under /people/<id>/restricted/."""

from django.urls import path

from . import restricted_views as views

app_name = "people_restricted"

urlpatterns = [
    path("<uuid:person_id>/restricted/", views.restricted_page, name="page"),
    path("<uuid:person_id>/restricted/add/", views.restricted_add, name="add"),
    path(
        "<uuid:person_id>/restricted/<uuid:record_id>/delete/",
        views.restricted_remove,
        name="delete",
    ),
]
