"""Forms of the CJS app: the public "order a service" and "join this CJS" forms, and the facilitator's."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cjs.choices import ClientKind, DistributionMethod, MeetingKind, ServiceType, VoteChoice
from cjs.models import Committee
from programmes.models import Cohort, Enrolment
from programmes.models.people import ADULT_AGE, age_on

# The trap field's name: a plausible one, so that robots fill it in.
HONEYPOT = "website"


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HoneypotForm(forms.Form):
    """A form with a trap field hidden from people and screen readers: whoever fills it is a robot."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def visible_fields(self) -> list[forms.BoundField]:
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    @property
    def honeypot(self) -> forms.BoundField:
        return self[HONEYPOT]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())


class ServiceRequestForm(HoneypotForm):
    """Order a service: who you are, where, what and when."""

    client_kind = forms.ChoiceField(
        label=_("You are"), choices=ClientKind.choices, initial=ClientKind.INDIVIDUAL
    )
    name = forms.CharField(
        label=_("Your name or your organisation's name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("An e-mail address or a phone number, so the CJS can answer you."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    commune = forms.CharField(label=_("Commune"), max_length=200)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    service = forms.ChoiceField(
        label=_("Service"), choices=[("", _("Choose a service")), *ServiceType.choices]
    )
    description = forms.CharField(
        label=_("What do you need?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The work to do, its size, any access or equipment details."),
    )
    wished_start_date = forms.DateField(label=_("Wished from"), widget=date_input())
    wished_end_date = forms.DateField(
        label=_("Wished until"), required=False, widget=date_input(), help_text=_("Optional.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "email" in data and "phone" in data and not data["email"] and not data["phone"].strip():
            self.add_error("email", _("Give an e-mail address or a phone number so the CJS can answer you."))
        start: datetime.date | None = data.get("wished_start_date")
        end: datetime.date | None = data.get("wished_end_date")
        if start and start < timezone.localdate():
            self.add_error("wished_start_date", _("Choose a date from today on."))
        if start and end and end < start:
            self.add_error("wished_end_date", _("The end date cannot be before the start date."))
        return data


class JoinForm(HoneypotForm):
    """Apply to join a CJS: who you are, a guardian when under 18, and consent to data processing."""

    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=date_input())
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("An e-mail address or a phone number, so the CJS can answer you."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    guardian_name = forms.CharField(
        label=_("Parent or guardian's name"),
        required=False,
        max_length=200,
        help_text=_("Required if you are under 18 when the CJS starts."),
    )
    guardian_email = forms.EmailField(label=_("Parent or guardian's e-mail"), required=False)
    guardian_phone = forms.CharField(
        label=_("Parent or guardian's phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the CJS and its network process my data to handle my application."),
        error_messages={"required": _("Your consent to the processing of your data is needed to apply.")},
        help_text=_(
            "Your data is seen only by the CJS's team. You can ask for it or have it erased at any time."
        ),
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "email" in data and "phone" in data and not data["email"] and not data["phone"].strip():
            self.add_error("email", _("Give an e-mail address or a phone number so the CJS can answer you."))
        birth_date: datetime.date | None = data.get("birth_date")
        if birth_date is None:
            return data
        if birth_date >= timezone.localdate():
            self.add_error("birth_date", _("Check your birth date."))
        elif age_on(birth_date, self.cohort.reference_date) < ADULT_AGE:
            if not data.get("guardian_name", "").strip():
                self.add_error("guardian_name", _("Under 18, give the name of a parent or guardian."))
            if not data.get("guardian_email") and not data.get("guardian_phone", "").strip():
                self.add_error(
                    "guardian_email", _("Under 18, give your parent's or guardian's e-mail or phone.")
                )
        return data


# --- Facilitator screens -----------------------------------------------------------------------------


class QuoteForm(forms.Form):
    """Turn a request into a quote: the price and the dates the CJS proposes."""

    price = forms.DecimalField(label=_("Price (€)"), min_value=Decimal(0), max_digits=10, decimal_places=2)
    start_date = forms.DateField(label=_("Start date"), widget=date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=date_input())
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class WorkDoneForm(forms.Form):
    """The work is done: the day and the hours each current member worked (empty: did not work)."""

    work_date = forms.DateField(label=_("Day worked"), widget=date_input())

    def __init__(self, *args: Any, members: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for enrolment in members:
            self.fields[f"hours-{enrolment.pk}"] = forms.DecimalField(
                label=f"{enrolment.person.first_name} {enrolment.person.last_name}",
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(24),
                max_digits=4,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
            )

    def hours_by_member(self) -> list[tuple[Enrolment, Decimal]]:
        return [
            (enrolment, self.cleaned_data[f"hours-{enrolment.pk}"])
            for enrolment in self.members
            if self.cleaned_data.get(f"hours-{enrolment.pk}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.hours_by_member():
            raise forms.ValidationError(_("Give the hours of at least one member."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ExpenseForm(forms.Form):
    expense_date = forms.DateField(label=_("Date"), widget=date_input())
    label = forms.CharField(label=_("What for"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (€)"), min_value=Decimal(0), max_digits=10, decimal_places=2)


class DistributionForm(forms.Form):
    method = forms.ChoiceField(label=_("Share"), choices=DistributionMethod.choices, widget=forms.RadioSelect)
    reserve = forms.DecimalField(
        label=_("Reserve kept (€)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        initial=Decimal(0),
        help_text=_("What the CJS keeps, for example for next season; the rest is shared."),
    )


# --- Governance ----------------------------------------------------------------------------------------

ASSEMBLY = "assembly"
COMMITTEE_PREFIX = "committee-"
NO_VOTE = "none"


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Members as checkboxes labelled with their name (the queryset selects their person)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.first_name} {obj.person.last_name}"


class MeetingForm(forms.Form):
    """An assembly or a committee meeting: which one, when, the agenda, who attended and the minutes."""

    body = forms.ChoiceField(label=_("Meeting"))
    meeting_date = forms.DateField(label=_("Date"), widget=date_input())
    agenda = forms.CharField(
        label=pgettext_lazy("meeting", "Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    attendees = MemberChoiceField(
        label=_("Who attended"),
        queryset=Enrolment.objects.none(),
        required=False,
        help_text=_("Tick the members present. Leave empty for a meeting still to come."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was said and decided; the votes are recorded separately."),
    )

    def __init__(
        self, *args: Any, committees: list[Committee], members: QuerySet[Enrolment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committees = {f"{COMMITTEE_PREFIX}{committee.pk}": committee for committee in committees}
        self.fields["body"].choices = [
            (ASSEMBLY, _("General assembly")),
            *[
                (key, _("Committee meeting · %(name)s") % {"name": committee.name})
                for key, committee in self.committees.items()
            ],
        ]
        if not committees:
            self.fields["body"].help_text = _("To record a committee meeting, create the committee first.")
        self.fields["attendees"].queryset = members

    @property
    def kind(self) -> str:
        return MeetingKind.COMMITTEE if self.cleaned_data["body"] != ASSEMBLY else MeetingKind.ASSEMBLY

    @property
    def committee(self) -> Committee | None:
        return self.committees.get(self.cleaned_data["body"])


class DecisionForm(forms.Form):
    """A motion and how each member present voted (for, against, abstention, or no vote)."""

    title = forms.CharField(
        label=_("Decision put to the vote"),
        max_length=200,
        help_text=_("For example: the hourly rate is 15 €."),
    )
    text = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, voters: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.voters = voters
        choices = [*VoteChoice.choices, (NO_VOTE, _("No vote"))]
        for enrolment in voters:
            self.fields[f"vote-{enrolment.pk}"] = forms.ChoiceField(
                label=f"{enrolment.person.first_name} {enrolment.person.last_name}",
                choices=choices,
                initial=NO_VOTE,
                required=False,
                widget=forms.RadioSelect,
            )

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[f"vote-{enrolment.pk}"] for enrolment in self.voters]

    def votes(self) -> dict[int, str]:
        return {
            enrolment.pk: self.cleaned_data[f"vote-{enrolment.pk}"]
            for enrolment in self.voters
            if self.cleaned_data.get(f"vote-{enrolment.pk}") not in ("", None, NO_VOTE)
        }


class CommitteeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("For example: commercial, communication, finances.")
    )
    members = MemberChoiceField(label=_("Members"), queryset=Enrolment.objects.none(), required=False)

    def __init__(self, *args: Any, members: QuerySet[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class CommitteeMembersForm(forms.Form):
    members = MemberChoiceField(label=_("Members to add"), queryset=Enrolment.objects.none())

    def __init__(self, *args: Any, members: QuerySet[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
