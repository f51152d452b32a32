"""Web pages of the e-journal, under /journal/."""

from django.urls import path

from . import views

app_name = "journal"

urlpatterns = [
    path("", views.index, name="index"),
    path("assignments/<uuid:assignment_id>/", views.grid, name="grid"),
    path(
        "assignments/<uuid:assignment_id>/period-marks/",
        views.period_marks,
        name="period_marks",
    ),
    path(
        "assignments/<uuid:assignment_id>/period-marks/recompute/",
        views.period_marks_recompute,
        name="recompute",
    ),
    path("period-marks/<uuid:period_mark_id>/confirm/", views.period_mark_confirm, name="confirm"),
    path("lessons/<uuid:lesson_id>/", views.lesson_page, name="lesson"),
    path("lessons/<uuid:lesson_id>/attendance/", views.lesson_attendance, name="attendance"),
    path(
        "lessons/<uuid:lesson_id>/attendance/<uuid:learner_id>/",
        views.attendance_cell,
        name="attendance_cell",
    ),
    path("lessons/<uuid:lesson_id>/assessments/add/", views.assessment_add, name="assessment_add"),
    path("lessons/<uuid:lesson_id>/reopen/", views.lesson_reopen, name="reopen"),
    path("assessments/<uuid:assessment_id>/marks/", views.assessment_marks, name="marks"),
    path(
        "assessments/<uuid:assessment_id>/remove/",
        views.assessment_remove,
        name="assessment_remove",
    ),
    path(
        "assessments/<uuid:assessment_id>/marks/<uuid:learner_id>/",
        views.mark_cell,
        name="mark_cell",
    ),
]
