from django.urls import path

from . import dbms_views

app_name = "dbms"

urlpatterns = [
    path("", dbms_views.dbms_events, name="events"),
]
