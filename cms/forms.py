"""Wagtail's image and document upload forms, checking each new file's content (programmes.uploads)."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from programmes import uploads


class ImageForm(BaseImageForm):
    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            uploads.validate_image(file)
        return file


class DocumentForm(BaseDocumentForm):
    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            uploads.validate_document(file)
        return file
