from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from programmes.choices import Wave
from programmes.evaluation import selectors, services
from programmes.models import Answer, AuditEntry, Item, Response
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PartnerContactFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
    department,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _respond(enrolment, campaign, *, word="Secret words", wave=Wave.T1, submitted=True) -> Response:
    response = Response.objects.create(
        questionnaire=campaign.questionnaire,
        wave=wave,
        campaign=campaign,
        cohort=enrolment.cohort,
        person=enrolment.person,
        source="link",
        submitted_at=timezone.now() if submitted else None,
    )
    Answer.objects.create(response=response, item=Item.objects.get(code="word"), text=word)
    Answer.objects.create(response=response, item=Item.objects.get(code="se1"), option_codes=["a2"], score=2)
    return response


@pytest.fixture
def nantes():
    return CohortFactory(name="CJS Nantes")


@pytest.fixture
def lille():
    return CohortFactory(name="CJS Lille", department=department("59"))


@pytest.fixture
def campaign(nantes, lille):
    return ef.campaign([nantes, lille])


def test_responses_are_seen_by_who_runs_the_cohort_and_by_the_respondent(nantes, lille, campaign, roles):
    mine = EnrolmentFactory(cohort=nantes, person__user=UserFactory(role="learner"))
    theirs = EnrolmentFactory(cohort=lille)
    in_nantes, in_lille = _respond(mine, campaign), _respond(theirs, campaign)
    anonymous = Response.objects.create(
        questionnaire=campaign.questionnaire, wave=Wave.T0, respondent_ref="paper-1", source="import"
    )
    facilitator = FacilitatorAssignmentFactory(cohort=nantes).user
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme).user  # region 52 only
    contact = PartnerContactFactory()
    PartnershipFactory(cohort=nantes, organisation=contact.organisation)
    partner = contact.user

    assert set(selectors.visible_responses(facilitator)) == {in_nantes}
    assert set(selectors.visible_responses(coordinator)) == {in_nantes}
    assert set(selectors.visible_responses(mine.person.user)) == {in_nantes}
    assert set(selectors.visible_responses(UserFactory(role="learner"))) == set()
    assert set(selectors.visible_responses(partner)) == set()
    assert set(selectors.visible_responses(UserFactory(role="fabrique"))) == {in_nantes, in_lille, anonymous}


def test_a_facilitator_of_another_cohort_sees_no_rates_of_this_one(client, nantes, lille, roles):
    only_lille = ef.campaign([lille])
    facilitator = FacilitatorAssignmentFactory(cohort=nantes).user
    client.force_login(facilitator)

    assert client.get(f"/coordinate/evaluation/{only_lille.pk}/").status_code == 404
    assertNotContains(client.get("/coordinate/evaluation/"), only_lille.name + "<")


def test_the_rates_page_counts_the_users_cohorts_only_and_shows_no_answer(
    client, nantes, lille, campaign, roles
):
    members = EnrolmentFactory.create_batch(3, cohort=nantes)
    for member in members:
        ef.invitation(member, campaign)
    _respond(members[0], campaign)
    _respond(members[1], campaign, submitted=False)
    _respond(EnrolmentFactory(cohort=lille), campaign)
    client.force_login(FacilitatorAssignmentFactory(cohort=nantes).user)

    page = client.get(f"/coordinate/evaluation/{campaign.pk}/")

    assert page.status_code == 200
    rows = {(row.cohort.name, row.wave): row for row in page.context["rows"]}
    assert set(rows) == {("CJS Nantes", "T0"), ("CJS Nantes", "T1")}
    t1 = rows[("CJS Nantes", "T1")]
    assert (t1.invited, t1.sent, t1.started, t1.submitted) == (3, 3, 2, 1)
    assertNotContains(page, "Secret words")
    assertNotContains(page, "CJS Lille")
    assertNotContains(page, members[0].person.last_name)


