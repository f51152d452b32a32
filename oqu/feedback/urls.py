"""Web pages of surveys and the FAQ, under /feedback/."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("surveys/add/", views.survey_add, name="survey_add"),
    path("surveys/<uuid:survey_id>/", views.survey_page, name="survey"),
    path("surveys/<uuid:survey_id>/questions/add/", views.question_add, name="question_add"),
    path("surveys/<uuid:survey_id>/status/", views.status_set, name="status"),
    path("surveys/<uuid:survey_id>/respond/", views.respond, name="respond"),
    path("faq/", views.faq, name="faq"),
    path("faq/add/", views.faq_add, name="faq_add"),
    path("faq/<uuid:entry_id>/", views.faq_edit, name="faq_edit"),
]
