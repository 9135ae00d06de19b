"""Evaluation volumes for `generate_scale_data`: a published reference questionnaire of ten items
answered at entry (T0) and exit (T1) by a tenth of the CJS members: 60,000 answers at S=1."""

import json

from django.utils import timezone

from programmes.choices import ResponseSource, Wave
from programmes.evaluation import services
from programmes.models import Answer, Enrolment, Response
from programmes.scale import ScaleContext, insert_rows

SLUG = "reference-cjs"
LIKERT = ["pas-du-tout", "plutot-non", "plutot-oui", "tout-a-fait"]
RANKING = ["clients", "equipe", "argent", "apprendre"]
LIKERT_ITEMS = 8


def _spec() -> dict[str, object]:
    likert = [{"code": code, "label": code.replace("-", " ")} for code in LIKERT]
    items: list[dict[str, object]] = [
        {"code": f"confiance-{number}", "text": f"Affirmation {number}", "type": "likert", "options": likert,
         "allow_no_opinion": True, "scale": "confiance"}
        for number in range(1, LIKERT_ITEMS + 1)
    ]  # fmt: skip
    items.append({"code": "emploi", "text": "Avez-vous un emploi ?", "type": "yesno", "options": []})
    items.append(
        {"code": "priorites", "text": "Classez", "type": "ranking",
         "options": [{"code": code, "label": code} for code in RANKING]}
    )  # fmt: skip
    return {"slug": SLUG, "title": "Questionnaire de référence (échelle)", "items": items}


def generate(context: ScaleContext) -> dict[str, int]:
    questionnaire = services.import_questionnaire(data=_spec(), publish=True).questionnaire
    items = list(questionnaire.items.order_by("sort_order"))
    respondents = context.members[::10]
    now = timezone.now()
    insert_rows(
        Response,
        ["questionnaire_id", "wave", "cohort_id", "person_id", "respondent_ref", "source", "started_at",
         "updated_at", "submitted_at"],
        [
            (questionnaire.pk, wave, cohort_id, person_id, "", ResponseSource.IMPORT, now, now, now)
            for wave in (Wave.T0, Wave.T1)
            for _enrolment_id, cohort_id, person_id in _people(respondents)
        ],
    )  # fmt: skip
    responses = list(Response.objects.filter(questionnaire=questionnaire).values_list("pk", "wave"))
    rng = context.rng
    rows = []
    for response_id, wave in responses:
        lift = 1 if wave == Wave.T1 else 0
        for item in items:
            if item.kind == "likert":
                if rng.random() < 0.05:
                    rows.append((response_id, item.pk, False, [], None, True))
                    continue
                score = min(len(LIKERT), rng.randint(1, 3) + (lift if rng.random() < 0.4 else 0))
                rows.append((response_id, item.pk, False, [LIKERT[score - 1]], score, False))
            elif item.kind == "yesno":
                rows.append((response_id, item.pk, False, [rng.choice(["yes", "no"])], None, False))
            else:
                order = RANKING[:]
                rng.shuffle(order)
                rows.append((response_id, item.pk, False, order, None, False))
    answers = insert_rows(
        Answer,
        ["response_id", "item_id", "is_retrospective", "option_codes", "score", "is_no_opinion", "text"],
        ((rid, iid, retro, json.dumps(codes), score, nsp, "") for rid, iid, retro, codes, score, nsp in rows),
    )
    return {"responses": len(responses), "answers": answers}


def _people(members: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    person_of = dict(
        Enrolment.objects.filter(pk__in=[enrolment_id for enrolment_id, _c, _u in members]).values_list(
            "pk", "person_id"
        )
    )
    return [(enrolment_id, cohort_id, person_of[enrolment_id]) for enrolment_id, cohort_id, _u in members]
