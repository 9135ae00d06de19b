import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from lms.choices import CertificateKind, CertificateStatus
from lms.models.courses import CoursePage

# Letters and digits that cannot be mistaken for one another when read aloud or typed from paper
# (no 0/O, 1/I/L). 12 of these are about 59 bits: nobody finds a certificate by guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed or scanned, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", raw or "").upper()


class Certificate(models.Model):
    """Attestation de fin de formation / certificat de réalisation: one per learner and course.

    Everything it certifies is copied when it is issued (a snapshot): editing the course, the provider
    or the learner's name later never changes a certificate already handed out."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    # Kept when the course page is deleted: the snapshot still proves what was followed.
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.SET_NULL,
        related_name="certificates",
        verbose_name=_("course"),
        null=True,
        blank=True,
    )
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CertificateKind.choices, default=CertificateKind.ATTESTATION
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    # Snapshot at issue time.
    holder_first_name = models.CharField(_("holder's first name"), max_length=150)
    holder_last_name = models.CharField(_("holder's last name"), max_length=150, blank=True)
    course_title = models.CharField(_("course title"), max_length=255)
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    issuer_name = models.CharField(_("issuing organisation"), max_length=200)
    provider_siret = models.CharField(_("provider's SIRET"), max_length=14, blank=True)
    provider_declaration_number = models.CharField(
        _("provider's training declaration number"), max_length=11, blank=True
    )
    start_date = models.DateField(_("start date"))
    completion_date = models.DateField(_("completion date"))
    realised_minutes = models.PositiveIntegerField(_("realised duration (minutes)"))

    # Generated once by the issuing task; served only through access-checked views, never by its URL.
    pdf = models.FileField(_("PDF"), upload_to="certificates/", max_length=200, blank=True)
    notified_at = models.DateTimeField(_("learner notified at"), null=True, blank=True)
    # Its bit in the published Open Badges revocation lists (list = index // size, bit = index % size),
    # drawn at random the first time the credential is downloaded so positions tell nothing about who
    # was certified when.
    badge_status_index = models.PositiveIntegerField(
        _("Open Badge status index"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="certificate_one_per_learner_and_course"),
            models.CheckConstraint(
                condition=models.Q(status=CertificateStatus.VALID, revoked_at__isnull=True)
                | models.Q(status=CertificateStatus.REVOKED, revoked_at__isnull=False),
                name="certificate_revoked_at_with_status",
            ),
            models.CheckConstraint(
                condition=models.Q(completion_date__gte=models.F("start_date")),
                name="certificate_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_full_name} · {self.course_title}"

    @property
    def holder_full_name(self) -> str:
        return f"{self.holder_first_name} {self.holder_last_name}".strip()

    @property
    def holder_public_name(self) -> str:
        """What the public verification shows: the first name and the initial of the last name."""
        last = self.holder_last_name.strip()
        return f"{self.holder_first_name} {last[0].upper()}." if last else self.holder_first_name

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def is_realisation(self) -> bool:
        return self.kind == CertificateKind.REALISATION

    @property
    def duration_label(self) -> str:
        """The realised duration in hours and minutes ("3 h 05 min"), in the active language."""
        hours, minutes = divmod(int(self.realised_minutes), 60)
        if not hours:
            return pgettext("duration", "%(minutes)d min") % {"minutes": minutes}
        if not minutes:
            return pgettext("duration", "%(hours)d h") % {"hours": hours}
        return pgettext("duration", "%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
