"""SCORM packages: manifest parsing (1.2, 2004, hostile XML), archive checks before extraction, all or
nothing on disk, and the admin upload."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from lms.choices import ScormVersion
from lms.models import ScormPackage
from lms.scorm import samples, services
from lms.scorm.manifest import ManifestError, parse_manifest
from tests.lms import factories, scorm_archives
from tests.lms.scorm_archives import upload
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def content_folders() -> set[str]:
    root = Path(settings.ESSAIM_SCORM_ROOT) / "content"
    return {path.name for path in root.iterdir()} if root.exists() else set()


def test_a_scorm_12_manifest_gives_its_scos_in_order_with_their_mastery_score():
    xml = samples.manifest_xml(
        version=ScormVersion.SCORM_12,
        title="Accueillir",
        scos=[("intro", "Introduction"), ("quiz", "Évaluation")],
        mastery_score=Decimal("80"),
    )

    manifest = parse_manifest(xml.encode())

    assert manifest.version == "1.2"
    assert manifest.title == "Accueillir"
    assert [(sco.identifier, sco.title, sco.href) for sco in manifest.scos] == [
        ("intro", "Introduction", "sco-1/index.html"),
        ("quiz", "Évaluation", "sco-2/index.html"),
    ]
    assert manifest.scos[0].mastery_score == Decimal("80")


def test_a_scorm_2004_manifest_reads_the_scaled_passing_score_and_the_parameters():
    xml = samples.manifest_xml(
        version=ScormVersion.SCORM_2004,
        title="Coopérer",
        scos=[("one", "Un")],
        mastery_score=Decimal("0.75"),
        parameters="?lang=fr",
    )

    manifest = parse_manifest(xml.encode())

    assert manifest.version == "2004"
    assert manifest.scos[0].mastery_score == Decimal("0.75")
    assert manifest.scos[0].parameters == "lang=fr"


def test_assets_are_not_scos_and_xml_base_is_followed():
    xml = """<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
      xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"><metadata><schemaversion>CAM 1.3</schemaversion></metadata>
      <organizations default="b"><organization identifier="a"><title>Autre</title></organization>
      <organization identifier="b"><title>Choisie</title>
        <item identifier="i1" identifierref="r1"><title>Page</title></item>
        <item identifier="i2" identifierref="r2"><title>SCO</title></item></organization></organizations>
      <resources xml:base="content/"><resource identifier="r1" adlcp:scormType="asset" href="page.html"/>
      <resource identifier="r2" adlcp:scormType="sco" xml:base="unit/" href="start.html?x=1#top"/></resources></manifest>"""

    manifest = parse_manifest(xml.encode())

    assert manifest.title == "Choisie"
    assert [(sco.identifier, sco.href, sco.parameters) for sco in manifest.scos] == [
        ("i2", "content/unit/start.html", "x=1")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<manifest><oops></manifest>", "not valid XML"),
        (scorm_archives.BILLION_LAUGHS.encode(), "refused for safety"),
        (scorm_archives.XXE.encode(), "refused for safety"),
        (b"<html/>", "not a package manifest"),
        (
            b"<manifest><metadata><schemaversion>1.1</schemaversion></metadata></manifest>",
            "neither SCORM 1.2",
        ),
        (
            samples.manifest_xml(version="1.2", title="T", scos=[]).encode(),
            "holds no SCO",
        ),
    ],
)
def test_unusable_manifests_are_refused_with_a_reason(content, message):
    with pytest.raises(ManifestError, match=message):
        parse_manifest(content)


def test_a_package_that_needs_sequencing_is_refused():
    xml = samples.manifest_xml(version="2004", title="T", scos=[("a", "A")]).replace(
        '<organization identifier="org">',
        '<organization identifier="org"><imsss:sequencing><imsss:controlMode choice="false" flow="true"/>'
        "</imsss:sequencing>",
    )

    with pytest.raises(ManifestError, match="sequencing"):
        parse_manifest(xml.encode())


@pytest.mark.parametrize("href", ["../outside.html", "/etc/passwd", "https://example.org/sco.html"])
def test_launch_files_outside_the_package_are_refused(href):
    xml = samples.manifest_xml(version="1.2", title="T", scos=[("a", "A")]).replace(
        'href="sco-1/index.html"><file', f'href="{href}"><file'
    )

    with pytest.raises(ManifestError, match="inside the package"):
        parse_manifest(xml.encode())


def test_an_uploaded_package_is_extracted_and_its_scos_recorded():
    editor = UserFactory()
    archive = samples.build_package(scos=[("a", "Un"), ("b", "Deux")], mastery_score=Decimal("70"))

    package = services.create_package(title="", archive=upload(archive), by=editor)

    assert package.title == "Module interactif"
    assert package.version == "1.2"
    assert package.uploaded_by == editor
    assert [(sco.identifier, sco.position, sco.mastery_score) for sco in package.scos.all()] == [
        ("a", 0, Decimal("70")),
        ("b", 1, Decimal("70")),
    ]
    root = services.content_root(package)
    assert (root / "imsmanifest.xml").is_file()
    assert (root / "sco-2" / "index.html").is_file()
    assert package.archive.storage.exists(package.archive.name)
    assert not str(Path(package.archive.path)).startswith(str(Path(settings.MEDIA_ROOT)))


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (scorm_archives.traversal_package(), "outside its own folder"),
        (scorm_archives.bomb_package(), "compressed suspiciously well"),
        (b"not a zip at all", "not a zip archive"),
        (scorm_archives.zip_of({"index.html": "<p>hi</p>"}), "imsmanifest.xml is missing"),
        (scorm_archives.package_with_manifest("<manifest"), "not valid XML"),
        (scorm_archives.package_with_manifest(scorm_archives.BILLION_LAUGHS), "refused for safety"),
        (
            scorm_archives.zip_of(
                {"imsmanifest.xml": samples.manifest_xml(version="1.2", title="T", scos=[("a", "A")])}
            ),
            "is not in the archive",
        ),
    ],
)
def test_refused_archives_leave_nothing_behind(archive, message):
    before = content_folders()

    with pytest.raises(ValidationError, match=message):
        services.create_package(title="X", archive=upload(archive), by=None)

    assert content_folders() == before
    assert not ScormPackage.objects.exists()


def test_a_failure_after_extraction_removes_the_files(monkeypatch):
    before = content_folders()

    def broken_save(*args, **kwargs):
        raise ValidationError("database said no")

    monkeypatch.setattr(ScormPackage, "full_clean", broken_save)
    with pytest.raises(ValidationError):
        services.create_package(title="X", archive=upload(samples.build_package()), by=None)

    assert content_folders() == before
    archives = Path(settings.ESSAIM_SCORM_ROOT) / "archives"
    assert not archives.exists() or not any(archives.iterdir()) or not ScormPackage.objects.exists()


def test_the_national_team_uploads_a_package_in_the_admin(client, roles):
    client.force_login(UserFactory(role="fabrique"))
    url = reverse("wagtailsnippets_lms_scormpackage:add")
    assert client.get(url).status_code == 200

    response = client.post(url, {"title": "Accueil", "archive": upload(samples.build_package())})

    assert response.status_code == 302
    package = ScormPackage.objects.get()
    assert package.title == "Accueil"
    assert package.scos.count() == 1
    assert client.get(reverse("wagtailsnippets_lms_scormpackage:list")).status_code == 200
    edit = client.get(reverse("wagtailsnippets_lms_scormpackage:edit", args=[package.pk]))
    assert edit.status_code == 200
    assert 'name="archive"' not in edit.content.decode()


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (scorm_archives.traversal_package(), "The archive holds a file outside its own folder"),
        (scorm_archives.bomb_package(), "compressed suspiciously well"),
    ],
)
def test_a_malicious_archive_is_refused_on_the_admin_form(client, roles, archive, message):
    client.force_login(UserFactory(role="fabrique"))

    response = client.post(
        reverse("wagtailsnippets_lms_scormpackage:add"), {"title": "X", "archive": upload(archive)}
    )

    assert response.status_code == 200
    assertContains(response, "This package is refused")
    assertContains(response, message)
    assert not ScormPackage.objects.exists()


def test_deleting_a_package_in_the_admin_removes_its_files_but_not_while_a_lesson_uses_it(
    client, roles, django_capture_on_commit_callbacks
):
    package = scorm_archives.scorm_package()
    root, archive = services.content_root(package), Path(package.archive.path)
    lesson = scorm_archives.scorm_lesson(factories.module(factories.course()), package)
    client.force_login(UserFactory(role="fabrique"))
    url = reverse("wagtailsnippets_lms_scormpackage:delete", args=[package.pk])

    client.post(url)  # refused: a lesson uses it
    assert ScormPackage.objects.filter(pk=package.pk).exists()
    lesson.delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    assert not ScormPackage.objects.filter(pk=package.pk).exists()
    assert not root.exists()
    assert not archive.exists()
