"""Front-office forms of the Flashcoop screens. They parse input; the services hold the rules."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flashcoop.choices import Situation, Wave
from flashcoop.models import AgendaItem, EntryProfile, Exit, FlashcoopPlan, Mentor
from programmes.choices import ExitReason
from programmes.models import Cohort, Department, Enrolment, Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class NewFlashcoopForm(forms.Form):
    """A new Flashcoop cohort and its plan."""

    year = forms.IntegerField(label=_("Edition (year)"), min_value=2015, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("For example Flashcoop Nantes Nord."))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    start_date = forms.DateField(label=_("First day"), widget=DATE_WIDGET)
    end_date = forms.DateField(
        label=_("Last day"), widget=DATE_WIDGET, required=False, help_text=_("Five days if left empty.")
    )
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    is_in_qpv = forms.BooleanField(label=_("In a priority neighbourhood (QPV)"), required=False)
    is_rural = forms.BooleanField(label=_("Rural"), required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        department_field.queryset = departments.order_by("code")
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class PlanForm(forms.ModelForm[FlashcoopPlan]):
    class Meta:
        model = FlashcoopPlan
        fields = ["theme", "place"]


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = ["date", "start_time", "end_time", "title", "led_by", "description"]
        widgets = {
            "date": DATE_WIDGET,
            "start_time": TIME_WIDGET,
            "end_time": TIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class ParticipantForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("For the follow-up questions at 3 and 6 months.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_WIDGET)


class MentorForm(forms.Form):
    name = forms.CharField(label=_("Mentor's name"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    contact = forms.CharField(label=_("Contact (e-mail or phone)"), max_length=200, required=False)
    mentees = forms.ModelMultipleChoiceField(
        label=_("Mentees"),
        queryset=Enrolment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, cohort: Cohort, participants: QuerySet[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(
            Q(partnerships__cohort=cohort) | Q(pk=cohort.host_id or 0)
        )
        organisation_field = self.fields["organisation"]
        mentees_field = self.fields["mentees"]
        assert isinstance(organisation_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        assert isinstance(mentees_field, forms.ModelMultipleChoiceField)  # type narrowing  # nosec B101
        organisation_field.queryset = organisations.distinct().order_by("name")
        mentees_field.queryset = participants
        mentees_field.label_from_instance = lambda enrolment: str(enrolment.person)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("organisation"):
            raise forms.ValidationError(_("Give the mentor's name or organisation."))
        return data


class MeetingForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none())
    enrolment = forms.ModelChoiceField(label=_("Participant"), queryset=Enrolment.objects.none())
    meeting_date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, mentors: QuerySet[Mentor], participants: QuerySet[Enrolment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        mentor_field = self.fields["mentor"]
        enrolment_field = self.fields["enrolment"]
        assert isinstance(mentor_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        assert isinstance(enrolment_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        mentor_field.queryset = mentors
        enrolment_field.queryset = participants
        enrolment_field.label_from_instance = lambda enrolment: str(enrolment.person)
        if not self.is_bound:
            self.initial.setdefault("meeting_date", timezone.localdate())


class ProductionForm(forms.Form):
    label = forms.CharField(label=_("What was produced or sold"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, required=False)
    amount_eur = forms.DecimalField(
        label=_("Amount sold (€)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )


class EntryProfileForm(forms.ModelForm[EntryProfile]):
    class Meta:
        model = EntryProfile
        fields = [
            "employment_status",
            "minimum_income",
            "education_level",
            "qpv_resident",
            "rural",
            "referrer",
            "disability",
            "disability_consent_date",
        ]
        widgets = {"disability_consent_date": DATE_WIDGET}
        help_texts = {
            "disability": _("Only ask with the participant's explicit consent; leave empty when not asked."),
        }


class ExitForm(forms.ModelForm[Exit]):
    class Meta:
        model = Exit
        fields = ["exit_date", "is_completed", "early_reason", "situation", "note"]
        widgets = {"exit_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["early_reason"]
        assert isinstance(reason, forms.ChoiceField)  # type narrowing  # nosec B101
        reason.choices = [("", _("Not applicable (completed)")), *ExitReason.choices]


class PhoneFollowUpForm(forms.Form):
    wave = forms.ChoiceField(label=_("Follow-up"), choices=Wave.choices)
    situation = forms.ChoiceField(label=_("Situation"), choices=Situation.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpAnswerForm(forms.Form):
    """The participant's own short form: where they stand today."""

    situation = forms.ChoiceField(
        label=_("Today, I am…"),
        choices=[
            (Situation.JOB_SEARCHING, _("looking for a job")),
            (Situation.EDUCATION_TRAINING, _("in education or training")),
            (Situation.EMPLOYMENT, _("in employment (any contract, self-employed included)")),
            (Situation.BUSINESS_CREATION, _("creating my business")),
            (Situation.JOINED_CAE, _("in a business and employment cooperative (CAE)")),
            (Situation.OTHER, _("in another situation")),
            (Situation.REFUSED, _("I prefer not to say")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the answer closest to your situation.")},
    )
    note = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
