from django.urls import path

from lms import views

app_name = "lms"

urlpatterns = [
    path("learn/", views.learner_home, name="learner_home"),
]
