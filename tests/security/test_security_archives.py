"""Archives (course packages) are checked member by member before anything is extracted: count, sizes,
compression ratio, absolute paths, `..`, links, duplicates."""

import io
import stat
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from programmes.archives import ArchiveError, ArchiveLimits, safe_extract, validate_archive_upload

# The checks' messages are asserted in English, the source language (the product is French).
pytestmark = pytest.mark.usefixtures("english")

LIMITS = ArchiveLimits(max_members=10, max_total_bytes=1_000_000, max_member_bytes=600_000, max_ratio=50)


def make_zip(
    members: list[tuple[str, bytes]], *, modes: dict[str, int] | None = None, level=zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = level
            if modes and name in modes:
                info.external_attr = modes[name] << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def nothing_written(folder: Path) -> bool:
    return not any(folder.iterdir())


def test_a_course_package_is_extracted(tmp_path):
    package = make_zip([("imsmanifest.xml", b"<manifest/>"), ("content/index.html", b"<p>Hello</p>")])

    written = safe_extract(io.BytesIO(package), tmp_path, LIMITS)

    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == [
        "content/index.html",
        "imsmanifest.xml",
    ]
    assert (tmp_path / "content" / "index.html").read_bytes() == b"<p>Hello</p>"


@pytest.mark.parametrize(
    "name",
    [
        "../evil.sh",
        "content/../../evil.sh",
        "/etc/cron.d/evil",
        "C:/Windows/evil.bat",
        "..\\evil.bat",
    ],
)
def test_paths_leaving_the_folder_are_refused_before_anything_is_written(tmp_path, name):
    package = make_zip([("index.html", b"ok"), (name, b"evil")])

    with pytest.raises(ArchiveError):
        safe_extract(io.BytesIO(package), tmp_path, LIMITS)

    assert nothing_written(tmp_path)
    assert not (tmp_path.parent / "evil.sh").exists()


def test_symbolic_links_are_refused(tmp_path):
    package = make_zip(
        [("index.html", b"ok"), ("passwd", b"/etc/passwd")], modes={"passwd": stat.S_IFLNK | 0o777}
    )

    with pytest.raises(ArchiveError, match="link"):
        safe_extract(io.BytesIO(package), tmp_path, LIMITS)
    assert nothing_written(tmp_path)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    package = make_zip([("index.html", b"ok"), ("bomb.txt", b"\0" * 500_000)])

    with pytest.raises(ArchiveError, match="compressed"):
        safe_extract(io.BytesIO(package), tmp_path, LIMITS)
    assert nothing_written(tmp_path)


def test_too_many_members_too_large_members_and_too_large_totals_are_refused(tmp_path):
    many = make_zip([(f"file{i}.txt", b"x") for i in range(11)])
    large = make_zip([("big.bin", bytes(range(256)) * 2400)], level=zipfile.ZIP_STORED)
    total = make_zip([(f"part{i}.bin", bytes(range(256)) * 2000) for i in range(3)], level=zipfile.ZIP_STORED)

    for package, message in [(many, "more than"), (large, "too large"), (total, "too large once extracted")]:
        with pytest.raises(ArchiveError, match=message):
            safe_extract(io.BytesIO(package), tmp_path, LIMITS)
    assert nothing_written(tmp_path)


def test_duplicate_names_are_refused(tmp_path):
    package = make_zip([("index.html", b"one"), ("INDEX.html", b"two")])

    with pytest.raises(ArchiveError, match="twice"):
        safe_extract(io.BytesIO(package), tmp_path, LIMITS)


def test_a_member_larger_than_it_declares_is_stopped_while_writing(tmp_path):
    """The sizes in a zip's directory can lie: the copy counts what it really inflates."""
    package = bytearray(make_zip([("index.html", b"A" * 1000)], level=zipfile.ZIP_STORED))
    # Declare 10 bytes in the central directory (the local header keeps the truth).
    central = package.rfind(b"PK\x01\x02")
    package[central + 24 : central + 28] = (10).to_bytes(4, "little")

    with pytest.raises(ArchiveError):
        safe_extract(io.BytesIO(bytes(package)), tmp_path, LIMITS)
    assert not (tmp_path / "index.html").exists()


def test_what_is_not_a_zip_is_refused(tmp_path):
    with pytest.raises(ArchiveError, match="not a zip"):
        safe_extract(io.BytesIO(b"%PDF-1.4"), tmp_path, LIMITS)


def test_an_uploaded_package_is_checked_without_extraction(settings):
    settings.ESSAIM_ARCHIVE_LIMITS = {**settings.ESSAIM_ARCHIVE_LIMITS, "max_ratio": 50}
    validate_archive_upload(SimpleUploadedFile("course.zip", make_zip([("index.html", b"ok")])))

    with pytest.raises(ArchiveError):
        validate_archive_upload(SimpleUploadedFile("course.zip", make_zip([("../x", b"ok")])))
    with pytest.raises(ArchiveError):
        validate_archive_upload(SimpleUploadedFile("course.zip", make_zip([("bomb", b"\0" * 200_000)])))
