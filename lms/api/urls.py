from django.urls import include, path

from rest_framework import routers

from lms.api import viewsets

router = routers.DefaultRouter()
router.include_root_view = False
router.register("courses", viewsets.CourseViewSet, basename="lms-course")
router.register("lessons", viewsets.LessonViewSet, basename="lms-lesson")
router.register("live-sessions", viewsets.LiveSessionViewSet, basename="lms-live-session")

urlpatterns = [path("", include(router.urls))]
