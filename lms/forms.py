"""Admin forms of the training app."""

from typing import Any

from django.core.exceptions import ValidationError

from wagtail.admin.forms import WagtailAdminModelForm

from lms.models import Choice, Question


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
