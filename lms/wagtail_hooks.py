"""Admin of the training app: quizzes and training providers as snippets (chosen inside course pages),
and the certificates of the people in the user's scope."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.forms import QuizAdminForm
from lms.models import Quiz, TrainingProvider
from lms.viewsets import CertificateAdmin


class QuizAdmin(SnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    list_display = ["title", "pass_mark", "max_attempts"]
    search_fields = ["title"]
    base_form_class = QuizAdminForm


class TrainingProviderAdmin(SnippetViewSet):
    model = TrainingProvider
    icon = "site"
    menu_label = _("Training providers")
    list_display = ["legal_name", "siret", "declaration_number"]
    search_fields = ["legal_name", "siret"]


class TrainingAdminGroup(SnippetViewSetGroup):
    items = (QuizAdmin, TrainingProviderAdmin, CertificateAdmin)
    menu_icon = "doc-full"
    menu_label = _("Training")
    menu_name = "training"


@hooks.register("register_admin_viewset")
def register_training_admin() -> TrainingAdminGroup:
    return TrainingAdminGroup()
