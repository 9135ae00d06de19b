from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cjs.choices import MeetingKind, VoteChoice
from programmes.models import Cohort, Enrolment


class Committee(models.Model):
    """Comité (commercial, communication, finances...): a few members the assembly entrusts with a task."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="cjs_committees", verbose_name=_("CJS")
    )
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        Enrolment, related_name="cjs_committees", verbose_name=_("members"), blank=True
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["cohort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="cjs_committee_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """Assemblée générale or réunion de comité: date, agenda, minutes and who attended."""

    Kind = MeetingKind

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="cjs_meetings", verbose_name=_("CJS")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.ASSEMBLY
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("committee"),
        null=True,
        blank=True,
    )
    meeting_date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        Enrolment, related_name="cjs_meetings_attended", verbose_name=_("attendees"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["cohort", "-meeting_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=MeetingKind.ASSEMBLY, committee__isnull=True)
                | models.Q(kind=MeetingKind.COMMITTEE, committee__isnull=False),
                name="cjs_meeting_committee_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.committee_id is not None and self.committee is not None:
            return f"{self.get_kind_display()} {self.committee.name} · {self.meeting_date:%d/%m/%Y}"
        return f"{self.get_kind_display()} · {self.meeting_date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.kind == MeetingKind.COMMITTEE and self.committee_id is None:
            raise ValidationError({"committee": _("Choose the committee that met.")})
        if self.kind == MeetingKind.ASSEMBLY and self.committee_id is not None:
            raise ValidationError(
                {"committee": _("A general assembly is not a committee meeting: leave the committee empty.")}
            )


class Decision(models.Model):
    """Décision: a motion put to the vote in a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    """Vote: one member, one vote on a decision (for, against or abstention)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="votes", verbose_name=_("decision")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="cjs_votes", verbose_name=_("member")
    )
    choice = models.CharField(_("vote"), max_length=12, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["decision", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "enrolment"], name="cjs_vote_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_choice_display()}"
