"""Web pages of the school section, under /school/."""

from django.urls import path

from . import timetable_views, views

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
    # the timetable (SEC-27.8)
    path("years/<uuid:year_id>/timetable/", timetable_views.year_timetable, name="timetable_year"),
    path("years/<uuid:year_id>/timetable/rooms/add/", timetable_views.room_add, name="room_add"),
    path("rooms/<uuid:room_id>/edit/", timetable_views.room_edit, name="room_edit"),
    path("years/<uuid:year_id>/timetable/bells/", timetable_views.bell_set, name="bell_set"),
    path("bells/<uuid:bell_id>/remove/", timetable_views.bell_remove, name="bell_remove"),
    path(
        "years/<uuid:year_id>/timetable/generate/",
        timetable_views.lessons_generate,
        name="lessons_generate",
    ),
    path("years/<uuid:year_id>/timetable/draft/", timetable_views.draft_review, name="draft"),
    path(
        "years/<uuid:year_id>/timetable/draft/apply/",
        timetable_views.draft_apply,
        name="draft_apply",
    ),
    path(
        "classes/<uuid:class_id>/timetable/",
        timetable_views.class_timetable,
        name="timetable_class",
    ),
    path("classes/<uuid:class_id>/timetable/check/", timetable_views.cell_check, name="cell_check"),
    path("classes/<uuid:class_id>/timetable/place/", timetable_views.cell_place, name="cell_place"),
    path(
        "timetable/entries/<uuid:entry_id>/remove/",
        timetable_views.cell_remove,
        name="cell_remove",
    ),
    path("timetable/entries/<uuid:entry_id>/move/", timetable_views.cell_move, name="cell_move"),
    path(
        "timetable/entries/<uuid:entry_id>/move/form/",
        timetable_views.move_form,
        name="move_form",
    ),
    path(
        "timetable/entries/<uuid:entry_id>/move/check/",
        timetable_views.move_check,
        name="move_check",
    ),
    path(
        "subjects/<uuid:subject_id>/room-kind/",
        timetable_views.subject_room_kind,
        name="subject_room_kind",
    ),
    path("classes/<uuid:class_id>/week/", timetable_views.class_week, name="class_week"),
    path(
        "org/<uuid:unit_id>/teachers/<uuid:person_id>/week/",
        timetable_views.teacher_week,
        name="teacher_week",
    ),
    path("org/<uuid:unit_id>/lessons/", timetable_views.date_lessons, name="timetable_date"),
    path(
        "lessons/<uuid:lesson_id>/substitute/",
        timetable_views.substitute_form,
        name="substitute_form",
    ),
    path(
        "lessons/<uuid:lesson_id>/substitute/set/",
        timetable_views.substitute_set,
        name="substitute_set",
    ),
    path(
        "lessons/<uuid:lesson_id>/substitute/undo/",
        timetable_views.substitute_undo,
        name="substitute_undo",
    ),
]
