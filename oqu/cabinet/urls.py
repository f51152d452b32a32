"""Web pages of the learner's and the parent's cabinet, under /cabinet/."""

from django.urls import path

from . import views

app_name = "cabinet"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.notification_settings, name="settings"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<uuid:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path("<uuid:person_id>/", views.today, name="today"),
    path("<uuid:person_id>/week/", views.week, name="week"),
    path("<uuid:person_id>/marks/", views.marks, name="marks"),
    path("<uuid:person_id>/period-marks/", views.period_marks, name="period_marks"),
    path("<uuid:person_id>/attendance/", views.attendance, name="attendance"),
    path("<uuid:person_id>/homework/", views.homework, name="homework"),
    path("<uuid:person_id>/documents/", views.documents, name="documents"),
    path("<uuid:person_id>/lessons/<uuid:lesson_id>/", views.lesson, name="lesson"),
]