def test_the_admin_lists_only_the_responses_of_the_coordinators_scope(client, nantes, lille, campaign, roles):
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme).user
    in_nantes = _respond(EnrolmentFactory(cohort=nantes), campaign)
    in_lille = _respond(EnrolmentFactory(cohort=lille), campaign)
    client.force_login(coordinator)

    listing = client.get(reverse("evaluation_responses:index"))
    assert listing.status_code == 200
    assert list(listing.context["object_list"]) == [in_nantes]
    assertNotContains(listing, "Secret words")
    assert client.get(reverse("evaluation_responses:inspect", args=[in_lille.pk])).status_code == 404
    page = client.get(reverse("evaluation_responses:inspect", args=[in_nantes.pk]))
    assertContains(page, "Secret words")
    assert "no-store" in page["Cache-Control"]
    assert AuditEntry.objects.filter(action="evaluation.response.view").count() == 1
    assert client.get(reverse("evaluation_responses:add")).status_code in (302, 403)


def test_the_national_team_reads_anonymous_responses_without_a_cohort(client, campaign, roles):
    anonymous = Response.objects.create(
        questionnaire=campaign.questionnaire, wave=Wave.T0, respondent_ref="paper-1", source="import"
    )
    Answer.objects.create(response=anonymous, item=Item.objects.get(code="word"), text="Paper words")
    coordinator = CoordinatorScopeFactory(programme=campaign.edition.programme).user

    client.force_login(coordinator)
    assert client.get(reverse("evaluation_responses:inspect", args=[anonymous.pk])).status_code == 404
    client.force_login(UserFactory(role="fabrique"))
    assertContains(client.get(reverse("evaluation_responses:inspect", args=[anonymous.pk])), "Paper words")


def test_the_campaign_admin_offers_only_the_coordinators_cohorts(client, nantes, lille, campaign, roles):
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme).user
    only_lille = ef.campaign([lille])
    client.force_login(coordinator)

    listing = client.get(reverse("evaluation_campaigns:index"))
    assert [row.pk for row in listing.context["object_list"]] == [campaign.pk]
    assert client.get(reverse("evaluation_campaigns:edit", args=[only_lille.pk])).status_code == 404
    form = client.get(reverse("evaluation_campaigns:edit", args=[campaign.pk])).context["form"]
    assert list(form.fields["cohorts"].queryset) == [nantes]


def test_learners_and_partners_have_no_evaluation_admin(client, roles):
    for role in ("learner", "partner", "facilitator"):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse("evaluation_responses:index")).status_code in (302, 403)


# --- Query counts (flat at 5 and 50 rows) -------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def _responses(count: int, nantes, campaign) -> None:
    for enrolment in EnrolmentFactory.create_batch(count, cohort=nantes):
        _respond(enrolment, campaign)


def test_the_admin_responses_listing_runs_a_flat_number_of_queries(client, nantes, campaign, roles):
    client.force_login(CoordinatorScopeFactory(programme=nantes.edition.programme).user)
    _responses(5, nantes, campaign)
    with_5 = _queries(client, reverse("evaluation_responses:index"))
    _responses(45, nantes, campaign)
    with_50 = _queries(client, reverse("evaluation_responses:index"))

    assert with_5 == with_50


def test_the_campaign_screens_run_a_flat_number_of_queries(client, nantes, roles):
    client.force_login(UserFactory(role="fabrique"))
    questionnaire = ef.questionnaire()

    def add_cohorts(count):
        cohorts = CohortFactory.create_batch(count, edition=nantes.edition)
        campaign = ef.campaign(cohorts, of=questionnaire)
        for cohort in cohorts:
            ef.invitation(EnrolmentFactory(cohort=cohort), campaign)
        return campaign

    small = add_cohorts(5)
    list_5, detail_5 = (
        _queries(client, "/coordinate/evaluation/"),
        _queries(client, f"/coordinate/evaluation/{small.pk}/"),
    )
    for _index in range(9):
        add_cohorts(5)
    large = add_cohorts(50)
    list_50, detail_50 = (
        _queries(client, "/coordinate/evaluation/"),
        _queries(client, f"/coordinate/evaluation/{large.pk}/"),
    )

    assert (list_5, detail_5) == (list_50, detail_50)


