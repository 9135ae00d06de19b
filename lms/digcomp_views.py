"""Digital-skills self-assessment (DigComp): the form one area per step, the result page with its radar
chart and history, and the aggregates of the cohorts a staff member works on."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lms import digcomp, selectors, services
from lms.radar import Radar, format_level, radar_chart
from programmes import selectors as programme_selectors
from programmes.permissions import role_required
from programmes.roles import Role

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)
# The answers of the steps already validated, until the last step saves them all at once.
DRAFT_KEY = "digcomp_draft"


# --- Learner: the form ----------------------------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, int | None]:
    draft = request.session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("version") != digcomp.VERSION:
        return {}
    return dict(draft.get("ratings", {}))


def _save_draft(request: HttpRequest, ratings: dict[str, int | None]) -> None:
    request.session[DRAFT_KEY] = {"version": digcomp.VERSION, "ratings": ratings}


def _as_choice(level: int | None) -> str:
    return digcomp.UNKNOWN if level is None else str(level)


def _step_context(
    framework: digcomp.Framework, step: int, values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    area = framework.areas[step - 1]
    return {
        "framework": framework,
        "area": area,
        "step": step,
        "steps": len(framework.areas),
        "scale": framework.scale(),
        "unknown": digcomp.UNKNOWN,
        "unknown_label": digcomp.UNKNOWN_LABEL,
        "items": [
            {
                "competence": competence,
                "value": values.get(competence.code, ""),
                "error": errors.get(competence.code),
            }
            for competence in area.competences
        ],
        "errors": [
            (framework.competence(code), message)
            for code, message in errors.items()
            if code in framework.codes
        ],
    }


@never_cache
@login_required
def assessment_step(request: HttpRequest, step: int) -> HttpResponse:
    """One area of the framework per step; the last step records the whole self-assessment."""
    framework = digcomp.get_framework()
    if not 1 <= step <= len(framework.areas):
        raise Http404
    area = framework.areas[step - 1]
    codes = [competence.code for competence in area.competences]
    draft = _draft(request)
    if request.method != "POST":
        values = {code: _as_choice(draft[code]) for code in codes if code in draft}
        return render(request, "lms/digcomp/step.html", _step_context(framework, step, values, {}))

    posted = {code: request.POST.get(code, "") for code in codes}
    errors: dict[str, str] = {}
    for code, raw in posted.items():
        if raw == "":
            draft.pop(code, None)
            continue
        try:
            draft[code] = services.clean_digital_skills_level(raw)
        except ValidationError as error:
            draft.pop(code, None)
            errors[code] = error.messages[0]
    _save_draft(request, draft)
    if request.POST.get("action") == "previous" and step > 1:
        return redirect("lms:digcomp_step", step=step - 1)
    try:
        services.clean_digital_skills_ratings(posted, codes=codes)
    except ValidationError as error:
        errors = {code: texts[0] for code, texts in error.message_dict.items()}
        context = _step_context(framework, step, posted, errors)
        return render(request, "lms/digcomp/step.html", context)
    if step < len(framework.areas):
        return redirect("lms:digcomp_step", step=step + 1)
    missing = [area.code for area in framework.areas if any(c.code not in draft for c in area.competences)]
    if missing:
        messages.error(request, _("Some competences of this step are not answered yet."))
        return redirect("lms:digcomp_step", step=int(missing[0]))
    assessment = services.submit_digital_skills_assessment(user=request.user, ratings=draft)
    request.session.pop(DRAFT_KEY, None)
    messages.success(request, _("Your self-assessment is saved. Here is your result."))
    return redirect("lms:digcomp_result", pk=assessment.pk)


# --- Learner: results and history ------------------------------------------------------------------


def _date(value: Any) -> str:
    return str(formats.date_format(timezone.localtime(value), "DATE_FORMAT"))


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _signed(value: float | None, decimals: int = 1) -> str:
    """A change for people: "+1.5", "-1" (with a minus sign) or "no change" ("" when there is nothing to compare)."""
    if value is None:
        return ""
    rounded = round(value, decimals)
    if rounded == 0:
        return _("no change")
    return ("+" if rounded > 0 else "\u2212") + str(formats.number_format(abs(rounded), decimals))


def _level_text(framework: digcomp.Framework, level: int | None) -> str:
    if level is None:
        return str(digcomp.UNKNOWN_LABEL)
    band = next((band for value, band, _statement in framework.scale() if value == level), "")
    return _("%(level)s · %(band)s") % {"level": level, "band": band}


def assessment_radar(
    framework: digcomp.Framework,
    current: selectors.AssessmentResult,
    previous: selectors.AssessmentResult | None,
) -> Radar:
    series = [
        (
            _("Self-assessment of %(date)s") % {"date": _date(current.assessment.submitted_at)},
            "radar-current",
            [current.area_averages[area.code] for area in framework.areas],
        )
    ]
    if previous is not None:
        series.append(
            (
                _("Previous one, %(date)s") % {"date": _date(previous.assessment.submitted_at)},
                "radar-previous",
                [previous.area_averages[area.code] for area in framework.areas],
            )
        )
    return radar_chart(
        title=_("My digital skills by area (0 to 8)"),
        axes=[area.short_label for area in framework.areas],
        series=series,
    )


def _result_context(
    framework: digcomp.Framework, history: list[selectors.AssessmentResult], index: int
) -> dict[str, Any]:
    current = history[index]
    previous = history[index + 1] if index + 1 < len(history) else None
    now, before = current.area_averages, previous.area_averages if previous else {}
    areas = []
    for area in framework.areas:
        rows = []
        for competence in area.competences:
            level = current.levels.get(competence.code)
            earlier = previous.levels.get(competence.code) if previous else None
            rows.append(
                {
                    "competence": competence,
                    "level": level,
                    "text": _level_text(framework, level),
                    "statement": "" if level is None else digcomp.LEVEL_STATEMENTS[level],
                    "previous": _level_text(framework, earlier) if previous else "",
                    "change": _signed(_change(level, earlier), 0) if previous else "",
                }
            )
        areas.append(
            {
                "area": area,
                "average": format_level(now[area.code]),
                "previous": format_level(before.get(area.code)) if previous else "",
                "change": _signed(_change(now[area.code], before.get(area.code))) if previous else "",
                "rows": rows,
            }
        )
    return {
        "framework": framework,
        "current": current,
        "previous": previous,
        "radar": assessment_radar(framework, current, previous),
        "areas": areas,
        "average": format_level(current.average),
        "date": _date(current.assessment.submitted_at),
        "history": [
            {
                "result": item,
                "date": _date(item.assessment.submitted_at),
                "average": format_level(item.average),
                "is_current": item is current,
            }
            for item in history
        ],
        "is_latest": index == 0,
    }


@never_cache
@login_required
def digital_skills_home(request: HttpRequest) -> HttpResponse:
    """The latest result with the history, or an introduction before the first self-assessment."""
    framework = digcomp.get_framework()
    history = selectors.my_digital_skills_assessments(request.user)
    if not history:
        return render(
            request,
            "lms/digcomp/intro.html",
            {"framework": framework, "scale": framework.scale(), "has_draft": bool(_draft(request))},
        )
    return render(request, "lms/digcomp/result.html", _result_context(framework, history, 0))


@never_cache
@login_required
def assessment_result(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the person's own self-assessments (anyone else's answers 404), compared with the one before."""
    framework = digcomp.get_framework()
    history = selectors.my_digital_skills_assessments(request.user)
    index = next((i for i, item in enumerate(history) if item.assessment.pk == pk), None)
    if index is None:
        raise Http404
    return render(request, "lms/digcomp/result.html", _result_context(framework, history, index))


