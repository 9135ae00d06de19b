from django.urls import path

from lms import digcomp_views, public_views, views

app_name = "lms"

urlpatterns = [
    path("learn/", views.learner_home, name="learner_home"),
    path("learn/certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("learn/cohorts/<int:pk>/progress/", views.cohort_progress, name="cohort_progress"),
    path("learn/cohorts/<int:pk>/progress.csv", views.cohort_progress_csv, name="cohort_progress_csv"),
    path("learn/cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("verify/", public_views.verify_form, name="verify_form"),
    path("verify/<str:code>/", public_views.verify, name="verify"),
    path("learn/digital-skills/", digcomp_views.digital_skills_home, name="digcomp_home"),
    path("learn/digital-skills/step/<int:step>/", digcomp_views.assessment_step, name="digcomp_step"),
    path("learn/digital-skills/<int:pk>/", digcomp_views.assessment_result, name="digcomp_result"),
    path("learn/digital-skills/groups/", digcomp_views.digital_skills_groups, name="digcomp_groups"),
]
