from django.urls import include, path

from rest_framework import routers

from cjs.api import viewsets

router = routers.DefaultRouter()
router.register("clients", viewsets.ClientViewSet, basename="cjs-client")
router.register("contracts", viewsets.ContractViewSet, basename="cjs-contract")
router.register("expenses", viewsets.ExpenseViewSet, basename="cjs-expense")
router.register("distributions", viewsets.DistributionViewSet, basename="cjs-distribution")
router.register("meetings", viewsets.MeetingViewSet, basename="cjs-meeting")
router.register("decisions", viewsets.DecisionViewSet, basename="cjs-decision")
router.register("committees", viewsets.CommitteeViewSet, basename="cjs-committee")
router.register("service-requests", viewsets.ServiceRequestViewSet, basename="cjs-service-request")

urlpatterns = [path("", include(router.urls))]
