from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("coordinate/", views.coordinator_home, name="coordinator_home"),
    path("facilitate/", views.facilitator_home, name="facilitator_home"),
    path("partner/", views.partner_home, name="partner_home"),
]
