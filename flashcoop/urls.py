from django.urls import path

from flashcoop import views

app_name = "flashcoop"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_flashcoop, name="new"),
    path("cohorts/<int:pk>/", views.cohort_plan, name="cohort"),
    path("participants/<int:pk>/", views.participant, name="participant"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export/esf.csv", views.esf_export_csv, name="esf_export_csv"),
    path("export/esf.xlsx", views.esf_export_xlsx, name="esf_export_xlsx"),
    path("follow-up/thanks/", views.follow_up_thanks, name="follow_up_thanks"),
    path("follow-up/<str:token>/", views.follow_up_answer, name="follow_up_answer"),
]
