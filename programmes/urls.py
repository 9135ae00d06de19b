from django.urls import path

from programmes import import_views, views

app_name = "programmes"

urlpatterns = [
    path("coordinate/", views.coordinator_home, name="coordinator_home"),
    path("facilitate/", views.facilitator_home, name="facilitator_home"),
    path("partner/", views.partner_home, name="partner_home"),
    path("coordinate/export.csv", views.coordinator_export_csv, name="coordinator_export_csv"),
    path("coordinate/export.xlsx", views.coordinator_export_xlsx, name="coordinator_export_xlsx"),
    path("facilitate/cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("facilitate/cohorts/<int:pk>/sessions/", views.session_create, name="session_create"),
    path("facilitate/enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("facilitate/sessions/<int:pk>/attendance/", views.attendance_sheet, name="attendance_sheet"),
    path("coordinate/import/", import_views.import_upload, name="import_upload"),
    path("coordinate/import/confirm/", import_views.import_confirm, name="import_confirm"),
]
