"""Back-office screens (Wagtail admin) of the CJS app, in a "CJS" menu group. Every listing and object
view is scoped by the access policy (the CJS a user works on); related choices in forms are too, and
writes that carry business rules go through the services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from cjs import selectors, services
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    Expense,
    HostLegalDetails,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
)
from programmes import access
from programmes.models import Enrolment
from programmes.viewsets import ScopedEditView, ScopedInspectView, ScopedModelViewSet


class ScopedChoicesForm(WagtailAdminModelForm):
    """Offers only the CJS (and their clients, committees and members) the user works on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "cohort" in self.fields:
            self.fields["cohort"].queryset = access.staffed_cohorts(user).select_related("edition")
        if "client" in self.fields:
            self.fields["client"].queryset = selectors.visible_clients(user)
        if "committee" in self.fields:
            self.fields["committee"].queryset = selectors.visible_committees(user).select_related(
                "cohort__edition"
            )
        for name in ("attendees", "members"):
            if name in self.fields:
                self.fields[name].queryset = self._members(user)

    def _members(self, user: Any) -> QuerySet[Enrolment]:
        """Members of the user's CJS; once the object exists, of its own CJS only."""
        cohort_id = getattr(self.instance, "cohort_id", None)
        cohorts = access.staffed_cohorts(user)
        if cohort_id is not None:
            cohorts = cohorts.filter(pk=cohort_id)
        return (
            Enrolment.objects.filter(cohort__in=cohorts, role=Enrolment.Role.MEMBER)
            .select_related("person", "cohort__edition")
            .order_by("cohort__name", "person__last_name", "person__first_name", "pk")
        )


class ScopedFormViewSet(ScopedModelViewSet):
    update_form_fields: list[str] | None = None

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        fields = (self.update_form_fields if for_update else None) or self.form_fields
        return forms.modelform_factory(
            self.model, form=ScopedChoicesForm, fields=fields, formfield_callback=self.formfield_for_dbfield
        )


