"""Results from raw responses: a published-style table rebuilt number by number, the results API's scope
and query count, and the paired change between two waves."""

import pytest
from rest_framework.test import APIClient

from programmes.choices import NO_OPINION, ItemKind, SurveySubject
from programmes.disclosure import TOTAL, Rules
from programmes.evaluation.publication import results_table, rules_for
from programmes.evaluation.results import (
    campaign_responses,
    layout_questionnaire,
    paired_results,
    questionnaire_results,
    submitted_responses,
)
from programmes.models import Item
from programmes.roles import Role
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
    department,
)
from tests.programmes.results_factories import campaign, questionnaire, respond

pytestmark = pytest.mark.django_db

# The network's label satisfaction survey, May 2019 (activity report 2018): 20 CAE answered; one item has
# 2 missing answers, one a « ne se prononce pas ». Columns: pas du tout, pas vraiment, plutôt, tout à fait.
LABEL_TABLE = {
    "formaliser": ([0, 2, 8, 10], 0),
    "optimiser": ([0, 4, 13, 3], 0),
    "finir": ([1, 6, 9, 4], 0),
    "conformite": ([0, 3, 9, 8], 0),
    "identifier": ([0, 4, 9, 7], 0),
    "decloisonner": ([5, 4, 7, 2], 0),
    "valoriser": ([1, 2, 8, 8], 1),
}
# Means worked by hand: options scored 1..4, no-opinion and missing answers left out.
LABEL_MEANS = {
    "formaliser": 68 / 20,
    "optimiser": 59 / 20,
    "finir": 56 / 20,
    "conformite": 65 / 20,
    "identifier": 63 / 20,
    "decloisonner": 42 / 18,
    "valoriser": 61 / 19,
}
OPTIONS = ["pas-du-tout", "plutot-non", "plutot-oui", "tout-a-fait"]
RANKING = [("reseau", "Le réseau"), ("visibilite", "La visibilité"), ("qualite", "La qualité")]
# 17 rankings, 1 no opinion, 2 missing: reseau is 1st 8 times, 2nd 5 times, 3rd 4 times...
RANKINGS = (
    [["reseau", "visibilite", "qualite"]] * 8
    + [["qualite", "reseau", "visibilite"]] * 5
    + [["visibilite", "qualite", "reseau"]] * 4
    + [NO_OPINION]
    + [None, None]
)
CHANNELS = [("courriel", "Courriel"), ("reunion", "Réunion"), ("site", "Site")]


def label_survey():
    """The 2019 questionnaire and its 20 respondents' raw answers, one CAE per response."""
    items = [{"code": code, "text": code.capitalize()} for code in LABEL_TABLE]
    items += [
        {"code": "apports", "kind": ItemKind.RANKING, "options": RANKING, "text": "Classez les apports"},
        {"code": "canaux", "kind": ItemKind.MULTIPLE, "options": CHANNELS, "text": "Par quels canaux ?"},
        {"code": "recommande", "kind": ItemKind.YESNO, "text": "Recommanderiez-vous le label ?"},
        {"code": "salaries", "kind": ItemKind.NUMBER, "text": "Combien de salariés ?"},
        {"code": "remarques", "kind": ItemKind.TEXT, "text": "Remarques"},
    ]
    survey = questionnaire(
        items, slug="label-2019", subject=SurveySubject.ORGANISATIONS, disclosure_threshold=3
    )
    columns = {}
    for code, (counts, no_opinion) in LABEL_TABLE.items():
        column = [option for option, count in zip(OPTIONS, counts, strict=True) for _ in range(count)]
        column += [NO_OPINION] * no_opinion
        columns[code] = column + [None] * (20 - len(column))
    columns["apports"] = RANKINGS
    columns["canaux"] = [["courriel", "reunion"]] * 9 + [["courriel"]] * 6 + [["site"]] * 3 + [None] * 2
    columns["recommande"] = ["yes"] * 16 + ["no"] * 3 + [NO_OPINION]
    columns["salaries"] = [12] * 10 + [None] * 10
    columns["remarques"] = ["Très utile"] * 4 + [None] * 16
    for number in range(20):
        respond(
            survey, {code: column[number] for code, column in columns.items()}, respondent_ref=f"CAE {number}"
        )
    # Never counted: a response saved partway, and one at another wave.
    respond(survey, {"formaliser": "pas-du-tout"}, respondent_ref="CAE partway", submitted=False)
    respond(survey, {"formaliser": "pas-du-tout"}, respondent_ref="CAE 0", wave="T1")
    return survey


