"""Coded values of the training app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    REMOTE = "remote", _("Remote")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended")


class CompletionRule(models.TextChoices):
    VIEW = "view", _("Viewed")
    MARK_DONE = "mark_done", _("Marked as done")
    QUIZ = "quiz", _("Quiz passed")
    ATTENDANCE = "attendance", _("Live session attended")
    SCORM = "scorm", _("SCORM package completed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class CalloutKind(models.TextChoices):
    INFO = "info", _("Information")
    TIP = "tip", _("Tip")
    WARNING = "warning", _("Warning")


class CertificateKind(models.TextChoices):
    ATTESTATION = "attestation", _("Certificate of completion")
    # Funded training (OPCO, CPF, France Travail...): the model the funders ask for.
    REALISATION = "realisation", _("Certificat de réalisation")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class LiveSessionKind(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual class")
    IN_PERSON = "in_person", _("In-person workshop")


class LiveAttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", _("SCORM 1.2")
    SCORM_2004 = "2004", _("SCORM 2004")


class ScormCompletion(models.TextChoices):
    """Completion of a SCO, the same for both versions (SCORM 1.2 `passed` and `failed` count as completed)."""

    NOT_ATTEMPTED = "not_attempted", _("Not attempted")
    INCOMPLETE = "incomplete", _("Incomplete")
    COMPLETED = "completed", _("Completed")


class ScormSuccess(models.TextChoices):
    """Success of a SCO, kept apart from its completion (SCORM 2004 reports them separately)."""

    UNKNOWN = "unknown", _("Unknown")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
