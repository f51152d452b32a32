"""Web pages of the school section, under /school/."""

from django.urls import path

from . import views

app_name = "school"

urlpatterns = [
    path("org/<uuid:unit_id>/", views.overview, name="overview"),
    path("org/<uuid:unit_id>/years/add/", views.year_add, name="year_add"),
    path("org/<uuid:unit_id>/subjects/add/", views.subject_add, name="subject_add"),
    path("years/<uuid:year_id>/periods/add/", views.period_add, name="period_add"),
    path("years/<uuid:year_id>/vacations/add/", views.vacation_add, name="vacation_add"),
    path("years/<uuid:year_id>/classes/add/", views.class_add, name="class_add"),
    path("years/<uuid:year_id>/curriculum/", views.curriculum, name="curriculum"),
    path("years/<uuid:year_id>/curriculum/set/", views.curriculum_set, name="curriculum_set"),
    path("classes/<uuid:class_id>/", views.class_card, name="class"),
    path("classes/<uuid:class_id>/enrol/", views.learner_enrol, name="enrol"),
    path("classes/<uuid:class_id>/subgroups/add/", views.subgroup_add, name="subgroup_add"),
    path("classes/<uuid:class_id>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("memberships/<uuid:membership_id>/move/", views.learner_move, name="move"),
    path(
        "subgroups/<uuid:subgroup_id>/learners/", views.subgroup_learners, name="subgroup_learners"
    ),
    path(
        "assignments/<uuid:assignment_id>/remove/",
        views.assignment_remove,
        name="assignment_remove",
    ),
]
