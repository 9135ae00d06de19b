"""Personal data of the training app (registry in programmes.privacy): a learner's courses, lessons
completed and quiz attempts. They hang off the user account, which the erasure anonymises."""

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lms.models import (
    Choice,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    LessonCompletion,
    LessonPage,
    ModulePage,
    Question,
    Quiz,
    QuizAttempt,
    TrainingProvider,
)
from programmes.models import Person
from programmes.privacy.export import export_rows
from programmes.privacy.registry import (
    BaseProvider,
    Purpose,
    classify,
    not_personal,
    register_provider,
    register_purpose,
)


def declare() -> None:
    register_purpose(
        Purpose(
            "training",
            _("Remote training"),
            _(
                "Enrolments in courses, lessons completed and quiz results, seen by the learner and their facilitators."
            ),
            _("Performance of the training agreement"),
            "cohort",
        )
    )
    classify(
        CourseEnrolment,
        purpose="training",
        fields=["user", "enrolled_at", "completed_at"],
        subjects=["user__person"],
        staff=["enrolled_by"],
    )
    classify(LessonCompletion, purpose="training", fields=["user", "completed_at"], subjects=["user__person"])
    classify(QuizAttempt, purpose="training", fields=["user", "answers", "score"], subjects=["user__person"])
    content: list[type[Model]] = [CourseIndexPage, CoursePage, ModulePage, LessonPage, Quiz, Question, Choice]
    for model in content:
        not_personal(model, note=_("Course content."))
    not_personal(TrainingProvider, note=_("An organisation's legal details."))
    register_provider(LmsProvider())


class LmsProvider(BaseProvider):
    app_label = "lms"
    label = _("Training")
    models = (CourseEnrolment, LessonCompletion, QuizAttempt)

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        user = person.user_id
        if user is None:
            return {"lms.courseenrolment": [], "lms.lessoncompletion": [], "lms.quizattempt": []}
        return {
            "lms.courseenrolment": export_rows(
                CourseEnrolment.objects.filter(user_id=user).select_related("course").order_by("enrolled_at"),
                ["course", "enrolled_at", "completed_at"],
            ),
            "lms.lessoncompletion": export_rows(
                LessonCompletion.objects.filter(user_id=user)
                .select_related("lesson")
                .order_by("completed_at"),
                ["lesson", "completed_at"],
            ),
            "lms.quizattempt": export_rows(
                QuizAttempt.objects.filter(user_id=user)
                .select_related("quiz")
                .order_by("submitted_at", "pk"),
                ["quiz", "score", "is_passed", "submitted_at", "answers"],
            ),
        }

    def erase(self, person: Person) -> None:
        """Nothing here names the learner: progress and scores stay on the account, which the core
        provider anonymises (completion and pass rates of a course do not move)."""