def test_my_questionnaires_and_the_answer_page_run_a_flat_number_of_queries(client, nantes, roles):
    person = PersonFactory(user=UserFactory(role="learner"))
    client.force_login(person.user)
    questionnaire = ef.questionnaire()

    def invite(count):
        cohorts = CohortFactory.create_batch(count, edition=nantes.edition)
        campaign = ef.campaign(cohorts, of=questionnaire)
        return [
            ef.invitation(EnrolmentFactory(cohort=cohort, person=person), campaign, wave=Wave.T0)[0]
            for cohort in cohorts
        ]

    invitations = invite(5)
    mine_5 = _queries(client, "/evaluation/")
    invite(45)
    mine_50 = _queries(client, "/evaluation/")

    assert mine_5 == mine_50
    assert _queries(client, f"/evaluation/{invitations[0].pk}/") <= 25


def test_the_answer_page_queries_do_not_grow_with_the_items(client, nantes):
    member = EnrolmentFactory(cohort=nantes)

    def page_queries(slug, copies):
        data = ef.spec(slug=slug)
        data["items"] = [
            {**item, "code": f"{item['code']}_{index}"}
            for index in range(copies)
            for item in ef.SPEC["items"]
        ]
        campaign = ef.campaign([nantes], of=ef.questionnaire(data))
        _invitation, token = ef.invitation(member, campaign)
        return _queries(client, f"/q/{token}/")

    assert page_queries("small", 1) == page_queries("large", 6)
    assert services.layout_for  # the page builds its layout through the service


def test_a_coordinator_creates_a_campaign_in_the_admin(client, nantes, lille, roles):
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme).user
    questionnaire = ef.questionnaire()
    client.force_login(coordinator)
    data = {
        "name": "Admin campaign",
        "questionnaire": questionnaire.pk,
        "edition": nantes.edition_id,
        "cohorts": [nantes.pk],
        "is_active": "on",
        "waves-TOTAL_FORMS": "1",
        "waves-INITIAL_FORMS": "0",
        "waves-MIN_NUM_FORMS": "1",
        "waves-MAX_NUM_FORMS": "1000",
        "waves-0-wave": "T1",
        "waves-0-offset_days": "0",
        "waves-0-answer_days": "20",
        "waves-0-remind_after_days": "5",
        "waves-0-has_retrospective": "on",
        "waves-0-ORDER": "1",
    }

    refused = client.post(reverse("evaluation_campaigns:add"), {**data, "cohorts": [lille.pk]})
    created = client.post(reverse("evaluation_campaigns:add"), data)

    assert refused.status_code == 200  # Lille is not offered to this coordinator
    assert created.status_code == 302
    campaign = selectors.visible_campaigns(coordinator).get(name="Admin campaign")
    assert list(campaign.cohorts.all()) == [nantes]
    assert list(campaign.waves.values_list("wave", "answer_days", "has_retrospective")) == [("T1", 20, True)]
    assert campaign.created_by == coordinator


def test_editing_a_shared_campaign_keeps_the_cohorts_of_other_scopes(client, nantes, lille, campaign, roles):
    client.force_login(CoordinatorScopeFactory(programme=nantes.edition.programme).user)
    wave_ids = list(campaign.waves.values_list("pk", "wave"))
    data = {
        "name": "Renamed",
        "questionnaire": campaign.questionnaire_id,
        "edition": campaign.edition_id,
        "cohorts": [nantes.pk],
        "is_active": "on",
        "waves-TOTAL_FORMS": str(len(wave_ids)),
        "waves-INITIAL_FORMS": str(len(wave_ids)),
        "waves-MIN_NUM_FORMS": "1",
        "waves-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, wave) in enumerate(wave_ids):
        data |= {
            f"waves-{index}-id": str(pk),
            f"waves-{index}-wave": wave,
            f"waves-{index}-offset_days": "0",
            f"waves-{index}-answer_days": "30",
            f"waves-{index}-remind_after_days": "7",
            f"waves-{index}-ORDER": str(index + 1),
        }
    data[f"waves-{len(wave_ids) - 1}-has_retrospective"] = "on"

    response = client.post(reverse("evaluation_campaigns:edit", args=[campaign.pk]), data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    assert set(campaign.cohorts.all()) == {nantes, lille}
