"""Screens of the evaluation: answering by personal link (no login) or logged in, and the coordinators'
campaigns with their response rates (counts only, never an answer)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programmes import audit
from programmes.choices import ResponseSource
from programmes.evaluation import forms as evaluation_forms
from programmes.evaluation import selectors, services
from programmes.models import Invitation
from programmes.permissions import role_required
from programmes.roles import Role
from programmes.security import throttle

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)
LINK_PROBLEMS = {"unknown": 404, "expired": 410, "used": 410}


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: never send it to another site as a referrer (same-origin keeps the
    CSRF check working), never index it, never cache it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _closed(request: HttpRequest, reason: str) -> HttpResponse:
    return _private(
        render(request, "programmes/evaluation/closed.html", {"reason": reason}, status=LINK_PROBLEMS[reason])
    )


def _answer(request: HttpRequest, invitation: Invitation, *, source: str, here: str) -> HttpResponse:
    """The questionnaire page shared by both ways in: show, save partway, or submit."""
    layout = services.layout_for(invitation)
    if request.method == "POST":
        form = evaluation_forms.AnswerForm(layout, data=request.POST)
        submit = request.POST.get("action") == "submit"
        if not form.has_own_errors():
            try:
                services.answer_invitation(
                    invitation=invitation, values=form.values(), submit=submit, source=source
                )
            except ValidationError as error:
                form.add_errors(error)
            else:
                if submit:
                    return redirect("evaluation:thanks")
                messages.success(
                    request, _("Your answers are saved. Come back with the same link to finish.")
                )
                return redirect(here)
    else:
        response = selectors.response_of(
            invitation.campaign.questionnaire_id, invitation.wave, invitation.enrolment.person_id
        )
        form = evaluation_forms.AnswerForm(layout, answers=list(response.answers.all()) if response else None)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programmes/evaluation/answer.html",
        {
            "form": form,
            "questionnaire": layout.questionnaire,
            "invitation": invitation,
            "programme": invitation.enrolment.cohort.edition.programme,
        },
        status=status,
    )


@never_cache
@throttle("personal_link")
@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.check_link(token)
    except services.LinkError as error:
        return _closed(request, error.reason)
    try:
        return _private(_answer(request, invitation, source=ResponseSource.LINK, here=request.path))
    except services.LinkError as error:
        return _closed(request, error.reason)


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "programmes/evaluation/thanks.html"))


@never_cache
@login_required
def my_questionnaires(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.open_invitations(request.user))
    return render(request, "programmes/evaluation/my_questionnaires.html", {"invitations": invitations})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_logged_in(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.own_invitation(request.user, pk)
    if invitation is None:
        raise Http404
    try:
        services.check_open(invitation)
        return _answer(request, invitation, source=ResponseSource.ACCOUNT, here=request.path)
    except services.LinkError as error:
        return _closed(request, error.reason)


# --- Coordinators -------------------------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/evaluation/campaign_list.html",
        {
            "campaigns": list(selectors.campaign_list(request.user)),
            "can_create": selectors.can_create_campaigns(request.user),
        },
    )


@never_cache
@role_required(Role.COORDINATOR, Role.FABRIQUE)
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = evaluation_forms.CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(
                name=form.cleaned_data["name"],
                questionnaire=form.cleaned_data["questionnaire"],
                cohorts=list(form.cleaned_data["cohorts"]),
                waves=form.wave_settings(),
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is created: invitations leave when each wave opens."))
            return redirect("evaluation:campaign_detail", campaign.pk)
    return render(request, "programmes/evaluation/campaign_form.html", {"form": form})


@never_cache
@role_required(*STAFF_ROLES)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        selectors.visible_campaigns(request.user).select_related("questionnaire", "edition__programme"), pk=pk
    )
    rows = selectors.response_rates(campaign, request.user)
    return render(request, "programmes/evaluation/campaign_detail.html", {"campaign": campaign, "rows": rows})


@never_cache
@role_required(Role.COORDINATOR, Role.FABRIQUE)
def questionnaire_export(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(selectors.exportable_questionnaires(request.user), pk=pk)
    data = selectors.export_questionnaire(questionnaire)
    audit.record(actor=request.user, action="evaluation.questionnaire.export", target=questionnaire)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    filename = f"{questionnaire.slug}-v{questionnaire.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
