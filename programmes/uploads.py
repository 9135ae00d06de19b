"""What an uploaded file must be before anything keeps it: a size limit per kind (settings
ESSAIM_UPLOAD_LIMITS), an allowed extension, and content that matches it (magic bytes, Pillow's own
check for images, decodable text for CSV). Forms call these in their clean_<field>()."""

import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from PIL import Image, UnidentifiedImageError

from programmes.imports.parsing import FileError, decode

IMAGE_FORMATS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "GIF": {"gif"}, "WEBP": {"webp"}}
# Office formats are zip files: the member that tells which one it is.
ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OPENDOCUMENT_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
TEXT_EXTENSIONS = {"csv", "txt"}


def limit(kind: str) -> int:
    """The largest upload of this kind, in bytes."""
    limits: dict[str, int] = settings.ESSAIM_UPLOAD_LIMITS
    return limits[kind]


def extension(upload: Any) -> str:
    return Path(str(upload.name)).suffix.lower().lstrip(".")


def check_size(upload: Any, kind: str) -> None:
    maximum = limit(kind)
    if upload.size is None or upload.size > maximum:
        raise ValidationError(
            _("The file is larger than %(size)s MB: split it or make it smaller.")
            % {"size": f"{maximum / (1024 * 1024):g}"},
            code="file_too_large",
        )


def read_all(upload: Any) -> bytes:
    upload.seek(0)
    content: bytes = upload.read()
    upload.seek(0)
    return content


def validate_image(upload: Any) -> None:
    """An image: small enough, an allowed format whose extension matches, and a file Pillow can read
    whole without exceeding the pixel limit (decompression bombs)."""
    check_size(upload, "image")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image we accept."), code="invalid_image") from error
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS or extension(upload) not in IMAGE_FORMATS[image_format]:
        raise ValidationError(
            _("Only JPEG, PNG, GIF and WebP images are accepted, with the matching extension."),
            code="invalid_image",
        )
    if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
        raise ValidationError(_("This image has too many pixels."), code="invalid_image")


def content_matches_extension(content: bytes, ext: str) -> bool:
    if ext == "pdf":
        return content.startswith(b"%PDF-")
    if ext in TEXT_EXTENSIONS:
        try:
            decode(content)
        except FileError:
            return False
        return True
    if ext in ZIP_MARKERS or ext in OPENDOCUMENT_TYPES:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if ext in ZIP_MARKERS:
                    return ZIP_MARKERS[ext] in names
                return "mimetype" in names and archive.read("mimetype").strip() == OPENDOCUMENT_TYPES[ext]
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    return False


def validate_document(upload: Any) -> None:
    """A document: an allowed extension (WAGTAILDOCS_EXTENSIONS), small enough, and content that is what
    the extension says (a PDF starts with %PDF-, a DOCX is a zip holding word/document.xml...)."""
    ext = extension(upload)
    allowed: list[str] = settings.WAGTAILDOCS_EXTENSIONS
    if ext not in allowed:
        raise ValidationError(
            _("Only these kinds of documents are accepted: %(extensions)s.")
            % {"extensions": ", ".join(allowed)},
            code="invalid_extension",
        )
    check_size(upload, "document")
    if not content_matches_extension(read_all(upload), ext):
        raise ValidationError(
            _("The content of this file does not match its extension .%(extension)s.") % {"extension": ext},
            code="invalid_content",
        )


def validate_csv(upload: UploadedFile) -> bytes:
    """A CSV file to import: .csv or .txt, small enough, UTF-8 or Windows-1252 text. Returns its bytes."""
    if extension(upload) not in TEXT_EXTENSIONS:
        raise ValidationError(_("Only .csv and .txt files can be imported."), code="invalid_extension")
    check_size(upload, "csv")
    content = read_all(upload)
    try:
        decode(content)
    except FileError as error:
        raise ValidationError(str(error), code="invalid_content") from error
    return content
