"""Writes of SCORM packages: the upload (checked, then extracted all or nothing) and the run-time's
commits (normalised, idempotent), which complete the lesson through the training services."""

import dataclasses
import shutil
import uuid
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import services as lms_services
from lms.choices import CompletionRule, ScormCompletion, ScormSuccess
from lms.models import CourseEnrolment, LessonPage, ScormAttempt, ScormPackage, ScormSco
from lms.scorm import runtime
from lms.scorm.manifest import MANIFEST_NAME, Manifest, ManifestError, parse_manifest
from programmes.archives import ArchiveError, safe_extract, validate_archive_upload

# Sessions remembered per attempt so that a late retry of a closed session is not counted as a new one.
PAST_SESSIONS_KEPT = 50


def content_root(package: ScormPackage) -> Path:
    """The folder holding the package's extracted files."""
    return Path(settings.ESSAIM_SCORM_ROOT) / "content" / str(package.uuid)


def inspect_archive(archive: IO[bytes]) -> Manifest:
    """Check an uploaded archive (size, members, ratio) and read its manifest, without extracting it.
    ValidationError with a message for the editor when anything is wrong."""
    validate_archive_upload(archive)
    archive.seek(0)
    try:
        with zipfile.ZipFile(archive) as package:
            names = {PurePosixPath(name.replace("\\", "/")).as_posix() for name in package.namelist()}
            if MANIFEST_NAME not in names:
                raise ManifestError(
                    _("This archive is not a SCORM package: imsmanifest.xml is missing at its root.")
                )
            info = package.getinfo(MANIFEST_NAME)
            with package.open(info) as handle:
                manifest = parse_manifest(handle.read(info.file_size + 1))
    except zipfile.BadZipFile as error:
        raise ArchiveError(_("This file is not a zip archive.")) from error
    finally:
        archive.seek(0)
    missing = [sco.href for sco in manifest.scos if sco.href not in names]
    if missing:
        raise ManifestError(
            _("The launch file %(href)s named by the manifest is not in the archive.")
            % {"href": missing[0][:200]}
        )
    return manifest


def _extract(archive: IO[bytes], destination: Path) -> None:
    """Extract to a temporary folder beside the destination, then move it in place: either the whole
    package is there, or nothing is."""
    staging = destination.parent / f".staging-{destination.name}"
    staging.mkdir(parents=True, exist_ok=False)
    try:
        archive.seek(0)
        safe_extract(archive, staging)
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        archive.seek(0)


