"""Admin of the training app: quizzes, training providers and SCORM packages as snippets (chosen inside
course pages), and the certificates of the people in the user's scope."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.forms import QuizAdminForm
from lms.models import Quiz, ScormPackage, TrainingProvider
from lms.scorm import services as scorm_services
from lms.scorm.forms import ScormPackageAdminForm
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


class ScormPackageAdmin(SnippetViewSet):
    """SCORM packages, uploaded here and chosen in lessons (their "SCORM package" field)."""

    model = ScormPackage
    icon = "media"
    menu_label = _("SCORM packages")
    list_display = ["title", "version", "uploaded_at"]
    search_fields = ["title"]
    # The form comes from the top panel (a viewset's base_form_class is not read for it).
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("archive")], base_form_class=ScormPackageAdminForm
    )


class TrainingAdminGroup(SnippetViewSetGroup):
    items = (QuizAdmin, TrainingProviderAdmin, ScormPackageAdmin, CertificateAdmin)
    menu_icon = "doc-full"
    menu_label = _("Training")
    menu_name = "training"


@hooks.register("register_admin_viewset")
def register_training_admin() -> TrainingAdminGroup:
    return TrainingAdminGroup()


@hooks.register("after_delete_snippet")
def remove_deleted_scorm_files(request: HttpRequest, instances: list[Any]) -> None:
    """Deleting packages (one or in bulk) removes their files once the deletion is committed."""
    packages = [instance for instance in instances if isinstance(instance, ScormPackage)]
    if packages:
        uuids = [str(package.uuid) for package in packages]
        archive_names = [package.archive.name for package in packages]
        transaction.on_commit(
            lambda: scorm_services.remove_package_files(uuids=uuids, archive_names=archive_names)
        )
