import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from lms.choices import ScormCompletion, ScormSuccess, ScormVersion


@deconstructible
class ScormArchiveStorage(FileSystemStorage):
    """Archives are kept under ESSAIM_SCORM_ROOT, outside MEDIA_ROOT: the web server serves media to
    anyone, packages are private. The folder is read from the settings at each use."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(Path(settings.ESSAIM_SCORM_ROOT) / "archives")

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class ScormPackage(models.Model):
    """Paquet SCORM: a SCORM 1.2 or 2004 zip uploaded by an editor, extracted once, played in lessons."""

    title = models.CharField(_("title"), max_length=255)
    archive = models.FileField(_("zip archive"), storage=ScormArchiveStorage(), upload_to="", max_length=200)
    version = models.CharField(_("SCORM version"), max_length=4, choices=ScormVersion.choices, editable=False)
    # Name of the folder the files were extracted to, under ESSAIM_SCORM_ROOT.
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    manifest = models.JSONField(_("manifest"), default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class ScormSco(models.Model):
    """SCO: one trackable unit of a package, in the order of its organisation."""

    package = models.ForeignKey(
        ScormPackage, on_delete=models.CASCADE, related_name="scos", verbose_name=_("package")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    identifier = models.CharField(_("identifier"), max_length=200)
    title = models.CharField(_("title"), max_length=255)
    # Path of the launch file inside the package, and the query string the manifest gives it.
    launch_path = models.CharField(_("launch file"), max_length=500)
    parameters = models.CharField(_("launch parameters"), max_length=1000, blank=True)
    # SCORM 1.2: raw score out of 100; SCORM 2004: scaled score (-1 to 1). None: no mastery score.
    mastery_score = models.DecimalField(
        _("mastery score"), max_digits=7, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("SCO")
        verbose_name_plural = _("SCOs")
        ordering = ["package_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "identifier"], name="scorm_sco_unique_identifier"),
        ]

    def __str__(self) -> str:
        return self.title


class ScormAttempt(models.Model):
    """Suivi SCORM: one learner's state on one SCO of one lesson, normalised across versions, with the raw
    CMI data for resuming. Commits are full snapshots: the latest of a session wins, retries change nothing."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scorm_attempts",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "lms.LessonPage", on_delete=models.CASCADE, related_name="scorm_attempts", verbose_name=_("lesson")
    )
    sco = models.ForeignKey(
        ScormSco, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("SCO")
    )
    completion_status = models.CharField(
        _("completion"), max_length=14, choices=ScormCompletion.choices, default=ScormCompletion.NOT_ATTEMPTED
    )
    success_status = models.CharField(
        _("success"), max_length=8, choices=ScormSuccess.choices, default=ScormSuccess.UNKNOWN
    )
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_min = models.FloatField(_("minimum score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    # Time of the sessions before the current one, and the current session's time as last reported:
    # a retried or repeated commit replaces the session time instead of adding it again.
    previous_seconds = models.PositiveIntegerField(_("time of earlier sessions (seconds)"), default=0)
    session_seconds = models.PositiveIntegerField(_("time of the current session (seconds)"), default=0)
    total_seconds = models.PositiveIntegerField(_("total time (seconds)"), default=0)
    session_key = models.CharField(_("current session"), max_length=64, blank=True)
    # The sessions already closed, so that a late retry of one of them is not taken for a new session.
    past_session_keys = models.JSONField(_("earlier sessions"), default=list, blank=True)
    sequence = models.PositiveIntegerField(_("last commit number"), default=0)
    location = models.CharField(_("location"), max_length=1000, blank=True)
    suspend_data = models.TextField(_("suspend data"), blank=True)
    cmi = models.JSONField(_("CMI data"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "sco"], name="scorm_attempt_unique"),
            models.CheckConstraint(
                condition=models.Q(total_seconds=models.F("previous_seconds") + models.F("session_seconds")),
                name="scorm_attempt_total_is_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.sco} · {self.completion_status}"

    @property
    def is_completed(self) -> bool:
        return self.completion_status == ScormCompletion.COMPLETED

    def meets_mastery(self) -> bool:
        """Completed, not failed, and passed when the SCO has a mastery score."""
        if not self.is_completed or self.success_status == ScormSuccess.FAILED:
            return False
        if self.sco.mastery_score is not None:
            return self.success_status == ScormSuccess.PASSED
        return True

    def as_progress(self) -> dict[str, Any]:
        return {
            "completion": self.completion_status,
            "success": self.success_status,
            "score_scaled": self.score_scaled,
            "total_seconds": self.total_seconds,
        }
