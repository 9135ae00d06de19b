"""Group results of the self-assessments: exact numbers, nobody named, small groups suppressed, each staff
member their own scope."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import selectors
from lms.selectors import Suppression
from programmes.choices import EnrolmentStatus
from tests.lms.factories import digcomp_assessment
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "roles")]


def member(cohort, *, status=EnrolmentStatus.ACTIVE, first_name="Membre", last_name=None):
    user = UserFactory(role="learner")
    person = PersonFactory(user=user, first_name=first_name, last_name=last_name or user.username)
    EnrolmentFactory(person=person, cohort=cohort, status=status)
    return user


def respondents(cohort, count: int, level: int = 3) -> list:
    users = [member(cohort) for _ in range(count)]
    for user in users:
        digcomp_assessment(user, level)
    return users


@pytest.fixture
def hand_computed():
    """A cohort of 11 respondents whose answers give round numbers (see each test)."""
    cohort = CohortFactory(name="CJS Nantes Bellevue")
    users = [member(cohort, last_name=f"Dupont{index}") for index in range(11)]
    # Nine members rate every competence 0, 1, … 8; the first one rated 8 before (only the latest counts).
    digcomp_assessment(users[0], 8, submitted_at=timezone.now() - datetime.timedelta(days=90))
    for level, user in enumerate(users[:9]):
        digcomp_assessment(user, level)
    digcomp_assessment(users[9], None)  # "I don't know" everywhere: a respondent with no level
    digcomp_assessment(users[10], 8, area1=None)  # 8 everywhere except area 1, unknown
    # Not counted: an applicant, a member of another cohort, someone in no cohort.
    digcomp_assessment(member(cohort, status=EnrolmentStatus.APPLIED), 0)
    digcomp_assessment(member(CohortFactory(edition=cohort.edition)), 0)
    digcomp_assessment(UserFactory(), 0)
    return cohort


def test_the_figures_of_a_group_match_a_hand_computation(hand_computed):
    cohort = hand_computed
    results = selectors.digital_skills_aggregates(
        UserFactory(role="fabrique"), programme=cohort.edition.programme, year=cohort.edition.year
    )

    group = results.group(f"cohort-{cohort.pk}")
    assert group is not None and group.is_disclosed
    assert group.respondents == 11
    # Area 1: the nine members 0..8 → mean 4. Areas 2-5: the nine plus the one at 8 → (36 + 8) / 10 = 4.4.
    assert group.area_averages == {"1": 4.0, "2": 4.4, "3": 4.4, "4": 4.4, "5": 4.4}
    competences = {item.code: item for item in group.competences}
    assert competences["1.1"].counts == (1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert competences["1.1"].unknown == 2
    assert competences["1.1"].average == 4.0
    assert competences["2.1"].counts == (1, 1, 1, 1, 1, 1, 1, 1, 2)
    assert competences["2.1"].unknown == 1
    assert competences["2.1"].average == pytest.approx(4.4)
    assert all(sum(item.counts) + item.unknown == 11 for item in group.competences)


def test_the_page_shows_the_group_without_naming_anyone(client, hand_computed):
    cohort = hand_computed
    client.force_login(UserFactory(role="fabrique"))

    response = client.get(
        "/learn/digital-skills/groups/",
        {"programme": "cjs", "year": cohort.edition.year, "group": f"cohort-{cohort.pk}"},
    )

    assertContains(response, "CJS Nantes Bellevue")
    assertContains(response, '<td class="number"><strong>4.4</strong></td>', html=True)
    assertNotContains(response, "Dupont")
    assertNotContains(response, "Membre")
    assert 'role="img"' in response.content.decode()


@pytest.mark.parametrize(("count", "shown"), [(10, False), (11, True)])
def test_a_group_under_the_threshold_is_suppressed(client, count, shown):
    cohort = CohortFactory(name="CJS Rezé")
    respondents(cohort, count, level=5)
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)

    results = selectors.digital_skills_aggregates(coordinator, programme=cohort.edition.programme, year=2018)
    response = client.get("/learn/digital-skills/groups/", {"programme": "cjs", "year": "2018"})
    api = client.get("/api/v1/lms/digital-skills/aggregates/", {"programme": "cjs", "edition": "2018"}).json()

    group = results.group(f"cohort-{cohort.pk}")
    cohort_json = next(item for item in api["groups"] if item["key"] == f"cohort-{cohort.pk}")
    if shown:
        assert group.respondents == 11 and group.area_averages["3"] == 5.0
        assert cohort_json["respondents"] == 11 and cohort_json["area_averages"]["3"] == 5.0
        assertContains(response, '<td data-label="Respondents" class="number">11</td>', html=True)
    else:
        assert group.suppression == Suppression.THRESHOLD
        assert group.respondents is None and group.area_averages == {} and group.competences == []
        assert group.respondents_display == "< 11"
        assert cohort_json["suppressed"] is True and cohort_json["suppression"] == "threshold"
        assert cohort_json["respondents"] is None and cohort_json["area_averages"] is None
        assert cohort_json["competences"] is None and cohort_json["respondents_display"] == "< 11"
        assertContains(response, "Not enough respondents (fewer than 11).")
        assertContains(response, "&lt; 11")
        assertNotContains(response, ">10<")


def test_a_total_that_would_reveal_a_small_group_by_subtraction_is_suppressed_too():
    edition = EditionFactory(year=2018)
    large = CohortFactory(edition=edition, name="A")
    small = CohortFactory(edition=edition, name="B")
    respondents(large, 11, level=4)
    respondents(small, 3, level=0)
    fabrique = UserFactory(role="fabrique")

    results = selectors.digital_skills_aggregates(fabrique, programme=edition.programme, year=2018)

    assert results.group(f"cohort-{large.pk}").is_disclosed
    assert results.group(f"cohort-{small.pk}").suppression == Suppression.THRESHOLD
    # 14 respondents in the edition, but 14 minus 11 would give B's three.
    assert results.group("edition-2018").suppression == Suppression.SECONDARY
    assert results.group("programme").suppression == Suppression.SECONDARY

    respondents(CohortFactory(edition=edition, name="C"), 8, level=0)  # B and C together: 11
    results = selectors.digital_skills_aggregates(fabrique, programme=edition.programme, year=2018)

    assert results.group("edition-2018").respondents == 22
    assert results.group("programme").is_disclosed


def test_a_facilitator_sees_their_cohorts_only_and_another_cohort_is_not_found(client):
    mine = CohortFactory(name="CJS Mine")
    theirs = CohortFactory(name="CJS Theirs", edition=mine.edition)
    respondents(mine, 11)
    respondents(theirs, 12)
    facilitator = FacilitatorAssignmentFactory(cohort=mine).user
    client.force_login(facilitator)

    response = client.get("/learn/digital-skills/groups/", {"programme": "cjs", "year": "2018"})

    assertContains(response, "CJS Mine")
    assertNotContains(response, "CJS Theirs")
    assert [group.key for group in response.context["aggregates"].groups] == [
        "programme",
        "edition-2018",
        f"cohort-{mine.pk}",
    ]
    assert response.context["aggregates"].group("edition-2018").respondents == 11
    group = {"programme": "cjs", "year": "2018", "group": f"cohort-{theirs.pk}"}
    assert client.get("/learn/digital-skills/groups/", group).status_code == 404
    api = {"programme": "cjs", "edition": "2018", "group": f"cohort-{theirs.pk}"}
    assert client.get("/api/v1/lms/digital-skills/aggregates/", api).status_code == 404


def test_a_facilitator_of_another_cohort_gets_nothing_of_a_cohort_they_do_not_run(client):
    cohort = CohortFactory()
    respondents(cohort, 11)
    elsewhere = CohortFactory(name="Elsewhere")
    client.force_login(FacilitatorAssignmentFactory(cohort=elsewhere).user)

    api = client.get("/api/v1/lms/digital-skills/aggregates/", {"programme": "cjs", "edition": "2018"}).json()

    assert [group["key"] for group in api["groups"]] == [
        "programme",
        "edition-2018",
        f"cohort-{elsewhere.pk}",
    ]
    assert all(group["respondents"] is None for group in api["groups"])
    assert f"cohort-{cohort.pk}" not in {group["key"] for group in api["groups"]}


def test_a_coordinator_sees_the_cohorts_of_their_regions_only(client):
    inside = CohortFactory(name="CJS Nantes", department=department("44"))
    outside = CohortFactory(name="CJS Lille", department=department("59"), edition=inside.edition)
    respondents(inside, 11)
    respondents(outside, 11)
    coordinator = CoordinatorScopeFactory(regions=[region("52")]).user
    client.force_login(coordinator)

    response = client.get("/learn/digital-skills/groups/", {"programme": "cjs"})

    assertContains(response, "CJS Nantes")
    assertNotContains(response, "CJS Lille")
    assert response.context["aggregates"].group("programme").respondents == 11
    assert client.get("/learn/digital-skills/groups/", {"group": f"cohort-{outside.pk}"}).status_code == 404
    assert client.get("/api/v1/lms/digital-skills/aggregates/", {"programme": "flashcoop"}).status_code == 404


def test_learners_and_partners_get_no_group_results(client):
    cohort = CohortFactory()
    users = respondents(cohort, 11)

    for user in (users[0], UserFactory(role="partner")):
        client.force_login(user)
        assert client.get("/learn/digital-skills/groups/").status_code == 403
        assert client.get("/api/v1/lms/digital-skills/aggregates/", {"programme": "cjs"}).status_code == 403


def test_the_coordinator_and_facilitator_spaces_link_to_the_group_results(client):
    cohort = CohortFactory()
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)
    assertContains(client.get("/coordinate/"), "/learn/digital-skills/groups/?programme=cjs&amp;year=2018")

    client.force_login(FacilitatorAssignmentFactory(cohort=cohort).user)
    assertContains(client.get("/facilitate/"), 'href="/learn/digital-skills/groups/"')


@pytest.mark.parametrize("path", ["/learn/digital-skills/groups/", "/api/v1/lms/digital-skills/aggregates/"])
def test_the_group_results_run_the_same_queries_for_5_and_50_respondents(client, path):
    params = {"programme": "cjs", "year": "2018", "edition": "2018"}

    def count(people: int) -> int:
        fabrique = UserFactory(role="fabrique")
        cohorts = [CohortFactory() for _ in range(people // 5)]
        for index in range(people):
            digcomp_assessment(member(cohorts[index % len(cohorts)]), index % 9)
        client.force_login(fabrique)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200
        return len(queries)

    assert count(5) == count(50)
