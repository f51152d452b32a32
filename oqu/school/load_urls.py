"""Web pages of the teaching load, under /school/ (SEC-27.13)."""

from django.urls import path

from . import load_views

app_name = "school_load"

urlpatterns = [
    path("years/<uuid:year_id>/load/", load_views.load_page, name="page"),
    path("years/<uuid:year_id>/load.xlsx", load_views.load_xlsx, name="xlsx"),
]
