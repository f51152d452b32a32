"""Web pages of the preschool, under /preschool/."""

from django.urls import path

from . import views

app_name = "preschool"

urlpatterns = [
    path("", views.index, name="index"),
    path("org/<uuid:unit_id>/", views.organization, name="organization"),
    path("org/<uuid:unit_id>/groups/add/", views.group_add, name="group_add"),
    path("org/<uuid:unit_id>/moves/prepare/", views.transition_prepare, name="transition_prepare"),
    path("moves/<uuid:batch_id>/", views.transition, name="transition"),
    path("moves/<uuid:batch_id>/apply/", views.transition_apply, name="transition_apply"),
    path("move-lines/<uuid:line_id>/", views.transition_line, name="transition_line"),
    path("groups/<uuid:group_id>/", views.group, name="group"),
    path("groups/<uuid:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<uuid:group_id>/enrol/", views.enrol, name="enrol"),
    path("groups/<uuid:group_id>/activities/add/", views.activity_add, name="activity_add"),
    path("groups/<uuid:group_id>/attendance/", views.attendance_mark, name="attendance_mark"),
    path("groups/<uuid:group_id>/month/", views.month, name="month"),
    path("groups/<uuid:group_id>/month.xlsx", views.month_xlsx, name="month_xlsx"),
    path("memberships/<uuid:membership_id>/move/", views.move, name="move"),
    path("memberships/<uuid:membership_id>/leave/", views.leave, name="leave"),
    path("activities/<uuid:activity_id>/remove/", views.activity_remove, name="activity_remove"),
    path("children/<uuid:child_id>/", views.child, name="child"),
    path("children/<uuid:child_id>/medical/", views.medical, name="medical"),
    path("children/<uuid:child_id>/medical/set/", views.medical_set, name="medical_set"),
    path("children/<uuid:child_id>/statuses/add/", views.status_add, name="status_add"),
    path("children/<uuid:child_id>/works/add/", views.work_add, name="work_add"),
    path("statuses/<uuid:status_id>/close/", views.status_close, name="status_close"),
    path("works/<uuid:work_id>/", views.work_file, name="work_file"),
    path("works/<uuid:work_id>/remove/", views.work_remove, name="work_remove"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.catalogue_add, name="catalogue_add"),
    path("catalogue/<uuid:item_id>/", views.catalogue_file, name="catalogue_file"),
    path("catalogue/<uuid:item_id>/withdraw/", views.catalogue_withdraw, name="catalogue_withdraw"),
]