class ClientAdmin(ScopedFormViewSet):
    """Clients: an individual's name and contact are personal data, seen only by the CJS's staff."""

    model = Client
    name = "cjs_clients"
    url_prefix = "cjs/clients"
    icon = "user"
    menu_label = _("Clients")
    list_display = ["name", "kind", "cohort", "contact_name", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "contact_name", "email"]
    form_fields = ["cohort", "kind", "name", "contact_name", "email", "phone", "address"]
    update_form_fields = ["kind", "name", "contact_name", "email", "phone", "address"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_clients(user).select_related("cohort__edition")


def _service_error(view: Any, form: Any, error: ValidationError) -> Any:
    """Show a service's refusal on the form: on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)
    view.produced_error_code = "validation_error"
    view.produced_error_message = view.get_error_message()
    return view.form_invalid(form)


class ServiceEditView(ScopedEditView):
    """An edit view whose save goes through a service; a broken rule shows on the form."""

    def update(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def save_instance(self) -> Any:
        # The form already copied its values onto self.object: the service gets the row as stored.
        stored = type(self.object)._default_manager.get(pk=self.object.pk)
        instance = self.update(stored, self.form.cleaned_data)
        log(instance=instance, action="wagtail.edit", content_changed=True)
        return instance

    def form_valid(self, form: Any) -> Any:
        try:
            return super().form_valid(form)
        except ValidationError as error:
            return _service_error(self, form, error)


class ExtraFieldsInspectView(ScopedInspectView):
    """An inspect view that also shows computed facts, each from a `get_<name>_display_value` method."""

    extra_labels: dict[str, Any] = {}

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name in self.extra_labels:
            return str(self.extra_labels[field_name])
        return str(super().get_field_label(field_name, field))


class ServiceCreateView(generic.CreateView):
    """A create view whose save goes through a service; a broken rule shows on the form."""

    def create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def save_instance(self) -> Any:
        instance = self.create(self.form.cleaned_data)
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance

    def form_valid(self, form: Any) -> Any:
        try:
            return super().form_valid(form)
        except ValidationError as error:
            return _service_error(self, form, error)


class ContractCreateView(ServiceCreateView):
    def create(self, data: dict[str, Any]) -> Contract:
        return services.create_quote(
            cohort=data["cohort"],
            client=data["client"],
            service=data["service"],
            description=data.get("description", ""),
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            price=data["price"],
            hours=data.get("hours"),
            by=self.request.user,
        )


class ContractAdmin(ScopedFormViewSet):
    """Contracts: created as quotes; the status moves through the API and the facilitator screens
    (lifecycle, invoice numbers), so once created only the description and end date are edited here."""

    model = Contract
    name = "cjs_contracts"
    url_prefix = "cjs/contracts"
    icon = "doc-full"
    menu_label = _("Contracts")
    add_view_class = ContractCreateView
    inspect_view_enabled = True
    list_display = ["__str__", "cohort", "price", "status", "invoice_number"]
    list_filter = ["status", "service", "cohort__edition"]
    list_export = ["cohort", "client", "service", "start_date", "price", "status", "invoice_number"]
    search_fields = ["client__name", "description", "invoice_number"]
    form_fields = ["cohort", "client", "service", "description", "start_date", "end_date", "price", "hours"]
    update_form_fields = ["description", "end_date"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_contracts(user).select_related("client", "cohort__edition")


class ExpenseCreateView(ServiceCreateView):
    def create(self, data: dict[str, Any]) -> Expense:
        return services.add_expense(
            cohort=data["cohort"],
            expense_date=data["expense_date"],
            label=data["label"],
            amount=data["amount"],
            by=self.request.user,
        )


class ExpenseAdmin(ScopedFormViewSet):
    model = Expense
    name = "cjs_expenses"
    url_prefix = "cjs/expenses"
    icon = "tag"
    menu_label = _("Expenses")
    add_view_class = ExpenseCreateView
    list_display = ["label", "cohort", "expense_date", "amount"]
    search_fields = ["label"]
    form_fields = ["cohort", "expense_date", "label", "amount"]
    update_form_fields = ["expense_date", "label", "amount"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_expenses(user).select_related("cohort__edition")


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """No "add" from the back office: these rows come from elsewhere (the public form, a vote)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing only: these rows are written by a service (the assembly's decision), never by a form."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in {"add", "change", "delete"} and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class DistributionAdmin(ScopedModelViewSet):
    model = SurplusDistribution
    name = "cjs_distributions"
    url_prefix = "cjs/distributions"
    icon = "table"
    menu_label = _("Surplus distributions")
    inspect_view_enabled = True
    list_display = ["cohort", "decided_date", "method", "turnover", "expenses", "reserve", "distributed"]
    inspect_view_fields = [
        "cohort",
        "decided_date",
        "method",
        "turnover",
        "expenses",
        "reserve",
        "distributed",
    ]
    form_fields = ["decided_date"]

    @property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_distributions(user).select_related("cohort__edition")


class HostLegalDetailsAdmin(ModelViewSet):
    """What the host organisations' quotes and invoices print (organisations are shared reference data)."""

    model = HostLegalDetails
    name = "cjs_legal_details"
    url_prefix = "cjs/legal-details"
    icon = "home"
    menu_label = _("Host legal details")
    list_display = ["organisation", "legal_form", "vat_mention"]
    search_fields = ["organisation__name"]
    form_fields = [
        "organisation",
        "legal_form",
        "address",
        "email",
        "phone",
        "vat_mention",
        "payment_details",
    ]


# --- Governance ----------------------------------------------------------------------------------------


def _names(enrolments: Any) -> str:
    return ", ".join(f"{e.person.first_name} {e.person.last_name}" for e in enrolments) or "-"


class MeetingCreateView(ServiceCreateView):
    def create(self, data: dict[str, Any]) -> Meeting:
        return services.record_meeting(
            cohort=data["cohort"],
            kind=data["kind"],
            committee=data.get("committee"),
            meeting_date=data["meeting_date"],
            agenda=data.get("agenda", ""),
            minutes=data.get("minutes", ""),
            attendees=list(data.get("attendees", [])),
            by=self.request.user,
        )


class MeetingEditView(ServiceEditView):
    def update(self, instance: Meeting, data: dict[str, Any]) -> Meeting:
        return services.update_meeting(
            meeting=instance,
            kind=data["kind"],
            committee=data.get("committee"),
            meeting_date=data["meeting_date"],
            agenda=data.get("agenda", ""),
            minutes=data.get("minutes", ""),
            attendees=list(data.get("attendees", [])),
            by=self.request.user,
        )


class MeetingInspectView(ExtraFieldsInspectView):
    extra_labels = {"present": _("Who attended"), "quorum": _("Quorum"), "votes": _("Decisions")}

    def get_present_display_value(self) -> str:
        attendees = self.object.attendees.select_related("person")
        return _names(attendees.order_by("person__last_name", "person__first_name"))

    def get_committee_display_value(self) -> str:
        return self.object.committee.name if self.object.committee else "-"

    def get_quorum_display_value(self) -> str:
        quorum = selectors.meeting_quorum(self.object)
        text = (
            _("Quorum reached: %(present)s present out of %(members)s members, %(required)s needed")
            if quorum.is_reached
            else _("Quorum not reached: %(present)s present out of %(members)s members, %(required)s needed")
        )
        return text % {"present": quorum.present, "members": quorum.members, "required": quorum.required}

    def get_votes_display_value(self) -> Any:
        rows = []
        for decision in self.object.decisions.prefetch_related("votes"):
            tally = selectors.tally(decision.votes.all())
            rows.append((decision.title, _tally_text(tally)))
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", rows) or "-"


def _tally_text(tally: selectors.Tally) -> str:
    text = (
        _("Adopted (for: %(for)s, against: %(against)s, abstentions: %(abstentions)s)")
        if tally.is_adopted
        else _("Not adopted (for: %(for)s, against: %(against)s, abstentions: %(abstentions)s)")
    )
    return text % {"for": tally.votes_for, "against": tally.votes_against, "abstentions": tally.abstentions}


class MeetingAdmin(ScopedFormViewSet):
    """Assemblies and committee meetings: who attended is personal data, seen only by the CJS's staff.
    Saves go through the services (the season's dates, current members, a voted meeting keeps its quorum)."""

    model = Meeting
    name = "cjs_meetings"
    url_prefix = "cjs/meetings"
    icon = "group"
    menu_label = _("Meetings")
    add_view_class = MeetingCreateView
    edit_view_class = MeetingEditView
    inspect_view_class = MeetingInspectView
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "cohort",
        "meeting_date",
        Column("attendee_count", label=_("Who attended"), accessor="attendee_count"),
        Column("decision_count", label=_("Decisions"), accessor="decision_count"),
    ]
    list_filter = ["kind", "cohort__edition"]
    search_fields = ["agenda", "minutes", "cohort__name"]
    form_fields = ["cohort", "kind", "committee", "meeting_date", "agenda", "minutes", "attendees"]
    update_form_fields = ["kind", "committee", "meeting_date", "agenda", "minutes", "attendees"]
    inspect_view_fields = [
        "cohort",
        "kind",
        "committee",
        "meeting_date",
        "agenda",
        "present",
        "quorum",
        "minutes",
        "votes",
    ]

    def scope(self, user: Any) -> QuerySet[Any]:
        return (
            selectors.visible_meetings(user)
            .select_related("cohort__edition", "committee")
            .annotate(
                attendee_count=Count("attendees", distinct=True),
                decision_count=Count("decisions", distinct=True),
            )
        )


class DecisionEditView(ServiceEditView):
    def update(self, instance: Decision, data: dict[str, Any]) -> Decision:
        return services.update_decision(
            decision=instance, title=data["title"], text=data.get("text", ""), by=self.request.user
        )


class DecisionInspectView(ExtraFieldsInspectView):
    extra_labels = {"result": _("Result"), "member_votes": _("Votes")}

    def get_result_display_value(self) -> str:
        return _tally_text(selectors.tally(self.object.votes.all()))

    def get_member_votes_display_value(self) -> Any:
        votes = selectors.member_votes().filter(decision=self.object)
        rows = [
            (
                f"{vote.enrolment.person.first_name} {vote.enrolment.person.last_name}",
                vote.get_choice_display(),
            )
            for vote in votes
        ]
        return format_html_join("", "<p>{}: {}</p>", rows) or "-"


def _votes(choice: str) -> Count:
    return Count("votes", filter=Q(votes__choice=choice))


class DecisionAdmin(ScopedFormViewSet):
    """Decisions: recorded with their votes from the facilitator screens or the API (one member, one vote,
    with the quorum); here only their wording can be corrected."""

    model = Decision
    name = "cjs_decisions"
    url_prefix = "cjs/decisions"
    icon = "tick"
    menu_label = _("Decisions")
    edit_view_class = DecisionEditView
    inspect_view_class = DecisionInspectView
    inspect_view_enabled = True
    list_display = [
        "title",
        "meeting",
        Column("cohort", label=_("CJS"), accessor="meeting.cohort"),
        Column("votes_for", label=_("For"), accessor="votes_for"),
        Column("votes_against", label=_("Against"), accessor="votes_against"),
        Column("abstentions", label=_("Abstentions"), accessor="abstentions"),
        Column(
            "result",
            label=_("Result"),
            accessor=lambda decision: (
                _("Adopted")
                if selectors.is_adopted(decision.votes_for, decision.votes_against)
                else _("Not adopted")
            ),
        ),
    ]
    search_fields = ["title", "text"]
    form_fields = ["title", "text"]
    inspect_view_fields = ["meeting", "title", "text", "result", "member_votes"]

    @property
    def permission_policy(self) -> NoAddPermissionPolicy:
        return NoAddPermissionPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return (
            selectors.visible_decisions(user)
            .select_related("meeting__cohort__edition", "meeting__committee")
            .annotate(
                votes_for=_votes("for"), votes_against=_votes("against"), abstentions=_votes("abstention")
            )
        )


class CommitteeCreateView(ServiceCreateView):
    def create(self, data: dict[str, Any]) -> Committee:
        return services.create_committee(
            cohort=data["cohort"],
            name=data["name"],
            members=list(data.get("members", [])),
            by=self.request.user,
        )


class CommitteeEditView(ServiceEditView):
    def update(self, instance: Committee, data: dict[str, Any]) -> Committee:
        return services.update_committee(
            committee=instance, name=data["name"], members=list(data.get("members", [])), by=self.request.user
        )


class CommitteeInspectView(ExtraFieldsInspectView):
    extra_labels = {"member_names": _("Members")}

    def get_member_names_display_value(self) -> str:
        return _names(self.object.members.select_related("person").order_by("person__last_name"))


class CommitteeAdmin(ScopedFormViewSet):
    model = Committee
    name = "cjs_committees"
    url_prefix = "cjs/committees"
    icon = "group"
    menu_label = _("Committees")
    add_view_class = CommitteeCreateView
    edit_view_class = CommitteeEditView
    inspect_view_class = CommitteeInspectView
    inspect_view_enabled = True
    list_display = [
        "name",
        "cohort",
        Column("member_count", label=_("Members"), accessor="member_count"),
    ]
    search_fields = ["name", "cohort__name"]
    form_fields = ["cohort", "name", "members"]
    update_form_fields = ["name", "members"]
    inspect_view_fields = ["cohort", "name", "member_names"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return (
            selectors.visible_committees(user)
            .select_related("cohort__edition")
            .annotate(member_count=Count("members", distinct=True))
        )


# --- Service requests ------------------------------------------------------------------------------------


class ServiceRequestEditView(ServiceEditView):
    def update(self, instance: ServiceRequest, data: dict[str, Any]) -> ServiceRequest:
        return services.set_service_request_status(
            service_request=instance, status=data["status"], by=self.request.user
        )


class ServiceRequestAdmin(ScopedFormViewSet):
    """Requests sent from a CJS's public page: they name the requester, so only the CJS's staff see them.
    They arrive from the public form only; here they are declined or reopened (quotes: facilitator screens
    and API)."""

    model = ServiceRequest
    name = "cjs_service_requests"
    url_prefix = "cjs/service-requests"
    icon = "mail"
    menu_label = _("Service requests")
    edit_view_class = ServiceRequestEditView
    inspect_view_enabled = True
    list_display = ["__str__", "name", "cohort", "status", "created_at"]
    list_filter = ["status", "service", "cohort__edition"]
    search_fields = ["name", "commune", "description", "email"]
    form_fields = ["status"]
    inspect_view_fields = [
        "cohort",
        "client_kind",
        "name",
        "email",
        "phone",
        "commune",
        "address",
        "service",
        "description",
        "wished_start_date",
        "wished_end_date",
        "status",
        "contract",
        "created_at",
    ]

    @property
    def permission_policy(self) -> NoAddPermissionPolicy:
        return NoAddPermissionPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_service_requests(user).select_related("cohort__edition", "contract")


class CjsAdminGroup(ModelViewSetGroup):
    menu_label = _("CJS")
    menu_icon = "doc-full"
    menu_order = 210
    items = [
        ClientAdmin,
        ContractAdmin,
        ExpenseAdmin,
        DistributionAdmin,
        ServiceRequestAdmin,
        MeetingAdmin,
        DecisionAdmin,
        CommitteeAdmin,
        HostLegalDetailsAdmin,
    ]
