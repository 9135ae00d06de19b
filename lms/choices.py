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
