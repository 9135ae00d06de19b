"""Back-office screens (Wagtail admin) of the CJS app, in a "CJS" menu group. Every listing and object
view is scoped by the access policy (the CJS a user works on); related choices in forms are too, and
writes that carry business rules go through the services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from cjs import selectors, services
from cjs.models import Client, Contract, Expense, HostLegalDetails, SurplusDistribution
from programmes import access
from programmes.viewsets import ScopedModelViewSet


class ScopedChoicesForm(WagtailAdminModelForm):
    """Offers only the CJS (and their clients) the user works on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "cohort" in self.fields:
            self.fields["cohort"].queryset = access.staffed_cohorts(user).select_related("edition")
        if "client" in self.fields:
            self.fields["client"].queryset = selectors.visible_clients(user)


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
            form.add_error(None, error)
            return self.form_invalid(form)


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


class CjsAdminGroup(ModelViewSetGroup):
    menu_label = _("CJS")
    menu_icon = "doc-full"
    menu_order = 210
    items = [ClientAdmin, ContractAdmin, ExpenseAdmin, DistributionAdmin, HostLegalDetailsAdmin]
