"""Back-office screens (Wagtail admin) of the training app: the certificates of the people in the user's
scope, read-only (the issuing task writes them), with a revoke action that goes through the service."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from lms import selectors, services
from lms.models import Certificate
from programmes import access, audit
from programmes.roles import Role, role_names
from programmes.viewsets import Scope, ScopedIndexView, ScopedInspectView, ScopedModelViewSet


def may_revoke_in_scope(user: Any) -> bool:
    """Every row of a user's listing is in their scope: the national team and coordinators revoke there."""
    return access.sees_everything(user) or Role.COORDINATOR in role_names(user)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Certificates are written by the issuing task and changed by the revoke action only, never by a form."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in {"add", "change", "delete"} and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class CertificateIndexView(ScopedIndexView):
    revoke_url_name: str | None = None

    @cached_property
    def may_revoke(self) -> bool:
        return may_revoke_in_scope(self.request.user)

    def get_list_more_buttons(self, instance: Certificate) -> list[Any]:
        buttons = list(super().get_list_more_buttons(instance))
        if self.may_revoke and instance.is_valid and instance.user_id != self.request.user.pk:
            url = reverse(self.revoke_url_name, args=[instance.pk])  # type: ignore[arg-type]
            buttons.append(Button(_("Revoke"), url=url, icon_name="cross", priority=40))
        return buttons


class CertificateInspectView(ScopedInspectView):
    revoke_url_name: str | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        audit.record(actor=request.user, action="lms.certificate.view", target=self.object, via="admin")
        response["Cache-Control"] = "no-store"
        return response

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        certificate: Certificate = self.object
        buttons.append(
            Button(
                _("Download the PDF"),
                url=reverse("lms:certificate_pdf", args=[certificate.code]),
                icon_name="download",
                priority=30,
            )
        )
        if certificate.is_valid and selectors.can_revoke_certificate(self.request.user, certificate):
            url = reverse(self.revoke_url_name, args=[certificate.pk])  # type: ignore[arg-type]
            buttons.append(Button(_("Revoke"), url=url, icon_name="cross", priority=40))
        return buttons


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Kept with the certificate and in the audit log; the public page only says it is revoked."
        ),
    )


class CertificateRevokeView(WagtailAdminTemplateMixin, FormView):
    """Ask for the reason, then revoke through the service (which checks the access policy again)."""

    template_name = "lms/admin/certificate_revoke.html"
    form_class = RevokeForm
    page_title = gettext_lazy("Revoke")
    header_icon = "cross"
    model = Certificate
    scope: Scope | None = None
    index_url_name: str | None = None
    inspect_url_name: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = get_object_or_404(self.scope(request.user), pk=kwargs["pk"])  # type: ignore[misc]
        if not selectors.can_revoke_certificate(request.user, self.object):
            raise PermissionDenied
        if not self.object.is_valid:
            messages.info(request, _("This certificate is already revoked."))
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Certificate._meta.verbose_name_plural},  # type: ignore[arg-type]
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = reverse(self.inspect_url_name, args=[self.object.pk])  # type: ignore[arg-type]
        return context

    def form_valid(self, form: RevokeForm) -> HttpResponse:
        try:
            services.revoke_certificate(
                certificate=self.object, reason=form.cleaned_data["reason"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error("reason" if hasattr(error, "error_dict") else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Certificate %(code)s revoked.") % {"code": self.object.code})
        return redirect(self.index_url_name)


class CertificateAdmin(ScopedModelViewSet):
    """Certificates of the people in the user's scope: inspect, download, revoke with a reason."""

    model = Certificate
    name = "lms_certificates"
    url_prefix = "training/certificates"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificates")
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_enabled = True
    list_display = [
        "code",
        Column("holder_full_name", label=gettext_lazy("Holder")),
        "course_title",
        "kind",
        "issued_at",
        "status",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["code", "holder_first_name", "holder_last_name", "course_title"]
    form_fields = ["revocation_reason"]
    inspect_view_fields = [
        "code",
        "kind",
        "status",
        "issued_at",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "holder_first_name",
        "holder_last_name",
        "course_title",
        "objectives",
        "issuer_name",
        "provider_siret",
        "provider_declaration_number",
        "start_date",
        "completion_date",
        "realised_minutes",
    ]

    @property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.managed_certificates(user)

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_inspect_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    @property
    def revoke_view(self) -> Any:
        return self.construct_view(
            CertificateRevokeView,
            scope=self.scope,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self) -> list[Any]:
        return [*super().get_urlpatterns(), path("revoke/<str:pk>/", self.revoke_view, name="revoke")]
