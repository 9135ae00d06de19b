"""Back office of the evaluation: questionnaires built in the admin (items and options inline; a published
version never changes, editing it makes a new draft version), campaigns scoped to the cohorts a user
runs, and responses (scoped, read-only, answers shown only in the response's own page)."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from programmes import access, audit
from programmes.choices import NO_OPINION, ItemKind
from programmes.evaluation import questionnaire_json, selectors, services
from programmes.models import Campaign, Questionnaire, Response
from programmes.viewsets import ScopedInspectView, ScopedModelViewSet

# --- Questionnaires -----------------------------------------------------------------------------------


class QuestionnaireAdminForm(WagtailAdminModelForm):
    """Checks the questionnaire as the JSON import does (types, codes, Likert points, `nsp` reserved)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = data.get("slug")
        if slug and Questionnaire.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error(
                "slug", _("A questionnaire has this code already: make a new version of it instead.")
            )
        items = []
        for item_form in self.formsets["items"].forms:
            if not item_form.is_valid() or not item_form.cleaned_data or item_form.cleaned_data.get("DELETE"):
                continue
            values = item_form.cleaned_data
            options = [
                {"code": form.cleaned_data.get("code", ""), "label": form.cleaned_data.get("label", "")}
                for form in item_form.formsets["options"].forms
                if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            items.append(
                {
                    "code": values.get("code", ""),
                    "text": values.get("text", ""),
                    "type": values.get("kind"),
                    "options": options if values.get("kind") in ItemKind.values else [],
                    "allow_no_opinion": bool(values.get("allow_no_opinion")),
                    "required": bool(values.get("is_required")),
                    "scale": values.get("scale", ""),
                    "reversed": bool(values.get("is_reversed")),
                    "retrospective": bool(values.get("is_retrospective")),
                }
            )
        spec = {
            "slug": slug or "draft",
            "title": data.get("title") or "-",
            "subject": data.get("subject"),
            "disclosure_threshold": data.get("disclosure_threshold"),
            "items": items,
        }
        try:
            questionnaire_json.parse(spec)
        except questionnaire_json.QuestionnaireFormatError as error:
            raise ValidationError(error.errors) from error
        return data


class QuestionnaireEditView(generic.EditView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        questionnaire = get_object_or_404(Questionnaire, pk=kwargs["pk"])
        if questionnaire.is_published:
            messages.warning(
                request, _("This version is published and cannot change: make a new version to edit it.")
            )
            return redirect(reverse("evaluation_questionnaires:new_version", args=[questionnaire.pk]))
        return super().dispatch(request, *args, **kwargs)


class QuestionnaireDeleteView(generic.DeleteView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        questionnaire = get_object_or_404(Questionnaire, pk=kwargs["pk"])
        if questionnaire.is_published:
            messages.error(request, _("A published questionnaire cannot be deleted."))
            return redirect(reverse("evaluation_questionnaires:index"))
        return super().dispatch(request, *args, **kwargs)


class QuestionnaireIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Any]:
        return super().get_base_queryset().order_by("slug", "-version")

    def get_list_more_buttons(self, instance: Any) -> list[Any]:
        buttons: list[Any] = list(super().get_list_more_buttons(instance))
        if not instance.is_published:
            buttons.append(
                MenuItem(
                    _("Publish"),
                    url=reverse("evaluation_questionnaires:publish", args=[instance.pk]),
                    icon_name="upload",
                    priority=15,
                )
            )
        buttons.append(
            MenuItem(
                _("Export (JSON)"),
                url=reverse("evaluation_questionnaires:export", args=[instance.pk]),
                icon_name="download",
                priority=25,
            )
        )
        return buttons


def _can_change(request: HttpRequest) -> None:
    if not request.user.has_perm("programmes.change_questionnaire"):
        raise PermissionDenied


def _confirm(request: HttpRequest, *, title: str, message: str, button: str, back: str) -> TemplateResponse:
    return TemplateResponse(
        request,
        "programmes/evaluation/admin_confirm.html",
        {"page_title": title, "header_icon": "form", "message": message, "button": button, "back_url": back},
    )


def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    _can_change(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    index = reverse("evaluation_questionnaires:index")
    if request.method == "POST":
        try:
            services.publish_questionnaire(questionnaire=questionnaire, by=request.user)
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
            return redirect(reverse("evaluation_questionnaires:edit", args=[pk]))
        messages.success(
            request, _("“%(title)s” is published: it can be given to cohorts.") % {"title": questionnaire}
        )
        return redirect(index)
    return _confirm(
        request,
        title=_("Publish %(title)s") % {"title": questionnaire},
        message=_("Once published, this version never changes: later edits make a new version."),
        button=_("Publish"),
        back=index,
    )


def new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    _can_change(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    if request.method == "POST":
        draft = services.new_version(questionnaire=questionnaire, by=request.user)
        messages.success(
            request,
            _("Version %(version)s is a draft: edit it, then publish it.") % {"version": draft.version},
        )
        return redirect(reverse("evaluation_questionnaires:edit", args=[draft.pk]))
    latest = selectors.latest_version(questionnaire.slug)
    return _confirm(
        request,
        title=_("New version of %(title)s") % {"title": questionnaire},
        message=_(
            "Version %(version)s is published. Its answers stay attached to it; a new draft version "
            "will hold your changes."
        )
        % {"version": questionnaire.version}
        if latest is None or latest.is_published
        else _("A draft version exists already: you will edit it."),
        button=_("Edit a new version"),
        back=reverse("evaluation_questionnaires:index"),
    )


def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    if not request.user.has_perm("programmes.view_questionnaire"):
        raise PermissionDenied
    data = selectors.export_questionnaire(questionnaire)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{questionnaire.slug}-v{questionnaire.version}.json"'
    )
    return response


class QuestionnaireAdmin(ModelViewSet):
    model = Questionnaire
    name = "evaluation_questionnaires"
    url_prefix = "evaluation/questionnaires"
    icon = "form"
    menu_label = gettext_lazy("Questionnaires")
    inspect_view_enabled = True
    list_display = ["title", "slug", "version", "status", "subject", "published_at"]
    list_filter = ["status", "subject"]
    search_fields = ["title", "slug"]
    index_view_class = QuestionnaireIndexView
    edit_view_class = QuestionnaireEditView
    delete_view_class = QuestionnaireDeleteView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("slug"),
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldPanel("subject"),
                    FieldPanel("disclosure_threshold"),
                ],
                heading=gettext_lazy("Questionnaire"),
            ),
            InlinePanel("items", label=gettext_lazy("Items"), min_num=1),
        ],
        base_form_class=QuestionnaireAdminForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("publish/<int:pk>/", publish_view, name="publish"),
            path("new-version/<int:pk>/", new_version_view, name="new_version"),
            path("export/<int:pk>/", export_view, name="export"),
        ]


