from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from programmes.evaluation.viewsets import EvaluationAdminGroup
from programmes.privacy import views as privacy_views
from programmes.viewsets import ProgrammesAdminGroup, person_chooser


@hooks.register("register_admin_viewset")
def register_programmes_admin():
    return ProgrammesAdminGroup()


@hooks.register("register_admin_viewset")
def register_evaluation_admin():
    return EvaluationAdminGroup()


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("privacy/", include((privacy_views.urlpatterns, "privacy"), namespace="privacy"))]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        return privacy_views.can_use_privacy_area(request.user)


@hooks.register("register_admin_menu_item")
def register_privacy_menu_item():
    return PrivacyMenuItem(
        _("Privacy"), reverse("privacy:index"), icon_name="lock", order=250, name="privacy"
    )
