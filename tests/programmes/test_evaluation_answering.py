import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from programmes.choices import Wave
from programmes.evaluation import selectors, services
from programmes.models import Answer, Invitation, Item, Response
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def member():
    return EnrolmentFactory(cohort=CohortFactory(), completed=True, person__first_name="Lina")


@pytest.fixture
def campaign(member):
    return ef.campaign([member.cohort])


@pytest.fixture
def link(member, campaign):
    invitation, token = ef.invitation(member, campaign, wave=Wave.T1)
    return invitation, f"/q/{token}/"


FULL_ANSWERS = {
    "se1__then": "a2",
    "se2__then": "a3",
    "se1": "a4",
    "se2": "a1",
    "first_job": "yes",
    "heard": "friend",
    "skills": ["sales", "manual"],
    "hours": "12,5",
    "word": "Great summer",
    "priorities__rank__money": "2",
    "priorities__rank__learning": "1",
    "priorities__rank__friends": "3",
    "action": "submit",
}


def _item(code: str) -> Item:
    return Item.objects.prefetch_related("options").get(code=code)


# --- Typed answers ------------------------------------------------------------------------------------


def test_each_kind_of_answer_is_stored_typed(member, campaign):
    ef.questionnaire()  # the campaign's questionnaire
    assert services.clean_answer(_item("se2"), "A2") == services.AnswerValue(option_codes=("a2",), score=2)
    assert services.clean_answer(_item("heard"), "school") == services.AnswerValue(option_codes=("school",))
    assert services.clean_answer(_item("first_job"), "oui") == services.AnswerValue(option_codes=("yes",))
    assert services.clean_answer(_item("skills"), ["manual", "sales"]).option_codes == ("sales", "manual")
    assert services.clean_answer(_item("hours"), "1 200,5").number == Decimal("1200.5")
    assert services.clean_answer(_item("word"), "  Hi ").text == "Hi"
    ranking = services.clean_answer(_item("priorities"), ["friends", "money", "learning"])
    assert ranking.option_codes == ("friends", "money", "learning")
    assert services.clean_answer(_item("se1"), "nsp") == services.AnswerValue(is_no_opinion=True)
    assert services.clean_answer(_item("hours"), "NSP").is_no_opinion
    assert services.clean_answer(_item("skills"), []) is None
    assert services.clean_answer(_item("word"), "   ") is None


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("se2", "nsp", "“No opinion” is not offered"),
        ("se1", "a9", "“a9” is not one of: a1, a2, a3, a4."),
        ("se1", ["a1", "a2"], "Choose one answer."),
        ("first_job", "maybe", "Answer yes or no."),
        ("skills", ["sales", "sales"], "Each option only once."),
        ("skills", ["sales", "nsp"], "cannot go with another answer"),
        ("hours", "twelve", "is not a number"),
        ("hours", "1.23456", "At most four decimals."),
        ("priorities", ["money", "learning"], "Rank every option"),
        ("priorities", ["money", "learning", "money"], "Each option only once."),
        ("word", "x" * 2001, "At most 2000 characters."),
    ],
)
def test_answers_that_do_not_fit_the_item_are_refused(code, value, message):
    ef.questionnaire()

    with pytest.raises(ValidationError, match=message):
        services.clean_answer(_item(code), value)


# --- Personal link ------------------------------------------------------------------------------------


def test_the_personal_link_shows_the_questionnaire_with_the_before_block(client, link):
    response = client.get(link[1])

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert 'id="block-before"' in html and 'id="block-now"' in html
    assert html.count("<fieldset") == 10  # two retrospective items asked twice, six more now
    assert 'name="se1__then"' in html
    assert 'value="nsp"' in html
    assert 'name="priorities__rank__money"' in html
    assert "Lina" not in html  # nothing about the person, let alone anyone else


def test_save_partway_then_come_back_and_submit(client, link, member):
    invitation, url = link

    saved = client.post(
        url, {"se1": "a3", "skills": ["accounts"], "hours": "nsp", "action": "save"}, follow=True
    )

    assert saved.redirect_chain == [(url, 302)]
    assertContains(saved, "Your answers are saved")
    response = Response.objects.get()
    assert response.submitted_at is None
    assert response.source == "link"
    assert response.cohort == member.cohort
    assert response.campaign == invitation.campaign
    page = client.get(url).content.decode()
    assert 'value="a3" checked' in page
    assert 'value="accounts" checked' in page

    submitted = client.post(url, FULL_ANSWERS)

    assert submitted.status_code == 302
    assert submitted["Location"] == "/q/thanks/"
    response.refresh_from_db()
    assert response.submitted_at is not None
    answers = {
        (answer.item.code, answer.is_retrospective): answer
        for answer in response.answers.select_related("item")
    }
    assert answers[("se1", True)].score == 2
    assert answers[("se1", False)].option_codes == ["a4"]
    assert answers[("hours", False)].number == Decimal("12.5")
    assert answers[("priorities", False)].option_codes == ["learning", "money", "friends"]
    assert answers[("skills", False)].option_codes == ["sales", "manual"]
    invitation.refresh_from_db()
    assert invitation.submitted_at == response.submitted_at


def test_a_used_link_says_so_and_changes_nothing(client, link):
    _invitation, url = link
    client.post(url, FULL_ANSWERS)

    again = client.get(url)
    resubmitted = client.post(url, {**FULL_ANSWERS, "word": "Changed"})

    assert again.status_code == 410
    assertContains(again, "already answered", status_code=410)
    assert resubmitted.status_code == 410
    assert Answer.objects.get(item__code="word").text == "Great summer"


