"""Web pages of the journal viewer and usage reports, under /audit/."""

from django.urls import path

from . import journal_views as views

app_name = "audit_web"

urlpatterns = [
    path("journal/", views.journal_page, name="journal"),
    path("journal/users/", views.journal_user_options, name="journal_users"),
    path("journal/export.xlsx", views.journal_export_view, name="journal_export"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/<uuid:report_id>/", views.report_page, name="report"),
    path("reports/<uuid:report_id>/usage.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<uuid:report_id>/delete/", views.report_delete, name="report_delete"),
]
