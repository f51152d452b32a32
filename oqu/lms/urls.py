"""Web pages of homework, lesson plans and distance learning, under /lms/."""

from django.urls import path

from . import views

app_name = "lms"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<uuid:lesson_id>/", views.lesson, name="lesson"),
    path("lessons/<uuid:lesson_id>/homework/", views.homework_set, name="homework_set"),
    path("lessons/<uuid:lesson_id>/conference/", views.conference_set, name="conference_set"),
    path("lessons/<uuid:lesson_id>/recording/", views.recording_set, name="recording_set"),
    path("lessons/<uuid:lesson_id>/chat/", views.chat, name="chat"),
    path("lessons/<uuid:lesson_id>/chat/post/", views.chat_post, name="chat_post"),
    path(
        "lessons/<uuid:lesson_id>/announcements/",
        views.announcement_post,
        name="announcement_post",
    ),
    path("lessons/<uuid:lesson_id>/plans/", views.lesson_plan_attach, name="lesson_plan_attach"),
    path("chat/<uuid:message_id>/delete/", views.chat_delete, name="chat_delete"),
    path("homework/<uuid:homework_id>/", views.homework, name="homework"),
    path("homework/<uuid:homework_id>/submit/", views.homework_submit, name="homework_submit"),
    path("submissions/<uuid:submission_id>/check/", views.submission_check, name="check"),
    path("learners/<uuid:person_id>/homework/", views.learner_homework, name="learner_homework"),
    path("plans/", views.plans, name="plans"),
    path("plans/<uuid:plan_id>/", views.plan, name="plan"),
    path("plans/<uuid:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:plan_id>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<uuid:plan_id>/attach/", views.plan_attach, name="plan_attach"),
    path("plans/<uuid:plan_id>/files/", views.plan_files, name="plan_files"),
    path("files/<uuid:attachment_id>/", views.attachment_download, name="file"),
]