def test_the_label_survey_table_is_rebuilt_from_raw_responses_number_by_number():
    survey = label_survey()

    results = questionnaire_results(
        questionnaire=survey, responses=submitted_responses("label-2019").filter(wave="T0")
    )

    assert results.respondents == 20
    by_code = {item.code: item for item in results.items}
    for code, (counts, no_opinion) in LABEL_TABLE.items():
        item = by_code[code]
        assert item.counts == {**dict(zip(OPTIONS, counts, strict=True)), NO_OPINION: no_opinion}, code
        assert item.n == sum(counts) + no_opinion, code
        assert item.mean == pytest.approx(LABEL_MEANS[code], abs=5e-5), code
    assert by_code["decloisonner"].n == 18
    assert by_code["valoriser"].n == 20
    ranking = by_code["apports"]
    assert ranking.n == 18
    assert ranking.counts == {"reseau": 17, "visibilite": 17, "qualite": 17, NO_OPINION: 1}
    assert ranking.ranks == {"reseau": [8, 5, 4], "visibilite": [4, 8, 5], "qualite": [5, 4, 8]}
    assert ranking.mean is None
    channels = by_code["canaux"]
    assert (channels.n, channels.counts) == (18, {"courriel": 15, "reunion": 9, "site": 3, NO_OPINION: 0})
    assert by_code["recommande"].counts == {"yes": 16, "no": 3, NO_OPINION: 1}
    assert by_code["recommande"].mean is None
    assert (by_code["salaries"].n, by_code["salaries"].counts) == (10, {NO_OPINION: 0})
    assert (by_code["remarques"].n, by_code["remarques"].counts) == (4, {NO_OPINION: 0})


def test_answers_of_an_older_version_are_matched_by_item_code():
    first = questionnaire([{"code": "confiance"}], slug="parcours")
    second = questionnaire([{"code": "autonomie"}, {"code": "confiance"}], slug="parcours", version=2)
    respond(first, {"confiance": "plutot-oui"}, respondent_ref="a")
    respond(second, {"confiance": "tout-a-fait", "autonomie": "plutot-non"}, respondent_ref="b")

    layout = layout_questionnaire("parcours")
    results = questionnaire_results(questionnaire=layout, responses=submitted_responses("parcours"))

    assert layout.pk == second.pk
    assert [item.code for item in results.items] == ["autonomie", "confiance"]
    assert results.items[1].counts["plutot-oui"] == 1
    assert results.items[1].counts["tout-a-fait"] == 1
    assert results.items[1].mean == 3.5
    assert results.respondents == 2


# The results API


