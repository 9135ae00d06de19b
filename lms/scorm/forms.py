"""The admin form of SCORM packages: the upload is checked (archive, manifest, launch files) while the
form validates, so a refused archive shows its reason on the form; saving goes through the service."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from lms.models import ScormPackage
from lms.scorm import services


class ScormPackageAdminForm(WagtailAdminModelForm):
    """Title and zip on upload; afterwards only the title changes (a new version is a new package)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the title the package gives itself.")
        if self.instance.pk:
            self.fields["title"].required = True
            self.fields.pop("archive", None)
        else:
            self.fields["archive"].widget = forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"})
            self.fields["archive"].help_text = _(
                "A SCORM 1.2 or SCORM 2004 package (zip with imsmanifest.xml at its root). "
                "SCORM 2004 sequencing is not supported."
            )

    def clean_archive(self) -> Any:
        upload = self.cleaned_data.get("archive")
        if upload is None:
            return upload
        try:
            self.manifest = services.inspect_archive(upload)
        except ValidationError as error:
            raise ValidationError(
                _("This package is refused: %(reason)s") % {"reason": " ".join(error.messages)}
            ) from error
        return upload

    def save(self, commit: bool = True) -> ScormPackage:
        if self.instance.pk:
            return super().save(commit=commit)  # type: ignore[no-any-return]
        self.instance = services.create_package(
            title=self.cleaned_data.get("title", ""), archive=self.cleaned_data["archive"], by=self.for_user
        )
        return self.instance
