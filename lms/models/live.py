import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.choices import LiveAttendanceStatus, LiveSessionKind
from lms.models.courses import CoursePage, LessonPage
from programmes.models import Cohort

https_only = URLValidator(schemes=["https"], message=_("Enter an address starting with https://."))


class LiveSession(models.Model):
    """Classe virtuelle ou atelier en présentiel: a dated live session of a course, for one cohort or all.

    A virtual class has a join address (BigBlueButton, Jitsi or any https address); an in-person workshop
    has a place and an electronic sign-in sheet. The facilitator confirms attendance afterwards, which
    completes the linked lesson when its completion rule is "live session attended"."""

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="live_sessions", verbose_name=_("course")
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="live_sessions",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a session open to every learner of the course."),
    )
    lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.SET_NULL,
        related_name="live_sessions",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        help_text=_(
            "The lesson that presents this session; confirming attendance completes it when it is "
            "completed by attending a live session."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=LiveSessionKind.choices, default=LiveSessionKind.VIRTUAL
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    join_url = models.URLField(
        _("join address"),
        max_length=500,
        blank=True,
        validators=[https_only],
        help_text=_("BigBlueButton, Jitsi or any https address. Learners never see it before they join."),
    )
    place = models.CharField(_("place"), max_length=250, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="led_live_sessions",
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
    )
    notes = models.TextField(
        _("minutes"),
        blank=True,
        help_text=_("What was covered and decided (compte rendu), written afterwards."),
    )
    attendance_confirmed_at = models.DateTimeField(_("attendance confirmed at"), null=True, blank=True)
    attendance_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attendance confirmed by"),
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # iCalendar: a stable UID, and a SEQUENCE raised whenever the time or place changes.
    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["course", "starts_at"]), models.Index(fields=["cohort", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=LiveSessionKind.VIRTUAL) | ~models.Q(join_url=""),
                name="live_session_virtual_has_join_url",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=LiveSessionKind.IN_PERSON) | ~models.Q(place=""),
                name="live_session_in_person_has_place",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="live_session_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_virtual(self) -> bool:
        return self.kind == LiveSessionKind.VIRTUAL

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def join_opens_at(self) -> datetime.datetime:
        return self.starts_at - datetime.timedelta(minutes=settings.ESSAIM_LMS_JOIN_OPENS_MINUTES)

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Learners may join (or sign in) from shortly before the start until the end."""
        return self.join_opens_at <= moment < self.ends_at

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == LiveSessionKind.VIRTUAL and not self.join_url:
            errors["join_url"] = _("A virtual class needs the address to join it.")
        if self.kind == LiveSessionKind.IN_PERSON and not self.place:
            errors["place"] = _("An in-person workshop needs a place.")
        if errors:
            raise ValidationError(errors)


class LiveAttendance(models.Model):
    """Présence à une session: arrival (join clicked), signature (sign-in sheet), then the confirmation."""

    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("live session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="live_attendances",
        verbose_name=_("learner"),
    )
    arrived_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed in by"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=LiveAttendanceStatus.choices, blank=True
    )
    minutes_attended = models.PositiveSmallIntegerField(
        _("minutes attended"), null=True, blank=True, validators=[MaxValueValidator(720)]
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("live session attendance")
        verbose_name_plural = _("live session attendances")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="live_attendance_unique"),
            models.CheckConstraint(
                condition=~models.Q(status=LiveAttendanceStatus.PRESENT)
                | models.Q(minutes_attended__isnull=False),
                name="live_attendance_present_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"

    @property
    def is_confirmed_present(self) -> bool:
        return self.confirmed_at is not None and self.status == LiveAttendanceStatus.PRESENT


class CalendarFeed(models.Model):
    """Abonnement agenda: the secret address of a person's calendar of live sessions (only its hash is kept)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