def url(slug="parcours", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/evaluation/questionnaires/{slug}/results/" + (f"?{query}" if query else "")


@pytest.fixture
def two_cohorts(roles):
    programme = ProgrammeFactory(slug="cjs", name="CJS")
    edition = EditionFactory(programme=programme, year=2018)
    nantes = CohortFactory(name="CJS Nantes", edition=edition, department=department("44"))
    rennes = CohortFactory(name="CJS Rennes", edition=edition, department=department("35"))
    survey = questionnaire([{"code": "confiance"}], slug="parcours")
    for cohort, answer, count in [(nantes, "plutot-oui", 3), (rennes, "tout-a-fait", 5)]:
        for _number in range(count):
            person = EnrolmentFactory(cohort=cohort).person
            respond(survey, {"confiance": answer}, cohort=cohort, person=person, wave="T1")
    return nantes, rennes


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_facilitator_gets_the_results_of_their_cohort_only(two_cohorts):
    nantes, rennes = two_cohorts
    facilitator = UserFactory(role=Role.FACILITATOR)
    FacilitatorAssignmentFactory(user=facilitator, cohort=nantes)
    client = client_for(facilitator)

    data = client.get(url(wave="T1")).json()

    assert data["respondents"] == 3
    assert data["items"][0]["counts"] == {
        "pas-du-tout": 0,
        "plutot-non": 0,
        "plutot-oui": 3,
        "tout-a-fait": 0,
        NO_OPINION: 0,
    }
    assert client.get(url(cohort=rennes.pk)).status_code == 404
    assert client.get(url(cohort=nantes.pk)).json()["respondents"] == 3


def test_a_coordinator_gets_their_scope_and_the_national_team_everything(two_cohorts):
    _nantes, rennes = two_cohorts
    coordinator = UserFactory(role=Role.COORDINATOR)
    CoordinatorScopeFactory(
        user=coordinator, programme=rennes.edition.programme, regions=[rennes.department.region]
    )
    fabrique = UserFactory(role=Role.FABRIQUE)

    assert client_for(coordinator).get(url()).json()["respondents"] == 5
    everything = client_for(fabrique).get(url(programme="cjs", edition=2018, wave="T1")).json()
    assert everything["respondents"] == 8
    assert everything["items"][0]["mean"] == pytest.approx((3 * 3 + 5 * 4) / 8, abs=5e-5)
    assert client_for(fabrique).get(url(wave="T0")).json()["respondents"] == 0
    assert client_for(fabrique).get(url(edition=2019)).json()["respondents"] == 0


@pytest.mark.parametrize("role", [Role.LEARNER, Role.PARTNER])
def test_learners_and_partners_get_no_results(two_cohorts, role):
    assert client_for(UserFactory(role=role)).get(url()).status_code == 403


def test_visitors_and_unknown_questionnaires(two_cohorts):
    assert APIClient().get(url()).status_code in (401, 403)
    assert client_for(UserFactory(role=Role.FABRIQUE)).get(url("nope")).status_code == 404
    assert client_for(UserFactory(role=Role.FABRIQUE)).get(url(wave="T9")).status_code == 400


@pytest.mark.parametrize("count", [5, 50])
def test_the_results_api_runs_the_same_queries_for_5_or_50_cohorts_and_respondents(
    count, roles, django_assert_num_queries
):
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs"), year=2018)
    survey = questionnaire(
        [
            {"code": "confiance"},
            {"code": "apports", "kind": ItemKind.RANKING, "options": RANKING},
            {"code": "recommande", "kind": ItemKind.YESNO},
        ],
        slug="parcours",
    )
    facilitator = UserFactory(role=Role.FACILITATOR)
    for _number in range(count):
        cohort = CohortFactory(edition=edition)
        FacilitatorAssignmentFactory(user=facilitator, cohort=cohort)
        answers = {
            "confiance": "plutot-oui",
            "apports": ["reseau", "qualite", "visibilite"],
            "recommande": "yes",
        }
        respond(survey, answers, cohort=cohort, person=PersonFactory(), wave="T1")
    client = client_for(facilitator)
    client.get(url())  # warm the role cache of the user object and the content types

    # The questionnaire with its items and options (3), the respondents, every answer.
    with django_assert_num_queries(5):
        data = client.get(url(wave="T1")).json()

    assert data["respondents"] == count


# Paired change between two waves


def test_paired_change_per_item_scale_and_yes_no_worked_by_hand():
    survey = questionnaire(
        [
            {"code": "confiance", "scale": "estime"},
            {"code": "doute", "scale": "estime", "is_reversed": True},
            {"code": "recommande", "kind": ItemKind.YESNO},
        ],
        slug="parcours",
    )
    # (confiance T0, T1), (doute T0, T1), (recommande T0, T1) for five people; one answers T0 only.
    people = [
        (("plutot-non", "tout-a-fait"), ("plutot-oui", "pas-du-tout"), ("no", "yes")),
        (("plutot-non", "plutot-oui"), ("plutot-oui", "plutot-non"), ("no", "yes")),
        (("plutot-oui", "plutot-oui"), ("plutot-non", "plutot-non"), ("yes", "yes")),
        (("pas-du-tout", "plutot-non"), (NO_OPINION, "plutot-non"), ("no", "no")),
        ((NO_OPINION, "plutot-oui"), ("tout-a-fait", "plutot-non"), ("yes", "no")),
    ]
    for confiance, doute, recommande in people:
        person = PersonFactory()
        respond(
            survey,
            {"confiance": confiance[0], "doute": doute[0], "recommande": recommande[0]},
            person=person,
            wave="T0",
        )
        respond(
            survey,
            {"confiance": confiance[1], "doute": doute[1], "recommande": recommande[1]},
            person=person,
            wave="T1",
        )
    respond(survey, {"confiance": "pas-du-tout"}, person=PersonFactory(), wave="T0")
    responses = submitted_responses("parcours")

    results = {
        result.code: result.change
        for result in paired_results(
            questionnaire=survey, before=responses.filter(wave="T0"), after=responses.filter(wave="T1")
        )
    }

    confiance = results["confiance"]  # pairs (2,4), (2,3), (3,3), (1,2): differences 2, 1, 0, 1
    assert confiance.pairs == 4
    assert (confiance.improved, confiance.same, confiance.worse) == (3, 1, 0)
    assert confiance.median_change == 1
    assert confiance.wilcoxon.rank_sum_positive == 6 and confiance.wilcoxon.rank_sum_negative == 0
    assert confiance.wilcoxon.p_value == pytest.approx(0.25)  # 2 x P(T+ = 6) = 2 x 1/8 (ranks 1.5, 1.5, 3)
    assert confiance.rank_biserial == 1
    # Scale: confiance and doute reversed (5 - score). Person 1: T0 mean(2, 2) = 2, T1 mean(4, 4) = 4;
    # person 2: 2 -> mean(3, 3) = 3; person 3: mean(3, 3) = 3 -> 3; person 4: T0 confiance 1 (doute no
    # opinion) = 1 -> mean(2, 3) = 2.5; person 5: T0 doute 4 reversed = 1 -> mean(3, 3) = 3.
    estime = results["estime"]
    assert estime.pairs == 5
    assert (estime.improved, estime.same, estime.worse) == (4, 1, 0)
    assert estime.median_change == 1.5
    recommande = results["recommande"]
    assert (recommande.yes_yes, recommande.yes_no, recommande.no_yes, recommande.no_no) == (1, 1, 2, 1)
    assert recommande.p_value == pytest.approx(1.0)


def test_a_retrospective_before_is_paired_with_the_answer_at_exit():
    survey = questionnaire([{"code": "confiance", "is_retrospective": True}, {"code": "autre"}], slug="retro")
    for before, now in [
        ("plutot-non", "tout-a-fait"),
        ("pas-du-tout", "plutot-oui"),
        ("plutot-oui", "plutot-oui"),
    ]:
        respond(
            survey,
            {"confiance": now, "autre": now},
            person=PersonFactory(),
            wave="T1",
            retrospective={"confiance": before},
        )
    after = submitted_responses("retro").filter(wave="T1")

    results = paired_results(questionnaire=survey, before=after.none(), after=after, retrospective=True)

    assert [result.code for result in results] == ["confiance"]
    assert (results[0].change.pairs, results[0].change.improved, results[0].change.same) == (3, 2, 1)


def test_a_campaigns_responses_include_its_imports_without_a_campaign_only_for_its_cohorts():
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs"), year=2018)
    inside, outside = CohortFactory(edition=edition), CohortFactory(edition=edition)
    survey = questionnaire([{"code": "confiance"}], slug="parcours")
    season = campaign(survey, [inside])
    respond(survey, {"confiance": "plutot-oui"}, cohort=inside, campaign=season, respondent_ref="a")
    respond(survey, {"confiance": "plutot-oui"}, cohort=inside, respondent_ref="b")
    respond(survey, {"confiance": "plutot-oui"}, cohort=outside, respondent_ref="c")
    respond(survey, {"confiance": "plutot-oui"}, cohort=inside, respondent_ref="d", wave="T1")

    assert sorted(campaign_responses(season, wave="T0").values_list("respondent_ref", flat=True)) == [
        "a",
        "b",
    ]


def test_the_published_label_table_hides_what_the_organisation_threshold_requires():
    # A survey of organisations with an explicit threshold of 3. Worked by hand: counts under 3 (zeros
    # included) are hidden; where the hidden cells of a row add up to 0 (all zeros), the smallest other
    # cell is hidden too, else the total would reveal them.
    survey = label_survey()
    results = questionnaire_results(
        questionnaire=survey, responses=submitted_responses("label-2019").filter(wave="T0")
    )
    rules = rules_for(survey, Rules(threshold=11, small_group=30, min_contributors=3, dominance=0.85))

    table = results_table(results, rules, item_codes=list(LABEL_TABLE))

    assert (rules.threshold, rules.unit) == (3, "organisations")
    shown = {
        row["code"]: [row["cells"][code]["value"] for code in [*OPTIONS, NO_OPINION, "missing", TOTAL]]
        for row in table.rows
    }
    assert shown == {
        "formaliser": [None, None, 8, 10, None, None, 20],
        "optimiser": [None, 4, 13, None, None, None, 20],
        "finir": [None, 6, 9, 4, None, None, 20],
        "conformite": [None, None, 9, 8, None, None, 20],
        "identifier": [None, None, 9, 7, None, None, 20],
        "decloisonner": [5, 4, 7, None, None, None, 20],
        "valoriser": [None, None, 8, 8, None, None, 20],
    }
    secondary = {(s["row"], s["column"]) for s in table.suppressions if s["rule"] == "secondary"}
    assert secondary == {
        ("optimiser", "tout-a-fait"),
        ("conformite", "plutot-non"),
        ("identifier", "plutot-non"),
    }
    means = {row["code"]: row["cells"]["mean"] for row in table.rows}
    assert means["decloisonner"] == {"value": None, "rule": "secondary"}  # a count of the row is hidden
    assert all(cell["value"] is None for cell in means.values())
    assert [column.code for column in table.columns][-1] == "mean"


def test_no_opinion_not_offered_and_no_answer_to_a_required_item_are_left_out_not_hidden():
    survey = questionnaire([{"code": "confiance", "allow_no_opinion": False}], slug="strict")
    Item.objects.filter(questionnaire=survey).update(is_required=True)
    for number in range(40):
        respond(survey, {"confiance": OPTIONS[number % 2 + 2]}, respondent_ref=f"r{number}")
    results = questionnaire_results(
        questionnaire=layout_questionnaire("strict"), responses=submitted_responses("strict")
    )

    table = results_table(results, Rules(threshold=11, small_group=30, min_contributors=3, dominance=0.85))

    cells = table.rows[0]["cells"]
    assert cells[NO_OPINION].get("absent") and cells["missing"].get("absent")
    # The two empty options are hidden; they would add up to 40 - 20 - 20 = 0, so one 20 goes too.
    assert [cells[code]["value"] for code in OPTIONS] == [None, None, None, 20]
    assert [(s["column"], s["rule"]) for s in table.suppressions] == [
        ("pas-du-tout", "threshold"),
        ("plutot-non", "threshold"),
        ("plutot-oui", "secondary"),
    ]
