from django.urls import path

from lms import views

app_name = "lms"

urlpatterns = [
    path("learn/", views.learner_home, name="learner_home"),
    path("learn/cohorts/<int:pk>/progress/", views.cohort_progress, name="cohort_progress"),
    path("learn/cohorts/<int:pk>/progress.csv", views.cohort_progress_csv, name="cohort_progress_csv"),
    path("learn/cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
]
