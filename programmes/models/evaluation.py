"""Évaluation: questionnaires (versioned, immutable once published), campaigns giving them to cohorts at
waves, personal invitations, and the responses with their typed answers. programmes/evaluation/README.md
describes every model and field for the analysis built on top of them."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from programmes.choices import (
    KINDS_WITH_OPTIONS,
    NO_OPINION,
    ItemKind,
    QuestionnaireStatus,
    ResponseSource,
    SurveySubject,
    Wave,
)
from programmes.models.cohorts import Cohort
from programmes.models.enrolments import Enrolment
from programmes.models.people import Person
from programmes.models.programmes import Edition

CODE_HELP = _("Stable code used by imports, exports and analyses (letters, digits, - and _).")


class PublishedQuestionnaireError(ValidationError):
    """A published questionnaire, its items and options never change: make a new version instead."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day some months later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Questionnaire(ClusterableModel):
    """Questionnaire: items with stable codes; (slug, version) identifies one immutable published version."""

    slug = models.SlugField(_("code"), max_length=80, help_text=CODE_HELP)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to respondents above the questions.")
    )
    subject = models.CharField(
        _("who answers"), max_length=16, choices=SurveySubject.choices, default=SurveySubject.PEOPLE
    )
    disclosure_threshold = models.PositiveSmallIntegerField(
        _("lower disclosure threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Only for surveys of organisations: the smallest group whose results may be shown. "
            "Leave empty to use the network's threshold."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("title"),
                FieldPanel("description"),
                FieldPanel("subject"),
                FieldPanel("disclosure_threshold"),
            ]
        ),
        InlinePanel("items", label=_("Items"), min_num=1),
    ]

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionnaire_unique_version"),
            models.CheckConstraint(
                condition=models.Q(disclosure_threshold__isnull=True)
                | models.Q(subject=SurveySubject.ORGANISATIONS),
                name="questionnaire_lower_threshold_only_for_organisations",
            ),
            models.CheckConstraint(
                condition=models.Q(status=QuestionnaireStatus.DRAFT) | models.Q(published_at__isnull=False),
                name="questionnaire_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == QuestionnaireStatus.PUBLISHED

    @property
    def effective_threshold(self) -> int:
        """The smallest group whose results may be shown for this questionnaire."""
        default: int = settings.ESSAIM_DISCLOSURE_THRESHOLD
        if self.subject == SurveySubject.ORGANISATIONS and self.disclosure_threshold:
            return self.disclosure_threshold
        return default

    def clean(self) -> None:
        if self.disclosure_threshold is not None and self.subject != SurveySubject.ORGANISATIONS:
            raise ValidationError(
                {"disclosure_threshold": _("Only surveys of organisations may lower the threshold.")}
            )
        if self.disclosure_threshold is not None and self.disclosure_threshold < 1:
            raise ValidationError({"disclosure_threshold": _("The threshold is at least 1.")})

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if (
            self.pk
            and Questionnaire.objects.filter(pk=self.pk, status=QuestionnaireStatus.PUBLISHED).exists()
        ):
            raise PublishedQuestionnaireError(
                _("A published questionnaire cannot change: create a new version.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.is_published:
            raise PublishedQuestionnaireError(_("A published questionnaire cannot be deleted."))
        return super().delete(*args, **kwargs)


def _refuse_if_published(questionnaire_id: int | None) -> None:
    if (
        questionnaire_id
        and Questionnaire.objects.filter(pk=questionnaire_id, status=QuestionnaireStatus.PUBLISHED).exists()
    ):
        raise PublishedQuestionnaireError(_("A published questionnaire cannot change: create a new version."))


class Item(ClusterableModel, Orderable):
    """Question d'un questionnaire: a stable code, a kind, its options; Likert items may form a scale."""

    questionnaire = ParentalKey(
        Questionnaire, on_delete=models.CASCADE, related_name="items", verbose_name=_("questionnaire")
    )
    code = models.SlugField(_("code"), max_length=40, help_text=CODE_HELP)
    text = models.TextField(_("question"))
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices, default=ItemKind.LIKERT)
    allow_no_opinion = models.BooleanField(
        _("allow “no opinion”"),
        default=False,
        help_text=_("Offers “no opinion” apart from the options; it is never counted on the scale."),
    )
    is_required = models.BooleanField(_("required to submit"), default=False)
    scale = models.SlugField(
        _("scale"),
        max_length=40,
        blank=True,
        help_text=_("Code of the scale this Likert item belongs to (its items are analysed together)."),
    )
    is_reversed = models.BooleanField(
        _("reversed"), default=False, help_text=_("A Likert item scored the other way round in its scale.")
    )
    is_retrospective = models.BooleanField(
        _("also asked “before” at exit"),
        default=False,
        help_text=_("At T1, when the campaign asks it, the respondent also answers as they were before."),
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("text"),
        FieldPanel("kind"),
        FieldPanel("allow_no_opinion"),
        FieldPanel("is_required"),
        FieldPanel("scale"),
        FieldPanel("is_reversed"),
        FieldPanel("is_retrospective"),
        InlinePanel("options", label=_("Options")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="item_unique_code"),
            models.CheckConstraint(
                condition=models.Q(scale="") | models.Q(kind=ItemKind.LIKERT), name="item_scale_only_likert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.text[:60]}"

    @property
    def has_options(self) -> bool:
        return self.kind in KINDS_WITH_OPTIONS

    def clean(self) -> None:
        if self.code == NO_OPINION:
            raise ValidationError({"code": _("The code “nsp” is reserved for “no opinion”.")})
        if self.scale and self.kind != ItemKind.LIKERT:
            raise ValidationError({"scale": _("Only Likert items belong to a scale.")})
        if self.is_reversed and self.kind != ItemKind.LIKERT:
            raise ValidationError({"is_reversed": _("Only Likert items can be reversed.")})

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        _refuse_if_published(self.questionnaire_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _refuse_if_published(self.questionnaire_id)
        return super().delete(*args, **kwargs)


class Option(Orderable):
    """Modalité de réponse: a code and a label; on a Likert item its position (1..n) is its score."""

    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="options", verbose_name=_("item"))
    code = models.SlugField(_("code"), max_length=40, help_text=CODE_HELP)
    label = models.CharField(_("label"), max_length=200)

    panels = [FieldPanel("code"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="option_unique_code")]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.code == NO_OPINION:
            raise ValidationError({"code": _("The code “nsp” is reserved for “no opinion”.")})

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.item_id:
            _refuse_if_published(
                Item.objects.filter(pk=self.item_id).values_list("questionnaire_id", flat=True).first()
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _refuse_if_published(self.item.questionnaire_id)
        return super().delete(*args, **kwargs)


class Campaign(ClusterableModel):
    """Campagne d'évaluation: one published questionnaire given to cohorts of an edition at some waves."""

    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("questionnaire"),
        limit_choices_to={"status": QuestionnaireStatus.PUBLISHED},
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="evaluation_campaigns", verbose_name=_("edition")
    )
    cohorts = ParentalManyToManyField(
        Cohort, related_name="evaluation_campaigns", verbose_name=_("cohorts"), blank=True
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Invitations and reminders are sent only while active.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("questionnaire"),
        FieldPanel("edition"),
        FieldPanel("cohorts"),
        FieldPanel("is_active"),
        InlinePanel("waves", label=_("Waves"), min_num=1),
    ]

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-created_at", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignWave(Orderable):
    """Vague d'une campagne: when it opens for each cohort, how long it stays open, when to remind."""

    campaign = ParentalKey(
        Campaign, on_delete=models.CASCADE, related_name="waves", verbose_name=_("campaign")
    )
    wave = models.CharField(_("wave"), max_length=2, choices=Wave.choices)
    offset_days = models.SmallIntegerField(
        _("offset (days)"),
        default=0,
        help_text=_(
            "Days added to the wave's date: the cohort's start (T0), end (T1), end + 3 months (M3) "
            "or end + 6 months (M6)."
        ),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("open for (days)"), default=30, help_text=_("How long invitations can be answered.")
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=7, help_text=_("One reminder to those who have not submitted.")
    )
    has_retrospective = models.BooleanField(
        _("retrospective “before” block"),
        default=False,
        help_text=_("T1 only: retrospective items are also answered as the respondent was before."),
    )

    panels = [
        FieldPanel("wave"),
        FieldPanel("offset_days"),
        FieldPanel("answer_days"),
        FieldPanel("remind_after_days"),
        FieldPanel("has_retrospective"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("campaign wave")
        verbose_name_plural = _("campaign waves")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "wave"], name="campaign_wave_unique"),
            models.CheckConstraint(
                condition=models.Q(has_retrospective=False) | models.Q(wave=Wave.T1),
                name="campaign_wave_retrospective_only_t1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.wave}"

    def clean(self) -> None:
        if self.has_retrospective and self.wave != Wave.T1:
            raise ValidationError({"has_retrospective": _("Only the exit wave (T1) has a “before” block.")})

    def due_date_for(self, cohort: Cohort) -> datetime.date | None:
        """The day this wave opens for a cohort, from its dates (None while they are unknown)."""
        if self.wave == Wave.T0:
            base = cohort.start_date
        elif cohort.end_date is None:
            base = None
        else:
            base = add_months(cohort.end_date, {Wave.T1: 0, Wave.M3: 3, Wave.M6: 6}[Wave(self.wave)])
        return None if base is None else base + datetime.timedelta(days=self.offset_days)


class Invitation(models.Model):
    """Invitation à répondre: one person (an enrolment) at one wave of a campaign, with their personal link.

    Only the SHA-256 of the link's token is stored; the link exists only in the e-mail.
    """

    # High-volume rows that no page links to: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    wave = models.CharField(_("wave"), max_length=2, choices=Wave.choices)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="evaluation_invitations",
        verbose_name=_("participant"),
    )
    due_date = models.DateField(_("opens on"))
    expires_at = models.DateTimeField(_("closes at"))
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["campaign", "wave"]),
            models.Index(fields=["sent_at", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "wave", "enrolment"], name="invitation_unique_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.wave} · {self.enrolment}"


class Response(models.Model):
    """Réponse à un questionnaire: one respondent at one wave; submitted_at empty means saved partway.

    The respondent is a person (invitation, login, or import by participant reference) or, for anonymous
    surveys and organisations, any identifier in respondent_ref. The cohort is stored for scoped filtering.
    """

    wagtail_reference_index_ignore = True

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses", verbose_name=_("questionnaire")
    )
    wave = models.CharField(_("wave"), max_length=2, choices=Wave.choices)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        related_name="responses",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.SET_NULL,
        related_name="evaluation_responses",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="evaluation_responses",
        verbose_name=_("person"),
        null=True,
        blank=True,
    )
    respondent_ref = models.CharField(
        _("respondent identifier"),
        max_length=100,
        blank=True,
        help_text=_("For anonymous surveys and imported answers: any identifier of the respondent."),
    )
    source = models.CharField(_("source"), max_length=10, choices=ResponseSource.choices)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-started_at", "pk"]
        indexes = [
            models.Index(fields=["questionnaire", "wave", "cohort"]),
            models.Index(fields=["campaign", "wave", "cohort"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "wave", "person"],
                condition=models.Q(person__isnull=False),
                name="response_one_per_person_and_wave",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "wave", "respondent_ref"],
                condition=~models.Q(respondent_ref=""),
                name="response_one_per_respondent_and_wave",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} · {self.wave} · #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """Réponse à une question, typed by the item's kind (see programmes/evaluation/README.md).

    option_codes: likert/single/yesno one code, multiple several, ranking all of them best first;
    score: a Likert answer's position 1..n (raw, not reversed); number; text; is_no_opinion for “nsp”.
    is_retrospective marks the T1 “before” answer of a retrospective item.
    """

    wagtail_reference_index_ignore = True

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item"))
    is_retrospective = models.BooleanField(_("before the programme"), default=False)
    option_codes = models.JSONField(_("options"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    is_no_opinion = models.BooleanField(_("no opinion"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "item__sort_order", "is_retrospective"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item", "is_retrospective"], name="answer_unique_item"
            ),
            models.CheckConstraint(
                condition=models.Q(is_no_opinion=False) | models.Q(score__isnull=True, number__isnull=True),
                name="answer_no_opinion_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.is_no_opinion:
            return NO_OPINION
        if self.number is not None:
            return format(self.number.normalize(), "f")
        if self.text:
            return self.text
        return "|".join(self.option_codes)