# --- Campaigns ----------------------------------------------------------------------------------------


class CampaignAdminForm(WagtailAdminModelForm):
    """Only published questionnaires, only cohorts the user runs (others already in the campaign stay)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staffed = access.staffed_cohorts(self.for_user)
        if "questionnaire" in self.fields:
            self.fields["questionnaire"].queryset = selectors.published_questionnaires()  # type: ignore[attr-defined]
        if "cohorts" in self.fields:
            self.fields["cohorts"].queryset = self.staffed.select_related("edition")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        edition, cohorts = data.get("edition"), data.get("cohorts")
        if edition is not None and cohorts is not None:
            outside = [cohort.name for cohort in cohorts if cohort.edition_id != edition.pk]
            if outside:
                self.add_error(
                    "cohorts", _("Not of this edition: %(names)s.") % {"names": ", ".join(outside)}
                )
            if self.instance.pk:
                # Cohorts the user does not run stay in the campaign (the field only offers theirs).
                kept = self.instance.cohorts.exclude(pk__in=self.staffed.values("pk"))
                data["cohorts"] = [*cohorts, *kept]
        return data


class CampaignCreateView(generic.CreateView):
    def save_instance(self) -> Any:
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        self.form.save_m2m()
        audit.record(actor=self.request.user, action="evaluation.campaign.create", target=instance)
        return instance


class CampaignAdmin(ScopedModelViewSet):
    model = Campaign
    name = "evaluation_campaigns"
    url_prefix = "evaluation/campaigns"
    icon = "list-ul"
    menu_label = gettext_lazy("Evaluation campaigns")
    list_display = ["name", "questionnaire", "edition", "is_active", "created_at"]
    list_filter = ["is_active", "edition"]
    search_fields = ["name"]
    add_view_class = CampaignCreateView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("questionnaire"),
            FieldPanel("edition"),
            FieldPanel("cohorts"),
            FieldPanel("is_active"),
            InlinePanel("waves", label=gettext_lazy("Waves"), min_num=1),
        ],
        base_form_class=CampaignAdminForm,
    )

    def get_form_class(self, for_update: bool = False) -> Any:
        # The panels' form (inline waves, CampaignAdminForm scoping the choices), not the generic one.
        return ModelViewSet.get_form_class(self, for_update)

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_campaigns(user).select_related("questionnaire", "edition__programme")


# --- Responses ----------------------------------------------------------------------------------------


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Responses come from respondents and imports: the admin only reads them."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in ("view", "inspect") and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


def _answer_lines(response: Response, *, with_text: bool) -> str:
    answers = response.answers.select_related("item").order_by("item__sort_order", "is_retrospective")
    rows = []
    for answer in answers:
        if answer.is_no_opinion:
            value = NO_OPINION
        elif answer.item.kind == ItemKind.TEXT and not with_text:
            value = _("(free text, not shown)")
        else:
            value = answer.display_value
        label = f"{answer.item.code} ({_('before')})" if answer.is_retrospective else answer.item.code
        rows.append((label, value))
    if not rows:
        return _("No answer.")
    return format_html("<ul>{}</ul>", format_html_join("", "<li><b>{}</b>: {}</li>", rows))


class ResponseInspectView(ScopedInspectView):
    def get_field_label(self, field_name: str, field: Any) -> Any:
        if field_name == "answers":
            return _("Answers")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        if field_name == "answers":
            user = self.request.user
            with_text = access.sees_everything(user) or (
                self.object.cohort is not None and access.can_manage_cohort(user, self.object.cohort)
            )
            return _answer_lines(self.object, with_text=with_text)
        return super().get_field_display_value(field_name, field)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().get(request, *args, **kwargs)
        audit.record(actor=request.user, action="evaluation.response.view", target=self.object)
        response["Cache-Control"] = "no-store"
        return response


class ResponseAdmin(ScopedModelViewSet):
    model = Response
    name = "evaluation_responses"
    url_prefix = "evaluation/responses"
    icon = "doc-full"
    menu_label = gettext_lazy("Responses")
    inspect_view_enabled = True
    inspect_view_class = ResponseInspectView
    inspect_view_fields = [
        "questionnaire",
        "wave",
        "campaign",
        "cohort",
        "person",
        "respondent_ref",
        "source",
        "started_at",
        "submitted_at",
        "answers",
    ]
    list_display = ["questionnaire", "wave", "cohort", "person", "respondent_ref", "source", "submitted_at"]
    list_filter = ["wave", "source", "questionnaire"]
    search_fields = ["respondent_ref", "person__first_name", "person__last_name", "cohort__name"]
    form_fields = ["wave"]

    @property
    def permission_policy(self) -> ReadOnlyPolicy:  # type: ignore[override]
        return ReadOnlyPolicy(self.model)

    def scope(self, user: Any) -> QuerySet[Any]:
        return selectors.visible_responses(user).select_related("questionnaire", "cohort__edition", "person")


class EvaluationAdminGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Evaluation")
    menu_icon = "form"
    menu_order = 210
    items = [QuestionnaireAdmin, CampaignAdmin, ResponseAdmin]
