"""Forms of the evaluation: the questionnaire a respondent fills in (built from the questionnaire's
items, checked by the services) and the coordinators' campaign form."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes import access
from programmes.choices import NO, NO_OPINION, YES, CohortStatus, ItemKind, Wave
from programmes.evaluation import selectors, services
from programmes.models import Answer, Questionnaire


@dataclass
class Choice:
    code: str
    label: str
    checked: bool = False
    rank: str = ""


@dataclass
class Question:
    """One fieldset of the form: an item asked now, or "before" in the T1 retrospective block."""

    asked: selectors.AskedItem
    number: int
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    no_opinion: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def item(self) -> Any:
        return self.asked.item

    @property
    def name(self) -> str:
        return self.asked.field_name

    @property
    def kind(self) -> str:
        return str(self.asked.item.kind)

    @property
    def is_radio(self) -> bool:
        return self.kind in (ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YESNO)

    @property
    def no_opinion_name(self) -> str:
        """Radio items carry "no opinion" as one more value; the others have a checkbox of their own."""
        return self.name if self.is_radio else f"{self.name}__nsp"

    @property
    def rank_choices(self) -> range:
        return range(1, len(self.choices) + 1)


def _choices_of(item: Any) -> list[Choice]:
    if item.kind == ItemKind.YESNO:
        return [Choice(YES, _("Yes")), Choice(NO, _("No"))]
    return [Choice(option.code, option.label) for option in item.options.all()]


class AnswerForm:
    """The questionnaire as fieldsets; `values()` gives what services.answer_invitation expects."""

    def __init__(
        self,
        layout: selectors.FormLayout,
        *,
        data: QueryDict | None = None,
        answers: list[Answer] | None = None,
    ) -> None:
        self.layout = layout
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.questions: dict[str, Question] = {}
        for number, asked in enumerate(layout.asked, start=1):
            self.questions[asked.field_name] = Question(
                asked=asked, number=number, choices=_choices_of(asked.item)
            )
        self._values: dict[services.AnswerKey, services.AnswerInput] = {}
        if data is not None:
            self._read(data)
        elif answers:
            self._show(answers)

    @property
    def retrospective(self) -> list[Question]:
        return [self.questions[asked.field_name] for asked in self.layout.retrospective]

    @property
    def current(self) -> list[Question]:
        return [self.questions[asked.field_name] for asked in self.layout.current]

    def _read(self, data: QueryDict) -> None:
        for question in self.questions.values():
            key = question.asked.key
            if question.is_radio:
                value = data.get(question.name, "")
                question.no_opinion = value == NO_OPINION
                for choice in question.choices:
                    choice.checked = choice.code == value
                self._values[key] = value
                continue
            no_opinion = data.get(question.no_opinion_name) == NO_OPINION
            question.no_opinion = no_opinion
            if question.kind == ItemKind.MULTIPLE:
                chosen = data.getlist(question.name)
                for choice in question.choices:
                    choice.checked = choice.code in chosen
                self._values[key] = [NO_OPINION] if no_opinion else chosen
            elif question.kind == ItemKind.RANKING:
                self._values[key] = [NO_OPINION] if no_opinion else self._ranking(question, data)
            else:
                question.value = data.get(question.name, "").strip()
                self._values[key] = NO_OPINION if no_opinion else question.value

    def _ranking(self, question: Question, data: QueryDict) -> list[str]:
        """The options ordered by the rank chosen for each (a permutation of 1..n, checked here)."""
        ranks: dict[str, int] = {}
        for choice in question.choices:
            choice.rank = data.get(f"{question.name}__rank__{choice.code}", "").strip()
            if choice.rank:
                try:
                    ranks[choice.code] = int(choice.rank)
                except ValueError:
                    ranks[choice.code] = 0
        if not ranks:
            return []
        expected = set(range(1, len(question.choices) + 1))
        if len(ranks) != len(question.choices) or set(ranks.values()) != expected:
            question.errors.append(
                _("Give each option a different rank, from 1 to %(count)s.") % {"count": len(expected)}
            )
            return []
        return sorted(ranks, key=ranks.__getitem__)

    def _show(self, answers: list[Answer]) -> None:
        by_key = {(answer.item.code, answer.is_retrospective): answer for answer in answers}
        for question in self.questions.values():
            answer = by_key.get(question.asked.key)
            if answer is None:
                continue
            question.no_opinion = answer.is_no_opinion
            codes = list(answer.option_codes)
            for choice in question.choices:
                choice.checked = choice.code in codes
                if question.kind == ItemKind.RANKING and choice.code in codes:
                    choice.rank = str(codes.index(choice.code) + 1)
            if answer.number is not None:
                question.value = format(answer.number.normalize(), "f")
            elif answer.text:
                question.value = answer.text

    def values(self) -> dict[services.AnswerKey, services.AnswerInput]:
        return self._values

    def has_own_errors(self) -> bool:
        return any(question.errors for question in self.questions.values())

    def add_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            if name in self.questions:
                self.questions[name].errors.extend(messages)

    @property
    def error_list(self) -> list[tuple[Question, str]]:
        return [(question, message) for question in self.questions.values() for message in question.errors]


class CampaignForm(forms.Form):
    """A coordinator gives a published questionnaire to cohorts they run, at some waves."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    cohorts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cohorts"),
        queryset=access.staffed_cohorts(None),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Cohorts of one edition."),
    )
    waves = forms.MultipleChoiceField(
        label=gettext_lazy("Waves"),
        choices=Wave.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "T0 opens on the cohort's start date, T1 on its end date, M3 and M6 three and six months later."
        ),
    )
    has_retrospective = forms.BooleanField(
        label=gettext_lazy("At T1, also ask the retrospective questions “before”"), required=False
    )
    answer_days = forms.IntegerField(
        label=gettext_lazy("Open for (days)"), min_value=1, max_value=365, initial=30
    )
    remind_after_days = forms.IntegerField(
        label=gettext_lazy("Remind after (days)"), min_value=1, max_value=365, initial=7
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questionnaire_field = self.fields["questionnaire"]
        cohorts_field = self.fields["cohorts"]
        assert isinstance(questionnaire_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        assert isinstance(cohorts_field, forms.ModelMultipleChoiceField)  # type narrowing  # nosec B101
        questionnaire_field.queryset = selectors.published_questionnaires()
        cohorts_field.queryset = (
            access.staffed_cohorts(user)
            .exclude(status=CohortStatus.CANCELLED)
            .select_related("edition__programme")
            .order_by("-edition__year", "edition__programme__name", "name")
        )
        cohorts_field.label_from_instance = lambda cohort: f"{cohort.name} · {cohort.edition}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_retrospective") and Wave.T1 not in data.get("waves", []):
            self.add_error("has_retrospective", _("The “before” questions are asked at T1: choose T1."))
        return data

    def wave_settings(self) -> list[services.WaveSetting]:
        data = self.cleaned_data
        return [
            services.WaveSetting(
                wave=wave,
                answer_days=data["answer_days"],
                remind_after_days=data["remind_after_days"],
                has_retrospective=bool(data["has_retrospective"]) and wave == Wave.T1,
            )
            for wave in data["waves"]
        ]
