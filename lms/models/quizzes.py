from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms.choices import QuestionKind


class Quiz(ClusterableModel):
    """Quiz: questions graded on the server; the answers never leave it before an attempt is submitted."""

    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Leave empty to use the course's pass mark."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("title"), FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
        InlinePanel("questions", label=_("Questions"), min_num=1),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__isnull=True) | models.Q(pass_mark__lte=100),
                name="quiz_pass_mark_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(ClusterableModel, Orderable):
    """Question of a quiz, with its choices and the explanation shown after submitting."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz"))
    text = models.TextField(_("question"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown to the learner after they submit their answers.")
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("kind"),
        FieldPanel("explanation"),
        InlinePanel("choices", label=_("Choices"), min_num=2),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    def check_choices(self, choices: list["Choice"]) -> None:
        """Single-choice and true/false questions have one right answer, multiple-choice at least one."""
        correct = sum(1 for choice in choices if choice.is_correct)
        if self.kind == QuestionKind.MULTIPLE and correct < 1:
            raise ValidationError(_("A multiple-choice question needs at least one correct choice."))
        if self.kind != QuestionKind.MULTIPLE and correct != 1:
            raise ValidationError(_("This question needs exactly one correct choice."))
        if self.kind == QuestionKind.TRUE_FALSE and len(choices) != 2:
            raise ValidationError(_("A true-or-false question has exactly two choices."))


class Choice(Orderable):
    """One answer a learner may pick."""

    question = ParentalKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    text = models.CharField(_("text"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text
