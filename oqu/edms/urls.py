"""Web pages of documents, under /edms/."""

from django.urls import path

from . import views

app_name = "edms"

urlpatterns = [
    path("", views.index, name="index"),
    path("kind-fields/", views.kind_fields, name="kind_fields"),
    path("documents/add/", views.document_add, name="document_add"),
    path("documents/<uuid:document_id>/", views.document_page, name="document"),
    path("documents/<uuid:document_id>/change/", views.document_change, name="change"),
    path("documents/<uuid:document_id>/attach/", views.document_attach, name="attach"),
    path("documents/<uuid:document_id>/route/", views.document_route, name="route"),
    path("documents/<uuid:document_id>/register/", views.document_register, name="register"),
    path("documents/<uuid:document_id>/assign/", views.document_assign, name="assign"),
    path("documents/<uuid:document_id>/execute/", views.document_execute, name="execute"),
    path("documents/<uuid:document_id>/send/", views.document_send, name="send"),
    path("documents/<uuid:document_id>/esedo/", views.document_esedo, name="esedo"),
    path("esedo/<uuid:unit_id>/receive/", views.esedo_receive, name="esedo_receive"),
    path("documents/<uuid:document_id>/archive/", views.document_archive, name="archive"),
    path("documents/<uuid:document_id>/pdf/", views.document_pdf, name="pdf"),
    path("steps/<uuid:step_id>/", views.step_act, name="step"),
    path("steps/<uuid:step_id>/sign/", views.step_sign, name="step_sign"),
    path(
        "documents/<uuid:document_id>/signatures/recheck/",
        views.signatures_recheck,
        name="signatures_recheck",
    ),
    path("attachments/<uuid:attachment_id>/", views.attachment_file, name="attachment"),
    path(
        "attachments/<uuid:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("monitor/", views.monitor, name="monitor"),
    path("archive/<uuid:unit_id>/", views.archive_export, name="archive_export"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
