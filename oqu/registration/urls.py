from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.verify, name="verify"),
    path("account/", views.complete, name="complete"),
    path("links/", views.links, name="links"),
    path("link-requests/", views.link_requests, name="link_requests"),
    path("link-requests/<uuid:link_id>/", views.link_request_decide, name="link_request_decide"),
]
