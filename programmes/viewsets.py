"""Back-office screens (Wagtail admin) of the core. Every listing and every object view is scoped by
the access policy, so a coordinator sees only their scope even by typing another object's URL."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser, history, usage
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from programmes import access, audit
from programmes.models import (
    AuditEntry,
    Cohort,
    Consent,
    CoordinatorScope,
    Edition,
    Enrolment,
    FacilitatorAssignment,
    Guardian,
    Organisation,
    OutboxMessage,
    Partnership,
    Person,
    Programme,
    Session,
)

Scope = Callable[[Any], QuerySet[Any]]


class ScopedObjectMixin:
    """Single-object views answer 404 for an object outside the user's scope."""

    scope: Scope | None = None

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        obj = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if not self.scope(self.request.user).filter(pk=obj.pk).exists():  # type: ignore[attr-defined, misc]
            raise Http404
        return obj


class ScopedIndexView(generic.IndexView):
    scope: Scope | None = None

    def get_base_queryset(self) -> QuerySet[Any]:
        return self.scope(self.request.user)  # type: ignore[misc]


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedChoicesForm(WagtailAdminModelForm):
    """Related choices go through the access policy too: a dropdown must not list people or cohorts
    the user may not see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        if access.sees_everything(user):
            return
        cohorts = access.staffed_cohorts(user)
        choices = {
            "cohort": lambda: cohorts,
            "person": lambda: access.visible_people(user),
            "enrolment": lambda: access.visible_enrolments(user).filter(cohort__in=cohorts),
            "session": lambda: Session.objects.filter(cohort__in=cohorts),
        }
        for name, queryset in choices.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                field.queryset = queryset()


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view goes through `scope(user)` (a function of programmes.access)."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def scope(self, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def get_form_class(self, for_update: bool = False) -> Any:
        return modelform_factory(
            self.model,
            form=ScopedChoicesForm,
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
            formfield_callback=self.formfield_for_dbfield,
        )

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(scope=self.scope, **kwargs)

    def get_edit_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_edit_view_kwargs(scope=self.scope, **kwargs)

    def get_delete_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_delete_view_kwargs(scope=self.scope, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_inspect_view_kwargs(scope=self.scope, **kwargs)

    def get_history_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_history_view_kwargs(scope=self.scope, **kwargs)

    def get_usage_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_usage_view_kwargs(scope=self.scope, **kwargs)


class NationalTeamViewSet(ScopedModelViewSet):
    """Reference data and scopes: only the national team sees and edits them."""

    def scope(self, user: Any) -> QuerySet[Any]:
        manager = self.model._default_manager
        return manager.all() if access.sees_everything(user) else manager.none()


class CohortAdmin(ScopedModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    inspect_view_enabled = True
    list_display = ["name", "edition", "department", "commune", "status", "is_in_qpv"]
    list_filter = ["status", "edition", "is_in_qpv", "is_rural"]
    list_export = ["name", "edition", "department", "commune", "host", "status", "is_in_qpv", "is_rural"]
    search_fields = ["name", "commune__name", "department__name"]
    form_fields = [
        "edition",
        "name",
        "department",
        "commune",
        "is_in_qpv",
        "is_rural",
        "host",
        "start_date",
        "end_date",
        "status",
    ]

    def scope(self, user: Any) -> QuerySet[Any]:
        return access.staffed_cohorts(user)


class PersonInspectView(ScopedInspectView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.record(actor=request.user, action="person.view", target=self.object, via="admin")
        response["Cache-Control"] = "no-store"
        return response


class PersonAdmin(ScopedModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    inspect_view_enabled = True
    list_display = ["last_name", "first_name", "birth_date", "gender"]
    list_filter = ["gender", "is_qpv_resident"]
    search_fields = ["first_name", "last_name", "email"]
    form_fields = [
        "first_name",
        "last_name",
        "birth_date",
        "gender",
        "email",
        "phone",
        "is_qpv_resident",
        "education_level",
        "employment_status",
    ]
    inspect_view_class = PersonInspectView

    def scope(self, user: Any) -> QuerySet[Any]:
        return access.visible_people(user)


class GuardianAdmin(ScopedModelViewSet):
    """Guardians of minors: who to call, who authorises."""

    model = Guardian
    icon = "user"
    menu_label = _("Guardians")
    list_display = ["name", "person", "email", "phone"]
    search_fields = ["name", "person__first_name", "person__last_name"]
    form_fields = ["person", "name", "email", "phone"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Guardian.objects.filter(person__in=access.visible_people(user))


class ConsentAdmin(ScopedModelViewSet):
    """Dated consents (guardian's authorisation, image rights, data processing); withdrawing keeps the record."""

    model = Consent
    icon = "tick-inverse"
    menu_label = _("Consents")
    list_display = ["person", "kind", "given_date", "withdrawn_date"]
    list_filter = ["kind"]
    search_fields = ["person__first_name", "person__last_name", "given_by"]
    form_fields = ["person", "kind", "given_by", "given_date", "withdrawn_date"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Consent.objects.filter(person__in=access.visible_people(user))


class EnrolmentAdmin(ScopedModelViewSet):
    """Statuses change through the facilitator space and the API (lifecycle rules and history);
    the admin creates enrolments and edits their exit note."""

    model = Enrolment
    icon = "clipboard-list"
    menu_label = _("Enrolments")
    inspect_view_enabled = True
    list_display = ["person", "cohort", "status", "status_date"]
    list_filter = ["status", "cohort__edition"]
    search_fields = ["person__first_name", "person__last_name", "cohort__name"]
    form_fields = ["person", "cohort", "role", "status", "status_date", "exit_reason", "exit_note"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return access.visible_enrolments(user)


class SessionAdmin(ScopedModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    list_display = ["__str__", "cohort", "date", "kind"]
    list_filter = ["kind", "date"]
    form_fields = ["cohort", "date", "start_time", "end_time", "kind", "title"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Session.objects.filter(cohort__in=access.staffed_cohorts(user))


class PartnershipAdmin(ScopedModelViewSet):
    model = Partnership
    icon = "site"
    menu_label = _("Partnerships")
    list_display = ["organisation", "cohort", "role", "contribution_eur"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "cohort__name"]
    form_fields = ["cohort", "organisation", "role", "contribution_eur", "in_kind"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Partnership.objects.filter(cohort__in=access.staffed_cohorts(user))


class OrganisationAdmin(ModelViewSet):
    model = Organisation
    icon = "home"
    menu_label = _("Organisations")
    list_display = ["name", "type", "siret"]
    list_filter = ["type"]
    search_fields = ["name"]
    form_fields = ["name", "type", "siret", "website"]


class ProgrammeAdmin(NationalTeamViewSet):
    model = Programme
    icon = "folder-open-inverse"
    menu_label = _("Programmes")
    list_display = ["name", "slug"]
    form_fields = ["slug", "name", "description"]


class EditionAdmin(NationalTeamViewSet):
    model = Edition
    icon = "calendar"
    menu_label = _("Editions")
    list_display = ["programme", "year"]
    form_fields = ["programme", "year"]


class FacilitatorAssignmentAdmin(ScopedModelViewSet):
    model = FacilitatorAssignment
    icon = "user"
    menu_label = _("Facilitator assignments")
    list_display = ["user", "cohort"]
    form_fields = ["user", "cohort"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return FacilitatorAssignment.objects.filter(cohort__in=access.staffed_cohorts(user))


class CoordinatorScopeAdmin(NationalTeamViewSet):
    model = CoordinatorScope
    icon = "globe"
    menu_label = _("Coordinator scopes")
    list_display = ["user", "programme"]
    form_fields = ["user", "programme", "regions"]


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds, changes or deletes through the admin, superusers included."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return "view" in actions and super().user_has_any_permission(user, ["view"])

    def users_with_any_permission(self, actions: Any, **kwargs: Any) -> Any:
        return super().users_with_any_permission(["view"], **kwargs)


class AuditEntryAdmin(NationalTeamViewSet):
    """Who opened a person's file, exported, imported, erased, changed a role or a scope, and when.
    Read-only for the national team: the log is append-only."""

    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["at", "actor", "action", "target_type", "target_id"]
    list_filter = ["actor", "action", "at"]
    form_fields = ["action"]
    list_per_page = 50

    @property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return super().scope(user).select_related("actor")


class PersonFilterForm(BaseFilterForm):
    """Search people by first name, last name or e-mail (people are not in the search index)."""

    q = forms.CharField(
        label=_("Search term"), widget=forms.TextInput(attrs={"placeholder": _("Search")}), required=False
    )

    def filter(self, objects: QuerySet[Any]) -> QuerySet[Any]:
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            every_word = Q()
            for word in query.split():
                every_word &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
            objects = objects.filter(every_word | Q(email__iexact=query))
            self.is_searching, self.search_query = True, query
        return objects


class ScopedPeopleMixin:
    """The person chooser lists only the people the user may see."""

    filter_form_class = PersonFilterForm

    def get_object_list(self) -> QuerySet[Any]:
        return access.visible_people(self.request.user).order_by("last_name", "first_name")  # type: ignore[attr-defined]


class PersonChooseView(ScopedPeopleMixin, chooser.ChooseView):
    pass


class PersonChooseResultsView(ScopedPeopleMixin, chooser.ChooseResultsView):
    pass


class PersonChosenView(chooser.ChosenView):
    def get_object(self, pk: Any) -> Any:
        return get_object_or_404(access.visible_people(self.request.user), pk=pk)


class PersonChooserViewSet(ChooserViewSet):
    """Choose a person by name among those the user may see (people are too many for a dropdown)."""

    model = Person
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    edit_item_text = _("Edit this person")
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView
    # Other screens keep their scoped dropdowns; panels ask for this widget explicitly.
    register_widget = False


person_chooser = PersonChooserViewSet("person_chooser")


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View only, whatever the user's other permissions (superusers included)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and bool(super().user_has_permission(user, action))


class OutboxMessageAdmin(NationalTeamViewSet):
    """Read-only for the national team: which tasks wait for the broker, and why (last error)."""

    model = OutboxMessage
    icon = "mail"
    menu_label = _("Outbox")
    inspect_view_enabled = True
    list_display = ["task_name", "created_at", "sent_at", "completed_at", "attempts", "last_error"]
    list_filter = ["task_name"]
    form_fields = ["task_name"]
    # Its arguments are never shown: they hold e-mail addresses and bodies, password-reset links included.
    inspect_view_fields = [
        "task_name",
        "task_id",
        "created_at",
        "available_at",
        "sent_at",
        "completed_at",
        "attempts",
        "last_error",
    ]

    @cached_property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)


class ProgrammesAdminGroup(ModelViewSetGroup):
    menu_label = _("Programmes")
    menu_icon = "group"
    menu_order = 200
    items = [
        CohortAdmin,
        PersonAdmin,
        GuardianAdmin,
        ConsentAdmin,
        EnrolmentAdmin,
        SessionAdmin,
        PartnershipAdmin,
        OrganisationAdmin,
        ProgrammeAdmin,
        EditionAdmin,
        FacilitatorAssignmentAdmin,
        CoordinatorScopeAdmin,
        AuditEntryAdmin,
        OutboxMessageAdmin,
    ]
