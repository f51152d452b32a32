from django.urls import path

from . import pwa, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("language/", views.set_language, name="set_language"),
    path("tree/<uuid:unit_id>/", views.tree_node, name="tree_node"),
    path("org/<uuid:unit_id>/", views.org_card, name="org_card"),
    path("people/", views.people, name="people"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("grants/", views.grants, name="grants"),
    path("grants/units/", views.grant_units, name="grant_units"),
    path("grants/<uuid:grant_id>/", views.grant_detail, name="grant"),
    path("grants/<uuid:grant_id>/revoke/", views.grant_revoke_view, name="grant_revoke"),
]
