"""Web pages of the digital profiles, under /profiles/."""

from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("me/", views.my_profile, name="me"),
    path("persons/<uuid:person_id>/teacher/", views.teacher_page, name="teacher"),
    path("persons/<uuid:person_id>/learner/", views.learner_page, name="learner"),
    path("persons/<uuid:person_id>/add/<slug:section>/", views.entry_add, name="add"),
    path("persons/<uuid:person_id>/courses/propose/", views.course_propose, name="propose"),
    path("entries/<uuid:entry_id>/edit/", views.entry_edit, name="edit"),
    path("entries/<uuid:entry_id>/delete/", views.entry_delete, name="delete"),
    path("entries/<uuid:entry_id>/decide/", views.course_decide, name="decide"),
    path("entries/<uuid:entry_id>/attachment/", views.attachment_download, name="attachment"),
    path("entries/<uuid:entry_id>/attachment/upload/", views.attachment_upload, name="upload"),
    path("org/<uuid:unit_id>/teachers/", views.roster, name="roster"),
]
