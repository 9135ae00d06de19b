"""SCORM packages for tests: working ones come from lms.scorm.samples; the hostile ones are built here."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from lms.choices import CompletionRule, ScormVersion
from lms.models import LessonPage, ScormPackage
from lms.scorm import samples, services
from tests.lms import factories


def upload(content: bytes, name: str = "package.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/zip")


def zip_of(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def traversal_package() -> bytes:
    """A valid manifest, and a member that would land outside the package's folder."""
    return zip_of(
        {
            "imsmanifest.xml": samples.manifest_xml(
                version=ScormVersion.SCORM_12, title="T", scos=[("a", "A")]
            ),
            "sco-1/index.html": "<p>ok</p>",
            "sco.js": "",
            "../../evil.js": "alert(1)",
        }
    )


def bomb_package() -> bytes:
    """A valid package with one member that compresses a thousand to one (a zip bomb's signature)."""
    return zip_of(
        {
            "imsmanifest.xml": samples.manifest_xml(
                version=ScormVersion.SCORM_12, title="T", scos=[("a", "A")]
            ),
            "sco-1/index.html": "<p>ok</p>",
            "sco.js": "",
            "padding.bin": b"\0" * (5 * 1024 * 1024),
        }
    )


def package_with_manifest(manifest: str | bytes) -> bytes:
    return zip_of({"imsmanifest.xml": manifest, "sco-1/index.html": "<p>ok</p>", "sco.js": ""})


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<manifest><organizations><organization><title>&lol3;</title></organization></organizations></manifest>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<manifest><organizations><organization><title>&secret;</title></organization></organizations></manifest>"""


def scorm_package(**options) -> ScormPackage:
    """A package uploaded through the service (extracted on disk under the test ESSAIM_SCORM_ROOT)."""
    title = options.pop("title", "Module interactif")
    return services.create_package(title=title, archive=upload(samples.build_package(**options)), by=None)


def scorm_lesson(module, package: ScormPackage, **fields) -> LessonPage:
    return factories.lesson(module, rule=CompletionRule.SCORM, scorm_package=package, **fields)
