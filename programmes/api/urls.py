from django.urls import include, path

from rest_framework import routers

from programmes.api import views, viewsets

router = routers.DefaultRouter()
router.register("cohorts", viewsets.CohortViewSet, basename="cohort")
router.register("people", viewsets.PersonViewSet, basename="person")
router.register("enrolments", viewsets.EnrolmentViewSet, basename="enrolment")

urlpatterns = [
    path("me/", views.CurrentUserView.as_view(), name="me"),
    path("", include(router.urls)),
]
