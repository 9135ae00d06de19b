"""A person rates themself on every DigComp competence, one area per step, and sees their result,
their history and their progress; nobody else's."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lms import digcomp, selectors, services
from lms.models import DigitalSkillsAssessment, DigitalSkillsRating
from tests.lms.factories import digcomp_assessment, digcomp_levels
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

AREA_CODES = {area.code: [c.code for c in area.competences] for area in digcomp.load("en").areas}


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- Service: what an answer may be -----------------------------------------------------------------


def test_every_competence_rated_or_unknown_is_recorded_with_the_framework_version():
    user = UserFactory()
    ratings = digcomp_levels(2) | {"1.1": 0, "3.4": 8, "5.3": None}

    assessment = services.submit_digital_skills_assessment(user=user, ratings=ratings)

    assert assessment.framework_version == "3.0"
    stored = dict(assessment.ratings.values_list("competence", "level"))
    assert stored == ratings
    assert len(stored) == 21


def test_a_missing_competence_is_refused_and_nothing_is_saved():
    ratings = digcomp_levels(3)
    del ratings["2.4"]

    with pytest.raises(ValidationError) as error:
        services.submit_digital_skills_assessment(user=UserFactory(), ratings=ratings)

    assert error.value.message_dict == {"2.4": ["Choose a level for this competence, or “I don't know”."]}
    assert not DigitalSkillsAssessment.objects.exists()
    assert not DigitalSkillsRating.objects.exists()


@pytest.mark.parametrize("level", [9, -1, 12, 3.5, True, "high", "", [3]])
def test_a_level_off_the_scale_is_refused_with_a_clear_message(level):
    ratings = digcomp_levels(3) | {"1.2": level}

    with pytest.raises(ValidationError) as error:
        services.submit_digital_skills_assessment(user=UserFactory(), ratings=ratings)

    (message,) = error.value.message_dict["1.2"]
    if level == "":
        assert message == "Choose a level for this competence, or “I don't know”."
    else:
        assert message == (
            f"“{level}” is not a level: choose a whole number from 0 (not yet) to 8, or “I don't know”."
        )
    assert not DigitalSkillsAssessment.objects.exists()


def test_an_unknown_competence_code_and_a_non_mapping_are_refused():
    with pytest.raises(ValidationError) as error:
        services.submit_digital_skills_assessment(user=UserFactory(), ratings=digcomp_levels(3) | {"6.1": 2})
    assert error.value.message_dict == {"6.1": ["There is no competence “6.1” to rate here (DigComp 3.0)."]}

    with pytest.raises(ValidationError):
        services.submit_digital_skills_assessment(user=UserFactory(), ratings=[3] * 21)


def test_form_values_are_accepted_as_text():
    assert services.clean_digital_skills_level("4") == 4
    assert services.clean_digital_skills_level(digcomp.UNKNOWN) is None
    assert services.clean_digital_skills_level(None) is None


# --- The form, one area per step ----------------------------------------------------------------------


def step_url(step: int) -> str:
    return f"/learn/digital-skills/step/{step}/"


def post_area(client, step: int, level="3", action="next", **overrides):
    data = dict.fromkeys(AREA_CODES[str(step)], level) | overrides | {"action": action}
    return client.post(step_url(step), data)


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ("/learn/digital-skills/", step_url(1), "/learn/digital-skills/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_each_step_shows_one_area_with_accessible_radio_groups_and_descriptions(client):
    client.force_login(UserFactory())

    response = client.get(step_url(2))

    html = response.content.decode()
    framework = digcomp.load("en")
    assertContains(response, "Step 2 of 5")
    assertContains(response, "<h1>Communication and collaboration</h1>", html=True)
    assert html.count('<fieldset class="digcomp-competence"') == 6
    for competence in framework.area("2").competences:
        slug = competence.code.replace(".", "")
        assert f'aria-describedby="example-{slug} description-{slug}"' in html
        assert f'<p class="competence-example" id="example-{slug}">{escape(competence.example)}</p>' in html
        assert f"</span> {escape(competence.description)}</p>" in html
        assert html.count(f'name="{competence.code}"') == 10  # levels 0..8 and "I don't know"
    assertContains(
        response, '<legend><span class="competence-code">2.6</span> Managing digital identity</legend>'
    )
    assertContains(response, 'value="unknown"')
    assertNotContains(response, "1.1")


def test_a_step_with_a_missing_or_bad_answer_says_which_and_keeps_the_others(client):
    client.force_login(UserFactory())

    response = post_area(client, 1, **{"1.2": "", "1.3": "12"})

    assert response.status_code == 200
    assertContains(response, "2 answers are missing or wrong")
    assertContains(response, "Choose a level for this competence, or “I don&#x27;t know”.")
    assertContains(response, "“12” is not a level: choose a whole number from 0 (not yet) to 8")
    assertContains(response, 'href="#competence-12"')
    assertContains(response, 'id="level-11-3" value="3" checked')
    assert not DigitalSkillsAssessment.objects.exists()


def test_the_five_steps_record_one_assessment_and_lead_to_its_result(client):
    user = UserFactory()
    client.force_login(user)

    for step in range(1, 5):
        response = post_area(client, step, level=str(step), **({"1.1": "unknown"} if step == 1 else {}))
        assertRedirects(response, step_url(step + 1), fetch_redirect_response=False)
    assert not DigitalSkillsAssessment.objects.exists()
    response = post_area(client, 5, level="0")

    assessment = DigitalSkillsAssessment.objects.get(user=user)
    assertRedirects(response, f"/learn/digital-skills/{assessment.pk}/", fetch_redirect_response=False)
    levels = dict(assessment.ratings.values_list("competence", "level"))
    assert levels == {
        code: (None if code == "1.1" else int(digcomp.area_of(code)) % 5) for code in digcomp.codes()
    }
    assert "digcomp_draft" not in client.session


def test_previous_keeps_the_answers_given_and_the_step_shows_them_again(client):
    client.force_login(UserFactory())
    post_area(client, 1, level="4")

    response = post_area(client, 2, level="", action="previous", **{"2.1": "6"})

    assertRedirects(response, step_url(1), fetch_redirect_response=False)
    assertContains(client.get(step_url(1)), 'id="level-13-4" value="4" checked')
    assertContains(client.get(step_url(2)), 'id="level-21-6" value="6" checked')


def test_the_last_step_sends_back_to_an_area_left_unanswered(client):
    client.force_login(UserFactory())
    for step in (1, 2, 4):
        post_area(client, step)

    response = post_area(client, 5)

    assertRedirects(response, step_url(3), fetch_redirect_response=False)
    assert not DigitalSkillsAssessment.objects.exists()


def test_a_step_outside_the_framework_is_not_found(client):
    client.force_login(UserFactory())

    assert client.get(step_url(0)).status_code == 404
    assert client.get(step_url(6)).status_code == 404


# --- Results, history, progress -------------------------------------------------------------------------


def test_before_any_assessment_the_page_introduces_it(client):
    client.force_login(UserFactory())

    response = client.get("/learn/digital-skills/")

    assertContains(response, "Start my self-assessment")
    assertContains(response, f'href="{step_url(1)}"')


def test_history_lists_the_assessments_newest_first_and_the_result_compares_with_the_one_before():
    user = UserFactory()
    oldest = digcomp_assessment(user, 1, submitted_at=days_ago(300))
    latest = digcomp_assessment(user, 5, submitted_at=days_ago(2))
    middle = digcomp_assessment(user, 3, submitted_at=days_ago(100))
    digcomp_assessment(UserFactory(), 8)

    history = selectors.my_digital_skills_assessments(user)

    assert [item.assessment for item in history] == [latest, middle, oldest]
    assert history[0].area_averages == dict.fromkeys("12345", 5.0)


def test_the_result_page_shows_the_radar_overlaying_the_previous_one_the_table_and_the_history(client):
    user = UserFactory()
    first = digcomp_assessment(user, 2, submitted_at=days_ago(120), area5=None)
    second = digcomp_assessment(user, 4, submitted_at=days_ago(3), area1=6, overrides={"5.1": None})
    client.force_login(user)

    response = client.get("/learn/digital-skills/")

    html = response.content.decode()
    assert 'role="img" aria-labelledby="radar-title radar-desc"' in html
    assert '<title id="radar-title">My digital skills by area (0 to 8)</title>' in html
    # Latest: area 1 at 6, areas 2-5 at 4 (5.1 unknown is left out); previous: 2 everywhere, area 5 unknown.
    assert '<polygon points="235.0,71.8 289.7,140.2 268.8,204.5 201.2,204.5 180.3,140.2">' in html
    assert '<polygon points="235.0,129.2 262.3,149.1 251.9,181.3 218.1,181.3 235.0,158.0">' in html
    assert re.search(r"radar-current.*radar-previous|radar-previous.*radar-current", html, re.S)
    desc = re.search(r'<desc id="radar-desc">(.*?)</desc>', html, re.S).group(1)
    assert (
        "Information 6.0, Communication 4.0, Content creation 4.0, Safety and wellbeing 4.0, Problem solving 4.0"
        in desc
    )
    assert "Problem solving —" in desc
    # The table says the same as the chart, with the change.
    assertContains(
        response, '<td class="number"><strong>6.0</strong> <span class="change">(+4.0)</span></td>', html=True
    )
    assert html.index(f"/learn/digital-skills/{first.pk}/") > 0
    assert f"/learn/digital-skills/{second.pk}/" not in html  # the one shown is not a link
    assertContains(response, 'aria-current="page"')


def test_an_earlier_result_compares_with_the_one_before_it_and_the_first_one_with_nothing(client):
    user = UserFactory()
    first = digcomp_assessment(user, 2, submitted_at=days_ago(120))
    digcomp_assessment(user, 4, submitted_at=days_ago(3))
    client.force_login(user)

    response = client.get(f"/learn/digital-skills/{first.pk}/")

    assert response.context["previous"] is None
    assert response.context["current"].assessment == first
    assert len(response.context["radar"].series) == 1
    assertContains(response, "See my latest result")


def test_nobody_sees_someone_else_s_result(client):
    owner = UserFactory()
    assessment = digcomp_assessment(owner, 3)
    client.force_login(UserFactory(role="facilitator"))

    assert client.get(f"/learn/digital-skills/{assessment.pk}/").status_code == 404
    assert client.get(f"/api/v1/lms/digital-skills/assessments/{assessment.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/learn/digital-skills/", "/api/v1/lms/digital-skills/assessments/"])
def test_the_history_runs_the_same_queries_for_5_and_50_assessments(client, path):
    def count(assessments: int) -> int:
        user = UserFactory()
        for day in range(assessments):
            digcomp_assessment(user, day % 9, submitted_at=days_ago(day + 1))
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries)

    assert count(5) == count(50)


def test_the_learner_space_links_to_the_self_assessment(client):
    client.force_login(UserFactory(role="learner"))

    assertContains(client.get("/learn/"), 'href="/learn/digital-skills/"')
