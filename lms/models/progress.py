from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.courses import CoursePage, LessonPage
from lms.models.quizzes import Quiz


class CourseEnrolment(models.Model):
    """Inscription à un parcours: a learner's place in a course, completed once every required lesson is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_enrolments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
    )
    # When the learner last opened the course page: lessons published since then are "new".
    seen_at = models.DateTimeField(_("last visit"), default=timezone.now)
    last_lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last lesson opened"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("course enrolment")
        verbose_name_plural = _("course enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="course_enrolment_unique"),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("enrolled_at")),
                name="course_enrolment_completed_after_enrolled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"


class LessonCompletion(models.Model):
    """A lesson completed by a learner, with when (the time it counts for is the lesson's estimate)."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_completions",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="completions", verbose_name=_("lesson")
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"


class QuizAttempt(models.Model):
    """Tentative: the answers a learner submitted to a quiz, graded on the server."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("lesson")
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    # {"<question id>": [<choice id>, ...]} as submitted, after validation.
    answers = models.JSONField(_("answers"), default=dict)
    score = models.FloatField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    is_passed = models.BooleanField(_("passed"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["user", "lesson", "quiz"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="quiz_attempt_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.score:.0%}"

    def clean(self) -> None:
        if not 0 <= self.score <= 1:
            raise ValidationError({"score": _("A score is between 0 and 1.")})
