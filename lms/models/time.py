from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.courses import LessonPage


class LessonTime(models.Model):
    """Temps connecté: one learner's connected time on one lesson during one local day, from heartbeats.

    One row per learner, lesson and day whatever the number of heartbeats: `slots` is a bitmap of the
    30-second slots of the day in which a heartbeat arrived, `seconds` the time they count for under the
    idle cut-off and the per-session cap (see services.record_heartbeat)."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_times",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="times", verbose_name=_("lesson")
    )
    activity_date = models.DateField(_("day"))
    seconds = models.PositiveIntegerField(_("connected time (seconds)"), default=0)
    slots = models.BinaryField(_("heartbeat slots"), default=b"", editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("connected time")
        verbose_name_plural = _("connected times")
        ordering = ["activity_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "activity_date"], name="lesson_time_unique"),
        ]
        indexes = [models.Index(fields=["lesson", "user"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} · {self.activity_date:%Y-%m-%d} · {self.seconds} s"


class ConnectionLog(models.Model):
    """Journal de connexion: one login, with a coarse device description and a truncated network address."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="connection_logs",
        verbose_name=_("user"),
    )
    logged_in_at = models.DateTimeField(_("logged in at"), default=timezone.now)
    # "Firefox · Android": never the full user-agent string.
    device = models.CharField(_("browser and system"), max_length=60, blank=True)
    # The network, never the address: IPv4 truncated to /24, IPv6 to /48.
    network = models.CharField(_("network"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("connection log entry")
        verbose_name_plural = _("connection log")
        ordering = ["-logged_in_at", "-pk"]
        indexes = [models.Index(fields=["user", "-logged_in_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.logged_in_at:%Y-%m-%d %H:%M}"