# --- Staff: aggregates -----------------------------------------------------------------------------


def group_radar(framework: digcomp.Framework, group: selectors.GroupAggregate) -> Radar:
    return radar_chart(
        title=_("Mean level by area: %(group)s") % {"group": group.name},
        axes=[area.short_label for area in framework.areas],
        series=[(group.name, "radar-current", [group.area_averages[area.code] for area in framework.areas])],
    )


@never_cache
@role_required(*STAFF_ROLES)
def digital_skills_groups(request: HttpRequest) -> HttpResponse:
    """Self-assessments of the cohorts in the user's scope, by programme, edition and cohort, no names."""
    framework = digcomp.get_framework()
    scope = programme_selectors.dashboard_scope(
        request.user, programme_slug=request.GET.get("programme", ""), year=request.GET.get("year", "")
    )
    context: dict[str, Any] = {"framework": framework, "scope": scope, "aggregates": None}
    if scope.programme is None:
        return render(request, "lms/digcomp/groups.html", context)
    aggregates = selectors.digital_skills_aggregates(request.user, programme=scope.programme, year=scope.year)
    key = request.GET.get("group", "")
    if key:
        selected = aggregates.group(key)
        if selected is None:
            raise Http404
    else:
        preferred = [g for g in aggregates.groups if g.is_disclosed and g.kind != "programme"]
        selected = (preferred or [g for g in aggregates.groups if g.is_disclosed] or [None])[0]
    query = {"programme": scope.programme.slug, **({"year": str(scope.year)} if scope.year else {})}
    context |= {
        "aggregates": aggregates,
        "threshold": aggregates.threshold,
        "rows": [
            {
                "group": group,
                "averages": [
                    (area.short_label, format_level(group.area_averages.get(area.code)))
                    for area in framework.areas
                ],
                "url": f"{reverse('lms:digcomp_groups')}?{urlencode({**query, 'group': group.key})}#group-detail",
                "is_selected": selected is not None and group.key == selected.key,
            }
            for group in aggregates.groups
        ],
        "selected": selected,
    }
    if selected is not None and selected.is_disclosed:
        distribution = {item.code: item for item in selected.competences}
        context |= {
            "radar": group_radar(framework, selected),
            "detail": [
                {
                    "area": area,
                    "average": format_level(selected.area_averages[area.code]),
                    "rows": [
                        {
                            "competence": competence,
                            "counts": distribution[competence.code].counts,
                            "unknown": distribution[competence.code].unknown,
                            "average": format_level(distribution[competence.code].average),
                        }
                        for competence in area.competences
                    ],
                }
                for area in framework.areas
            ],
        }
    return render(request, "lms/digcomp/groups.html", context)
