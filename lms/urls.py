from django.urls import path

from lms import digcomp_views, views

app_name = "lms"

urlpatterns = [
    path("learn/", views.learner_home, name="learner_home"),
    path("learn/cohorts/<int:pk>/progress/", views.cohort_progress, name="cohort_progress"),
    path("learn/cohorts/<int:pk>/progress.csv", views.cohort_progress_csv, name="cohort_progress_csv"),
    path("learn/cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("learn/digital-skills/", digcomp_views.digital_skills_home, name="digcomp_home"),
    path("learn/digital-skills/step/<int:step>/", digcomp_views.assessment_step, name="digcomp_step"),
    path("learn/digital-skills/<int:pk>/", digcomp_views.assessment_result, name="digcomp_result"),
    path("learn/digital-skills/groups/", digcomp_views.digital_skills_groups, name="digcomp_groups"),
]
