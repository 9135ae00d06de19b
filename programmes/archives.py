"""Safe extraction of zip archives (course packages): every member is checked before anything is
written, against settings.ESSAIM_ARCHIVE_LIMITS: number of members, total and per-member uncompressed
size, compression ratio (zip bombs), absolute paths, `..`, links, devices and duplicate names."""

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.uploads import check_size

COPY_CHUNK = 1024 * 1024


class ArchiveError(ValidationError):
    """The archive is refused; nothing was extracted."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_total_bytes: int
    max_member_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "ArchiveLimits":
        return cls(**settings.ESSAIM_ARCHIVE_LIMITS)


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The member's relative path, or ArchiveError for absolute paths, drive letters and `..`."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if (
        not name
        or "\x00" in name
        or path.is_absolute()
        or ":" in path.parts[0]
        or any(part == ".." for part in path.parts)
    ):
        raise ArchiveError(
            _("The archive holds a file outside its own folder: %(name)s.") % {"name": name[:200]}
        )
    return path


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    """Unix mode bits live in the high 16 bits of external_attr: a file type other than a regular file
    or a folder (symbolic link, device, FIFO, socket). Archives made elsewhere carry no file type."""
    file_type = stat.S_IFMT(info.external_attr >> 16)
    return file_type not in (0, stat.S_IFREG, stat.S_IFDIR)


def check_archive(archive: zipfile.ZipFile, limits: ArchiveLimits | None = None) -> list[zipfile.ZipInfo]:
    """Every member of the archive, once each has been found acceptable; ArchiveError otherwise."""
    limits = limits or ArchiveLimits.from_settings()
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveError(_("The archive holds more than %(count)s files.") % {"count": limits.max_members})
    seen: set[str] = set()
    total = 0
    compressed_total = 0
    for info in members:
        path = _member_path(info)
        key = str(path).rstrip("/").casefold()
        if key in seen:
            raise ArchiveError(
                _("The archive holds the same file twice: %(name)s.") % {"name": info.filename[:200]}
            )
        seen.add(key)
        if _is_link_or_special(info):
            raise ArchiveError(
                _("The archive holds a link or a special file: %(name)s.") % {"name": info.filename[:200]}
            )
        if info.flag_bits & 0x1:
            raise ArchiveError(
                _("The archive holds an encrypted file: %(name)s.") % {"name": info.filename[:200]}
            )
        if info.file_size > limits.max_member_bytes:
            raise ArchiveError(
                _("A file of the archive is too large: %(name)s.") % {"name": info.filename[:200]}
            )
        if info.file_size > max(info.compress_size, 1) * limits.max_ratio:
            raise ArchiveError(
                _("A file of the archive is compressed suspiciously well: %(name)s.")
                % {"name": info.filename[:200]}
            )
        total += info.file_size
        compressed_total += info.compress_size
    if total > limits.max_total_bytes:
        raise ArchiveError(_("The archive is too large once extracted."))
    if total > max(compressed_total, 1) * limits.max_ratio:
        raise ArchiveError(_("The archive is compressed suspiciously well."))
    return members


def safe_extract(
    source: str | Path | IO[bytes], destination: str | Path, limits: ArchiveLimits | None = None
) -> list[Path]:
    """Check the whole archive, then extract it under `destination`; returns the files written.

    Sizes are enforced again while writing (the sizes a zip declares can lie), and each path is checked
    to stay under the destination once resolved."""
    limits = limits or ArchiveLimits.from_settings()
    root = Path(destination).resolve()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(_("This file is not a zip archive.")) from error
    written: list[Path] = []
    with archive:
        members = check_archive(archive, limits)
        total = 0
        try:
            for info in members:
                target = (root / _member_path(info)).resolve()
                if not target.is_relative_to(root):
                    raise ArchiveError(
                        _("The archive holds a file outside its own folder: %(name)s.")
                        % {"name": info.filename[:200]}
                    )
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written.append(target)
                total += _copy_member(archive, info, target, limits, already=total)
        except (ArchiveError, zipfile.BadZipFile, OSError, EOFError) as error:
            # A damaged or lying archive: take back what was written so far.
            for path in written:
                path.unlink(missing_ok=True)
            if isinstance(error, ArchiveError):
                raise
            raise ArchiveError(
                _("The archive is damaged: %(error)s") % {"error": str(error)[:200]}
            ) from error
    return written


def _copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ArchiveLimits, *, already: int
) -> int:
    size = 0
    with archive.open(info) as source, target.open("xb") as output:
        while chunk := source.read(COPY_CHUNK):
            size += len(chunk)
            if (
                size > info.file_size
                or size > limits.max_member_bytes
                or already + size > limits.max_total_bytes
            ):
                output.close()
                target.unlink()
                raise ArchiveError(
                    _("A file of the archive is larger than it says: %(name)s.")
                    % {"name": info.filename[:200]}
                )
            output.write(chunk)
    return size


def validate_archive_upload(upload: Any) -> None:
    """An uploaded archive (course package): small enough, a zip, and acceptable member by member."""
    check_size(upload, "archive")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            check_archive(archive)
    except zipfile.BadZipFile as error:
        raise ArchiveError(_("This file is not a zip archive.")) from error
    finally:
        upload.seek(0)
