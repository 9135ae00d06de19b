"""The digital-skills API: the framework, posting a self-assessment, reading one's own."""

import datetime

from django.utils import timezone

import pytest

from lms import digcomp
from lms.models import DigitalSkillsAssessment
from tests.lms.factories import digcomp_assessment, digcomp_levels
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db]
BASE = "/api/v1/lms/digital-skills"


def test_the_framework_comes_in_the_requested_language_with_codes_levels_and_licence(client):
    client.force_login(UserFactory())

    english = client.get(f"{BASE}/framework/", headers={"Accept-Language": "en"}).json()
    french = client.get(f"{BASE}/framework/", headers={"Accept-Language": "fr"}).json()

    assert english["version"] == "3.0" and english["official"] is True
    assert [area["code"] for area in english["areas"]] == ["1", "2", "3", "4", "5"]
    codes = [competence["code"] for area in english["areas"] for competence in area["competences"]]
    assert codes == list(digcomp.codes())
    assert [level["level"] for level in english["levels"]] == list(range(9))
    assert english["levels"][3]["band"] == "Intermediate"
    assert english["levels"][0]["description"] == ""
    assert "CC BY 4.0" in english["licence"]
    assert english["areas"][1]["competences"][5]["label"] == "Managing digital identity"
    assert french["official"] is False and "non officielle" in french["translation_note"]
    assert french["areas"][1]["competences"][5]["label"] == "Gérer son identité numérique"


def test_the_framework_needs_a_login(client):
    assert client.get(f"{BASE}/framework/").status_code in (401, 403)


def test_a_person_posts_a_self_assessment_and_reads_it_back(client):
    user = UserFactory()
    client.force_login(user)
    ratings = digcomp_levels(2) | {"1.1": 0, "5.4": None}

    response = client.post(f"{BASE}/assessments/", {"ratings": ratings}, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["ratings"] == ratings
    assert body["framework_version"] == "3.0"
    assert body["area_averages"]["1"] == pytest.approx(4 / 3)
    assert body["area_averages"]["5"] == 2.0
    assessment = DigitalSkillsAssessment.objects.get(user=user)
    assert client.get(f"{BASE}/assessments/{assessment.pk}/").json()["id"] == assessment.pk


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"2.2": 9}, "2.2", "“9” is not a level: choose a whole number from 0 (not yet) to 8"),
        ({"9.9": 1}, "9.9", "There is no competence “9.9”"),
    ],
)
def test_a_bad_assessment_answers_400_with_the_reason_per_competence(client, english, change, code, message):
    client.force_login(UserFactory())

    response = client.post(
        f"{BASE}/assessments/", {"ratings": digcomp_levels(3) | change}, content_type="application/json"
    )

    assert response.status_code == 400
    assert message in response.json()["ratings"][code][0]
    assert not DigitalSkillsAssessment.objects.exists()


def test_a_missing_competence_or_no_ratings_at_all_answers_400(client, english):
    client.force_login(UserFactory())
    ratings = digcomp_levels(3)
    del ratings["3.3"]

    missing = client.post(f"{BASE}/assessments/", {"ratings": ratings}, content_type="application/json")
    nothing = client.post(f"{BASE}/assessments/", {}, content_type="application/json")

    assert missing.json() == {"ratings": {"3.3": ["Choose a level for this competence, or “I don't know”."]}}
    assert nothing.status_code == 400 and "ratings" in nothing.json()


def test_the_list_holds_one_s_own_assessments_newest_first(client):
    user = UserFactory()
    old = digcomp_assessment(user, 1, submitted_at=timezone.now() - datetime.timedelta(days=60))
    new = digcomp_assessment(user, 4)
    digcomp_assessment(UserFactory(), 8)
    client.force_login(user)

    body = client.get(f"{BASE}/assessments/").json()

    assert [item["id"] for item in body["results"]] == [new.pk, old.pk]
    assert body["results"][0]["average"] == 4.0


def test_the_schema_documents_the_digital_skills_endpoints(client):
    paths = client.get("/api/schema/", headers={"Accept": "application/json"}).json()["paths"]

    for path in ("framework/", "assessments/", "assessments/{id}/", "aggregates/"):
        assert f"{BASE}/{path}" in paths
    assert "post" in paths[f"{BASE}/assessments/"]


def test_the_group_results_need_a_programme(client, english):
    client.force_login(UserFactory(role="fabrique"))

    response = client.get(f"{BASE}/aggregates/")

    assert response.status_code == 400
    assert response.json() == {"programme": ["Give the programme's code, for example programme=cjs."]}
