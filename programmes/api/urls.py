from django.urls import path

from programmes.api import views

urlpatterns = [
    path("me/", views.CurrentUserView.as_view(), name="me"),
]