@transaction.atomic
def create_package(*, title: str, archive: Any, by: Any) -> ScormPackage:
    """An editor uploads a SCORM zip: checked before anything is written, extracted, and its SCOs recorded."""
    manifest = inspect_archive(archive)
    package = ScormPackage(
        title=title or manifest.title,
        version=manifest.version,
        uuid=uuid.uuid4(),
        manifest=manifest.as_json(),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    destination = content_root(package)
    _extract(archive, destination)
    try:
        package.archive.save(f"{package.uuid}.zip", File(archive), save=False)
        package.full_clean()
        package.save()
        for position, sco in enumerate(manifest.scos):
            row = ScormSco(
                package=package,
                position=position,
                identifier=sco.identifier,
                title=sco.title,
                launch_path=sco.href,
                parameters=sco.parameters,
                mastery_score=sco.mastery_score,
            )
            row.full_clean(exclude=["package"])
            row.save()
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        if package.archive.name:
            package.archive.storage.delete(package.archive.name)
        raise
    return package


@dataclasses.dataclass(frozen=True)
class CommitResult:
    attempt: ScormAttempt
    # False when the commit was a repeat or arrived after a later one (it changed nothing).
    is_applied: bool
    is_lesson_completed: bool


def _best_success(current: str, reported: str) -> str:
    """A pass is kept once reached; otherwise the latest verdict the content gave."""
    if current == ScormSuccess.PASSED or reported == ScormSuccess.UNKNOWN:
        return current
    return reported


def _session_cap_seconds() -> int:
    return int(settings.ESSAIM_SCORM_SESSION_CAP_HOURS) * 3600


def lesson_is_done(*, user: Any, lesson: LessonPage) -> bool:
    """Every SCO of the lesson's package completed, and passed where a mastery score or the content says so."""
    if lesson.scorm_package_id is None:
        return False
    sco_ids = list(ScormSco.objects.filter(package_id=lesson.scorm_package_id).values_list("pk", flat=True))
    attempts = {
        attempt.sco_id: attempt
        for attempt in ScormAttempt.objects.filter(
            user=user, lesson=lesson, sco_id__in=sco_ids
        ).select_related("sco")
    }
    return bool(sco_ids) and all(
        sco_id in attempts and attempts[sco_id].meets_mastery() for sco_id in sco_ids
    )


@transaction.atomic
def record_commit(
    *,
    enrolment: CourseEnrolment,
    lesson: LessonPage,
    sco: ScormSco,
    session_key: str,
    sequence: int,
    cmi: dict[str, Any],
) -> CommitResult:
    """Store one commit of the run-time (a full snapshot of the CMI data) for the learner.

    Idempotent: within a session, a commit whose number is not above the last one applied changes
    nothing (a retry after a network drop, a beacon racing the last commit); the session time replaces
    the session's previous report instead of adding to it, so the total counts each session once. Once
    every SCO of the lesson is done, the lesson is completed (then the course, then the certificate)."""
    if lesson.scorm_package_id != sco.package_id:
        raise ValidationError(_("This SCO does not belong to the lesson's package."))
    if not session_key or len(session_key) > 64:
        raise ValidationError(_("A commit needs its session."))
    attempt, _created = ScormAttempt.objects.get_or_create(user=enrolment.user, lesson=lesson, sco=sco)
    attempt = ScormAttempt.objects.select_for_update().select_related("sco").get(pk=attempt.pk)
    if session_key in attempt.past_session_keys or (
        session_key == attempt.session_key and sequence <= attempt.sequence
    ):
        return CommitResult(attempt=attempt, is_applied=False, is_lesson_completed=False)
    if session_key != attempt.session_key:
        if attempt.session_key:
            attempt.past_session_keys = [*attempt.past_session_keys, attempt.session_key][
                -PAST_SESSIONS_KEPT:
            ]
        attempt.session_key = session_key
        attempt.previous_seconds = attempt.total_seconds
        attempt.session_seconds = 0
    attempt.sequence = sequence
    package_version = ScormPackage.objects.values_list("version", flat=True).get(pk=sco.package_id)
    state = runtime.read_state(cmi, package_version)
    if state.session_seconds is not None:
        attempt.session_seconds = min(state.session_seconds, _session_cap_seconds())
    attempt.total_seconds = attempt.previous_seconds + attempt.session_seconds
    now = timezone.now()
    if attempt.completion_status != ScormCompletion.COMPLETED:
        attempt.completion_status = state.completion
        if state.completion == ScormCompletion.COMPLETED:
            attempt.completed_at = now
    attempt.success_status = _best_success(attempt.success_status, state.success)
    if state.score_raw is not None or state.score_scaled is not None:
        attempt.score_raw, attempt.score_min, attempt.score_max, attempt.score_scaled = (
            state.score_raw,
            state.score_min,
            state.score_max,
            state.score_scaled,
        )
    attempt.location = state.location
    attempt.suspend_data = state.suspend_data
    attempt.cmi = cmi
    attempt.updated_at = now
    attempt.full_clean(exclude=["user", "lesson", "sco"])
    attempt.save()
    is_completed = False
    if lesson.completion_rule == CompletionRule.SCORM and lesson_is_done(user=enrolment.user, lesson=lesson):
        lms_services.complete_lesson(enrolment=enrolment, lesson=lesson)
        is_completed = True
    return CommitResult(attempt=attempt, is_applied=True, is_lesson_completed=is_completed)


def remove_package_files(*, uuids: list[str], archive_names: list[str]) -> None:
    """After deleted packages are committed: their extracted folders and archives go too."""
    storage = ScormPackage._meta.get_field("archive").storage
    for name in uuids:
        shutil.rmtree(Path(settings.ESSAIM_SCORM_ROOT) / "content" / name, ignore_errors=True)
    for name in archive_names:
        if name:
            storage.delete(name)
