"""Forms of the training app: the quiz admin form and the live-session schedule form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page

from lms import selectors
from lms.choices import CompletionRule
from lms.models import Choice, LessonPage, LiveSession, Question
from programmes import access


class QuizAdminForm(WagtailAdminModelForm):
    """Refuses questions whose right answers do not fit their kind (one for single choice and true/false)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for question_form in self.formsets["questions"].forms:
            if not question_form.is_valid() or question_form.cleaned_data.get("DELETE"):
                continue
            choices_formset = question_form.formsets["choices"]
            choices = [
                Choice(
                    text=form.cleaned_data.get("text", ""),
                    is_correct=form.cleaned_data.get("is_correct", False),
                )
                for form in choices_formset.forms
                if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            question = Question(kind=question_form.cleaned_data.get("kind"))
            try:
                question.check_choices(choices)
            except ValidationError as error:
                question_form.add_error(None, error)
                raise ValidationError(error.messages) from error
        return data


class LiveSessionForm(forms.ModelForm):
    """Schedule or change a live session: courses live now, cohorts the user staffs, lessons completed by
    attending (the service checks the lesson belongs to the course)."""

    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = LiveSession
        fields = [
            "course",
            "cohort",
            "kind",
            "title",
            "description",
            "starts_at",
            "duration_minutes",
            "join_url",
            "place",
            "lesson",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        courses = list(selectors.live_courses())
        titles = {str(course.path): course.title for course in courses}
        lessons = LessonPage.objects.live().filter(completion_rule=CompletionRule.ATTENDANCE).defer("body")
        self.fields["course"].queryset = selectors.live_courses()  # type: ignore[attr-defined]
        self.fields["cohort"].queryset = (  # type: ignore[attr-defined]
            access.staffed_cohorts(user).select_related("edition").order_by("-edition__year", "name")
        )
        if not access.sees_everything(user):
            # Sessions open to a whole course are the national team's: others choose one of their cohorts.
            self.fields["cohort"].required = True
            self.fields["cohort"].help_text = ""
        lesson_field = self.fields["lesson"]
        lesson_field.queryset = lessons.order_by("path")  # type: ignore[attr-defined]
        lesson_field.label_from_instance = (
            lambda lesson: " / ".join(  # type: ignore[attr-defined]
                part for part in (titles.get(str(lesson.path)[: -2 * Page.steplen], ""), lesson.title) if part
            )
        )
        lesson_field.help_text = _(
            "Optional: a lesson completed by attending a live session; confirming attendance completes it."
        )
        self.fields["join_url"].widget.attrs["placeholder"] = "https://"

    def clean_starts_at(self) -> Any:
        value = self.cleaned_data["starts_at"]
        return value.replace(second=0, microsecond=0) if value else value