def test_an_expired_link_and_an_unknown_one_are_refused(client, member, campaign):
    _invitation, token = ef.invitation(member, campaign, expires_in=datetime.timedelta(seconds=-1))

    expired = client.get(f"/q/{token}/")
    unknown = client.get("/q/not-a-real-token/")

    assert expired.status_code == 410
    assertContains(expired, "closed", status_code=410)
    assert unknown.status_code == 404
    assert not Response.objects.exists()


def test_another_persons_link_opens_only_their_own_response(client, member, campaign):
    other = EnrolmentFactory(cohort=member.cohort, completed=True)
    _mine, my_token = ef.invitation(member, campaign)
    _theirs, their_token = ef.invitation(other, campaign)
    client.post(f"/q/{their_token}/", {"word": "Their secret", "action": "save"})

    page = client.get(f"/q/{my_token}/")

    assertNotContains(page, "Their secret")
    client.post(f"/q/{my_token}/", {"word": "Mine", "action": "save"})
    assert dict(Response.objects.values_list("person_id", "answers__text")) == {
        other.person_id: "Their secret",
        member.person_id: "Mine",
    }


def test_a_required_question_blocks_submission_not_saving(client, member):
    data = ef.spec(slug="required")
    data["items"][6]["required"] = True
    campaign = ef.campaign([member.cohort], of=ef.questionnaire(data))
    _invitation, token = ef.invitation(member, campaign)
    url = f"/q/{token}/"

    assert client.post(url, {"se1": "a1", "action": "save"}).status_code == 302
    refused = client.post(url, {"se1": "a1", "action": "submit"})

    assert refused.status_code == 400
    assertContains(refused, "This question needs an answer.", status_code=400)
    assert Response.objects.get().submitted_at is None


def test_a_ranking_must_be_a_permutation(client, link):
    url = link[1]

    refused = client.post(
        url,
        {
            "priorities__rank__money": "1",
            "priorities__rank__learning": "1",
            "priorities__rank__friends": "2",
            "action": "save",
        },
    )
    partial = client.post(url, {"priorities__rank__money": "1", "action": "save"})

    assert refused.status_code == 400
    assertContains(refused, "Give each option a different rank, from 1 to 3.", status_code=400)
    assertContains(refused, 'value="1" selected', status_code=400)
    assert partial.status_code == 400
    assert not Answer.objects.exists()


def test_wrong_values_are_reported_next_to_their_question(client, link):
    response = client.post(link[1], {"hours": "lots", "se1": "a1", "action": "save"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "“lots” is not a number." in html
    assert 'href="#q-hours"' in html
    assert not Response.objects.exists()


# --- One response per person and wave -----------------------------------------------------------------


def test_the_database_keeps_one_response_per_person_and_wave(member, campaign):
    Response.objects.create(
        questionnaire=campaign.questionnaire, wave=Wave.T1, person=member.person, source="link"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            questionnaire=campaign.questionnaire, wave=Wave.T1, person=member.person, source="account"
        )
    Response.objects.create(
        questionnaire=campaign.questionnaire, wave=Wave.T0, person=member.person, source="link"
    )
    assert Response.objects.count() == 2


def test_answering_logged_in_and_by_link_fill_the_same_response(client, member, campaign, roles):
    member.person.user = UserFactory(role="learner")
    member.person.save()
    invitation, token = ef.invitation(member, campaign)
    client.post(f"/q/{token}/", {"se1": "a2", "action": "save"})
    client.force_login(member.person.user)

    listing = client.get("/evaluation/")
    assertContains(listing, campaign.questionnaire.title)
    page = client.get(f"/evaluation/{invitation.pk}/")
    assertContains(page, 'value="a2" checked')
    client.post(f"/evaluation/{invitation.pk}/", {**FULL_ANSWERS})

    response = Response.objects.get()
    assert response.submitted_at is not None
    assert response.source == "account"
    assert client.get(f"/q/{token}/").status_code == 410
    assert client.get(f"/evaluation/{invitation.pk}/").status_code == 410
    assertNotContains(client.get("/evaluation/"), campaign.questionnaire.title)


def test_the_learner_space_lists_the_questionnaires_waiting(client, member, campaign, roles):
    member.person.user = UserFactory(role="learner")
    member.person.save()
    ef.invitation(member, campaign)
    client.force_login(member.person.user)

    assertContains(client.get("/learn/"), "Questionnaires waiting for you")


def test_nobody_opens_another_persons_invitation_logged_in(client, member, campaign, roles):
    invitation, _token = ef.invitation(member, campaign)
    intruder = PersonFactory(user=UserFactory(role="learner"))
    client.force_login(intruder.user)

    assert client.get(f"/evaluation/{invitation.pk}/").status_code == 404
    assert client.post(f"/evaluation/{invitation.pk}/", FULL_ANSWERS).status_code == 404
    assert not Response.objects.exists()


def test_an_answer_sent_after_closing_is_refused(member, campaign):
    invitation, _token = ef.invitation(member, campaign)

    with pytest.raises(services.LinkError):
        services.answer_invitation(
            invitation=invitation,
            values={("se1", False): "a1"},
            submit=True,
            source="link",
            now=timezone.now() + datetime.timedelta(days=11),
        )


def test_the_form_layout_has_the_before_block_only_at_t1_with_the_option(member):
    questionnaire = selectors.questionnaire_with_items(ef.questionnaire().pk)

    at_t1 = selectors.form_layout(questionnaire, Wave.T1, has_retrospective=True)
    at_t0 = selectors.form_layout(questionnaire, Wave.T0, has_retrospective=True)
    without = selectors.form_layout(questionnaire, Wave.T1, has_retrospective=False)

    assert [asked.field_name for asked in at_t1.retrospective] == ["se1__then", "se2__then"]
    assert at_t0.retrospective == [] and without.retrospective == []
    assert len(at_t1.current) == 8
    assert Invitation.objects.count() == 0
