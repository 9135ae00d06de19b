from django.urls import include, path

from rest_framework import routers

from programmes.api import evaluation_results, stats, views, viewsets

router = routers.DefaultRouter()
router.register("cohorts", viewsets.CohortViewSet, basename="cohort")
router.register("people", viewsets.PersonViewSet, basename="person")
router.register("enrolments", viewsets.EnrolmentViewSet, basename="enrolment")
router.register("sessions", viewsets.SessionViewSet, basename="session")
router.register("partnerships", viewsets.PartnershipViewSet, basename="partnership")

urlpatterns = [
    path("me/", views.CurrentUserView.as_view(), name="me"),
    path("stats/", stats.EditionStatisticsView.as_view(), name="stats"),
    path(
        "evaluation/questionnaires/<slug:slug>/results/",
        evaluation_results.QuestionnaireResultsView.as_view(),
        name="questionnaire-results",
    ),
    path("", include(router.urls)),
]
