from django.urls import include, path

from rest_framework import routers

from flashcoop.api import viewsets

router = routers.DefaultRouter()
router.register("plans", viewsets.FlashcoopPlanViewSet, basename="flashcoop-plan")
router.register("agenda-items", viewsets.AgendaItemViewSet, basename="flashcoop-agenda-item")
router.register("mentors", viewsets.MentorViewSet, basename="flashcoop-mentor")
router.register(
    "mentoring-meetings", viewsets.MentoringMeetingViewSet, basename="flashcoop-mentoring-meeting"
)
router.register("productions", viewsets.ProductionViewSet, basename="flashcoop-production")
router.register("entry-profiles", viewsets.EntryProfileViewSet, basename="flashcoop-entry-profile")
router.register("exits", viewsets.ExitViewSet, basename="flashcoop-exit")
router.register("follow-ups", viewsets.FollowUpViewSet, basename="flashcoop-follow-up")

urlpatterns = [path("", include(router.urls))]
