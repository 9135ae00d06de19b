"""Uploads are checked before anything keeps them: size per kind, extension, and content that matches
(images through Pillow, documents by their magic bytes, CSV as text), in the forms that take them."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image as WagtailImage

import pytest
from PIL import Image

from cms.forms import DocumentForm, ImageForm
from programmes import uploads
from programmes.roles import Role
from tests.programmes.factories import UserFactory

# The checks' messages are asserted in English, the source language (the product is French).
pytestmark = pytest.mark.usefixtures("english")


def png(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def office(marker: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(marker, b"<xml/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<xml/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_real_png_is_accepted():
    uploads.validate_image(upload("photo.png", png()))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<svg onload=alert(1)></svg>"),  # not an image at all
        ("photo.jpg", png()),  # a PNG calling itself JPEG
        ("photo.png", png()[:40]),  # truncated
        ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_what_is_not_the_image_it_claims_is_refused(name, content):
    with pytest.raises(ValidationError):
        uploads.validate_image(upload(name, content))


def test_images_over_the_size_or_pixel_limit_are_refused(settings):
    settings.ESSAIM_UPLOAD_LIMITS = {**settings.ESSAIM_UPLOAD_LIMITS, "image": 50}
    with pytest.raises(ValidationError, match="larger than"):
        uploads.validate_image(upload("photo.png", png()))

    settings.ESSAIM_UPLOAD_LIMITS = {**settings.ESSAIM_UPLOAD_LIMITS, "image": 10 * 1024 * 1024}
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError):
        uploads.validate_image(upload("photo.png", png((20, 20))))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n..."),
        ("letter.docx", office("word/document.xml")),
        ("figures.xlsx", office("xl/workbook.xml")),
        ("letter.odt", odt()),
        ("list.csv", "nom;prénom\nMartin;Claire\n".encode("cp1252")),
    ],
)
def test_documents_whose_content_matches_their_extension_are_accepted(name, content):
    uploads.validate_document(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 an executable"),
        ("letter.docx", office("xl/workbook.xml")),  # a spreadsheet dressed as a letter
        ("letter.odt", office("word/document.xml")),
        ("page.html", b"<script>alert(1)</script>"),
        ("tool.exe", b"MZ\x90\x00"),
        ("list.csv", b"\x00\x01\x02binary"),
    ],
)
def test_documents_that_are_not_what_they_claim_are_refused(name, content):
    with pytest.raises(ValidationError):
        uploads.validate_document(upload(name, content))


def test_documents_over_the_size_limit_are_refused(settings):
    settings.ESSAIM_UPLOAD_LIMITS = {**settings.ESSAIM_UPLOAD_LIMITS, "document": 10}

    with pytest.raises(ValidationError, match="larger than"):
        uploads.validate_document(upload("report.pdf", b"%PDF-1.7 and more than ten bytes"))


def test_csv_files_are_text_of_a_limited_size(settings):
    assert uploads.validate_csv(upload("list.csv", b"a;b\n1;2\n")) == b"a;b\n1;2\n"
    for name, content in [("list.xlsx", b"a;b"), ("list.csv", b"PK\x03\x04\x00\x00")]:
        with pytest.raises(ValidationError):
            uploads.validate_csv(upload(name, content))
    settings.ESSAIM_UPLOAD_LIMITS = {**settings.ESSAIM_UPLOAD_LIMITS, "csv": 4}
    with pytest.raises(ValidationError, match="larger than"):
        uploads.validate_csv(upload("list.csv", b"a;b\n1;2\n"))


@pytest.mark.django_db
def test_the_admin_image_form_refuses_a_disguised_file(english):
    user = UserFactory(role=Role.FABRIQUE, is_superuser=True)
    form_class = get_image_form(WagtailImage)
    fake = form_class(
        data={"title": "Logo"}, files={"file": upload("logo.png", b"<svg onload=alert(1)>")}, user=user
    )
    real = form_class(data={"title": "Logo"}, files={"file": upload("logo.png", png())}, user=user)

    assert not fake.is_valid()
    assert "file" in fake.errors
    assert real.is_valid(), real.errors


@pytest.mark.django_db
def test_the_admin_document_form_refuses_a_disguised_file():
    user = UserFactory(is_superuser=True)
    form_class = get_document_form(Document)
    fake = form_class(
        data={"title": "Rapport"}, files={"file": upload("rapport.pdf", b"MZ\x90\x00")}, user=user
    )
    real = form_class(
        data={"title": "Rapport"}, files={"file": upload("rapport.pdf", b"%PDF-1.4\n")}, user=user
    )

    assert not fake.is_valid()
    assert "file" in fake.errors
    assert real.is_valid(), real.errors


@pytest.mark.django_db
def test_the_admin_upload_forms_are_ours(client):
    from wagtail.images.forms import get_image_form
    from wagtail.images.models import Image as WagtailImage

    assert issubclass(get_image_form(WagtailImage), ImageForm)
    assert issubclass(get_document_form(Document), DocumentForm)
