"""Web pages of the e-services, under /eservices/."""

from django.urls import path

from . import views

app_name = "eservices"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/<slug:code>/", views.apply, name="apply"),
    path("inbox/", views.inbox, name="inbox"),
    path("applications/<uuid:application_id>/", views.application, name="application"),
    path("applications/<uuid:application_id>/transition/", views.transition, name="transition"),
    path("documents/<uuid:document_id>/", views.document, name="document"),
]
