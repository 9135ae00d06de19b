from django.urls import include, path

from rest_framework import routers

from lms.api import viewsets, xapi

router = routers.DefaultRouter()
router.include_root_view = False
router.register("courses", viewsets.CourseViewSet, basename="lms-course")
router.register("lessons", viewsets.LessonViewSet, basename="lms-lesson")
router.register("certificates", viewsets.CertificateViewSet, basename="lms-certificate")
router.register(
    "digital-skills/assessments", viewsets.DigcompAssessmentViewSet, basename="lms-digcomp-assessment"
)
router.register("live-sessions", viewsets.LiveSessionViewSet, basename="lms-live-session")

urlpatterns = [
    path("digital-skills/framework/", viewsets.DigcompFrameworkView.as_view(), name="lms-digcomp-framework"),
    path(
        "digital-skills/aggregates/", viewsets.DigcompAggregatesView.as_view(), name="lms-digcomp-aggregates"
    ),
    path("xapi/me/statements/", xapi.MyStatementsView.as_view(), name="lms-xapi-mine"),
    path("xapi/courses/<int:pk>/statements/", xapi.CourseStatementsView.as_view(), name="lms-xapi-course"),
    path("xapi/people/<int:pk>/statements/", xapi.PersonStatementsView.as_view(), name="lms-xapi-person"),
    path("", include(router.urls)),
]
