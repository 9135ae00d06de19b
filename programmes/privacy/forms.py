"""Forms of the privacy area of the admin."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.choices import ConsentKind
from programmes.models import Person, PrivacyRequest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)


class PrivacyRequestForm(forms.ModelForm[PrivacyRequest]):
    class Meta:
        model = PrivacyRequest
        fields = ["kind", "requested_by", "requester_name", "received_date", "notes"]
        widgets = {"received_date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_date", timezone.localdate())
        super().__init__(*args, **kwargs)


def _open_requests(person: Person, kind: str) -> Any:
    return person.privacy_requests.filter(kind=kind, completed_date__isnull=True).order_by("received_date")


class ExportForm(forms.Form):
    privacy_request = forms.ModelChoiceField(
        label=_("Answers the request"),
        queryset=PrivacyRequest.objects.none(),
        required=False,
        empty_label=_("No request (the export is still recorded)"),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["privacy_request"]
        assert isinstance(field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        field.queryset = _open_requests(person, PrivacyRequest.Kind.ACCESS)
        if field.queryset.exists():
            field.initial = field.queryset.first()


class EraseForm(forms.Form):
    """Erasing cannot be undone: the person's full name is typed again to confirm."""

    confirm_name = forms.CharField(
        label=_("Type the person's first and last name to confirm"), max_length=210
    )
    privacy_request = forms.ModelChoiceField(
        label=_("Answers the request"),
        queryset=PrivacyRequest.objects.none(),
        required=False,
        empty_label=_("No request"),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        field = self.fields["privacy_request"]
        assert isinstance(field, forms.ModelChoiceField)  # type narrowing  # nosec B101
        field.queryset = _open_requests(person, PrivacyRequest.Kind.ERASURE)
        if field.queryset.exists():
            field.initial = field.queryset.first()

    def clean_confirm_name(self) -> str:
        typed = " ".join(self.cleaned_data["confirm_name"].split())
        if typed.casefold() != " ".join(str(self.person).split()).casefold():
            raise forms.ValidationError(_("This is not the person's name."))
        return typed


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consent"), choices=ConsentKind.choices)
    given_by = forms.CharField(
        label=_("Given by"), required=False, max_length=200, help_text=_("The guardian, for a minor.")
    )
    given_date = forms.DateField(label=_("Given on"), widget=DATE_WIDGET, initial=timezone.localdate)
