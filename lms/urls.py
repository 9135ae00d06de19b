from django.urls import path

from lms import digcomp_views, live_views, public_views, views, xapi_views
from lms.scorm import views as scorm_views

app_name = "lms"

urlpatterns = [
    path("learn/", views.learner_home, name="learner_home"),
    path("learn/certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path(
        "learn/certificates/<str:code>/open-badge/",
        views.certificate_open_badge,
        name="certificate_open_badge",
    ),
    path("credentials/status/<int:list_number>/", public_views.badge_status_list, name="badge_status_list"),
    path("learn/cohorts/<int:pk>/progress/", views.cohort_progress, name="cohort_progress"),
    path("learn/cohorts/<int:pk>/progress.csv", views.cohort_progress_csv, name="cohort_progress_csv"),
    path("learn/cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("verify/", public_views.verify_form, name="verify_form"),
    path("verify/<str:code>/", public_views.verify, name="verify"),
    path("learn/digital-skills/", digcomp_views.digital_skills_home, name="digcomp_home"),
    path("learn/digital-skills/step/<int:step>/", digcomp_views.assessment_step, name="digcomp_step"),
    path("learn/digital-skills/<int:pk>/", digcomp_views.assessment_result, name="digcomp_result"),
    path("learn/digital-skills/groups/", digcomp_views.digital_skills_groups, name="digcomp_groups"),
    path("learn/people/<int:pk>/time/", views.learner_time, name="learner_time"),
    path("learn/reports/", views.course_reports, name="course_reports"),
    path("learn/reports/courses/<int:pk>/", views.course_report, name="course_report"),
    path("learn/reports/courses/<int:pk>/report.csv", views.course_report_csv, name="course_report_csv"),
    # Learning records as xAPI statements
    path("learn/my-records/xapi.json", xapi_views.my_statements, name="xapi_mine"),
    path("learn/people/<int:pk>/xapi.json", xapi_views.person_statements, name="xapi_person"),
    path("learn/reports/courses/<int:pk>/xapi.json", xapi_views.course_statements, name="xapi_course"),
    # Live sessions
    path("learn/live/", live_views.run_sessions, name="live_run_sessions"),
    path("learn/live/new/", live_views.session_create, name="live_create"),
    path("learn/live/<int:pk>/", live_views.session_detail, name="live_session"),
    path("learn/live/<int:pk>/edit/", live_views.session_edit, name="live_edit"),
    path("learn/live/<int:pk>/join/", live_views.session_join, name="live_join"),
    path("learn/live/<int:pk>/sign-in/", live_views.session_sign_in, name="live_sign_in"),
    path("learn/live/<int:pk>/sheet/", live_views.sign_in_sheet, name="live_sign_in_sheet"),
    path("learn/live/<int:pk>/attendance/", live_views.confirm_attendance, name="live_confirm"),
    path("learn/live/<int:pk>/session.ics", live_views.session_ics, name="live_ics"),
    # SCORM: the content under its own prefix (its own security policy), and the run-time's commits.
    path("learn/scorm/content/<int:lesson_id>/<path:path>", scorm_views.content, name="scorm_content"),
    path("learn/scorm/commit/", scorm_views.commit, name="scorm_commit"),
    path("learn/calendar/", live_views.calendar_page, name="calendar"),
    path("learn/calendar/<str:token>/sessions.ics", live_views.calendar_feed, name="calendar_feed"),
]
