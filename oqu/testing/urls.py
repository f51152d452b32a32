"""Web pages of interim control tests, under /testing/."""

from django.urls import path

from . import views

app_name = "testing"

urlpatterns = [
    path("", views.index, name="index"),
    path("org/<uuid:unit_id>/", views.bank, name="bank"),
    path("org/<uuid:unit_id>/questions/add/", views.question_add, name="question_add"),
    path("questions/<uuid:question_id>/use/", views.question_use, name="question_use"),
    path("org/<uuid:unit_id>/tests/add/", views.control_test_add, name="control_test_add"),
    path("tests/<uuid:test_id>/", views.control_test_page, name="test"),
    path("tests/<uuid:test_id>/start/", views.attempt_start, name="start"),
    path("attempts/<uuid:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<uuid:attempt_id>/answer/", views.attempt_answer, name="answer"),
    path("attempts/<uuid:attempt_id>/finish/", views.attempt_finish, name="finish"),
]
