from django.urls import path

from programmes.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("q/thanks/", views.thanks, name="thanks"),
    path("q/<str:token>/", views.answer_link, name="answer_link"),
    path("evaluation/", views.my_questionnaires, name="my_questionnaires"),
    path("evaluation/<int:pk>/", views.answer_logged_in, name="answer"),
    path("coordinate/evaluation/", views.campaign_list, name="campaign_list"),
    path("coordinate/evaluation/new/", views.campaign_create, name="campaign_create"),
    path("coordinate/evaluation/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "coordinate/evaluation/questionnaires/<int:pk>/export.json",
        views.questionnaire_export,
        name="questionnaire_export",
    ),
]
