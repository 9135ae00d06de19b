"""Personal data of the public site (registry in programmes.privacy): photos showing people, and the
messages sent through its contact forms."""

import datetime
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.forms.models import FormSubmission

from cms.models import (
    CjsDirectoryPage,
    FormField,
    FormPage,
    HomePage,
    ImpactReportIndexPage,
    ImpactReportPage,
    MainMenu,
    MainMenuItem,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    OrganisationLogo,
    PartnersPage,
    PhotoSubject,
    ProgrammePage,
    ReportSnapshot,
    SiteSettings,
    StandardPage,
)
from programmes.models import Person
from programmes.privacy import retention
from programmes.privacy.export import export_row, export_rows
from programmes.privacy.registry import (
    BaseProvider,
    Purpose,
    classify,
    not_personal,
    register_provider,
    register_purpose,
)


def declare() -> None:
    register_purpose(
        Purpose(
            "public_photos",
            _("Photos on the public site"),
            _(
                "Photos of a CJS or a Flashcoop showing people who gave their image rights (a guardian for a minor)."
            ),
            _("Consent"),
            "image_rights",
        )
    )
    register_purpose(
        Purpose(
            "contact_messages",
            _("Contact messages"),
            _("Messages sent through the site's contact forms, to answer them."),
            _("Legitimate interest of the network"),
            "contact_messages",
        )
    )
    classify(PhotoSubject, purpose="public_photos", fields=["image", "person"], subjects=["person"])
    classify(FormSubmission, purpose="contact_messages", fields=["form_data"])
    content: list[type[Model]] = [
        HomePage,
        ProgrammePage,
        CjsDirectoryPage,
        NewsIndexPage,
        NewsPage,
        NewsPageTag,
        StandardPage,
        PartnersPage,
        FormPage,
        FormField,
        MainMenu,
        MainMenuItem,
        OrganisationLogo,
        SiteSettings,
        ImpactReportIndexPage,
        ImpactReportPage,
    ]
    for model in content:
        not_personal(model, note=_("Public site content."))
    # A published report's frozen numbers are aggregates under the disclosure rules; who published it
    # is a staff account.
    not_personal(ReportSnapshot, staff=["published_by"], note=_("Aggregates of a published impact report."))
    register_provider(CmsProvider())


def _messages_of(person: Person) -> Any:
    if not person.email:
        return FormSubmission.objects.none()
    return FormSubmission.objects.filter(form_data__icontains=person.email)


class CmsProvider(BaseProvider):
    app_label = "cms"
    label = _("Public site")
    models = (PhotoSubject,)

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        photos = PhotoSubject.objects.filter(person=person).select_related("image").order_by("pk")
        return {
            "cms.photosubject": [
                export_row(photo, ["image"], created_at=photo.image.created_at) for photo in photos
            ],
            "wagtailforms.formsubmission": export_rows(
                _messages_of(person).order_by("pk"), ["form_data", "submit_time"]
            ),
        }

    def attachments(self, person: Any) -> list[tuple[str, bytes]]:
        files = []
        for photo in PhotoSubject.objects.filter(person=person).select_related("image"):
            image = photo.image
            with image.open_file() as handle:
                files.append((image.file.name.rsplit("/", 1)[-1], handle.read()))
        return files

    def erase(self, person: Person) -> None:
        """Photos showing the person are deleted with their files (pages that used them show nothing
        in their place); contact messages sent from their e-mail address too."""
        for photo in PhotoSubject.objects.filter(person=person).select_related("image"):
            photo.image.delete()
        _messages_of(person).delete()

    def expire(self, today: datetime.date) -> dict[str, int]:
        sent_before = retention.add_years(today, -retention.purpose_years("contact_messages"))
        deleted, _by_model = FormSubmission.objects.filter(submit_time__date__lt=sent_before).delete()
        return {"contact_messages": deleted}
