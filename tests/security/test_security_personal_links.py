"""Personal links (Flashcoop follow-ups at +3/+6 months) cannot be guessed, reused or used by someone
else: 256-bit random tokens stored only as a SHA-256, good for one answer to one follow-up, throttled."""

import datetime
import math
import re
import secrets
import string
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail

import pytest

from flashcoop import tasks
from flashcoop.choices import FollowUpStatus, Situation
from flashcoop.models import FollowUp
from flashcoop.selectors import hash_token
from tests.flashcoop.factories import ExitFactory, ParticipantFactory
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
LINK = re.compile(r"https?://[^\s]+/flashcoop/follow-up/([\w-]+)/")
URLSAFE = set(string.ascii_letters + string.digits + "-_")


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS)


@pytest.fixture
def links(django_capture_on_commit_callbacks) -> dict[int, str]:
    """Two participants of the same Flashcoop, each e-mailed their +3-month link: follow-up id -> token."""
    for name in ["Aïcha", "Bruno"]:
        ExitFactory(
            enrolment=ParticipantFactory(person__first_name=name), exit_date=datetime.date(2019, 3, 15)
        )
    with (
        mock.patch("django.utils.timezone.now", return_value=at(datetime.date(2019, 6, 15))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.run_follow_ups.delay().get()
    tokens = {}
    for message in mail.outbox:
        token = LINK.search(message.body).group(1)
        tokens[FollowUp.objects.get(token_hash=hash_token(token)).pk] = token
    assert len(tokens) == 2
    return tokens


def on_day(day: datetime.date):
    return mock.patch("django.utils.timezone.now", return_value=at(day))


def test_tokens_carry_at_least_128_random_bits_and_only_their_hash_is_stored(links):
    for pk, token in links.items():
        assert set(token) <= URLSAFE
        assert len(token) * math.log2(len(URLSAFE)) >= 128
        stored = FollowUp.objects.get(pk=pk)
        assert stored.token_hash == hash_token(token)
        assert token not in str(FollowUp.objects.filter(pk=pk).values().get())
    assert len(set(links.values())) == 2


def test_guessed_tokens_find_nothing_and_guessing_is_throttled(client, links, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "personal_link": "10/h",
        },
    }
    answers = [
        client.get(f"/flashcoop/follow-up/{secrets.token_urlsafe(32)}/").status_code for _ in range(10)
    ]
    eleventh = client.get(f"/flashcoop/follow-up/{secrets.token_urlsafe(32)}/")
    real_one_meanwhile = client.get(f"/flashcoop/follow-up/{next(iter(links.values()))}/")

    assert answers == [404] * 10
    assert eleventh.status_code == 429
    assert real_one_meanwhile.status_code == 429  # the address is throttled whatever it asks for
    other_address = client.get(
        f"/flashcoop/follow-up/{secrets.token_urlsafe(32)}/", REMOTE_ADDR="198.51.100.4"
    )
    assert other_address.status_code == 404


def test_a_link_answers_its_own_follow_up_only_once(client, links):
    (first_pk, first_token), (second_pk, _second_token) = links.items()

    with on_day(datetime.date(2019, 6, 16)):
        answered = client.post(
            f"/flashcoop/follow-up/{first_token}/", {"situation": Situation.EDUCATION_TRAINING}
        )
        reused = client.post(f"/flashcoop/follow-up/{first_token}/", {"situation": Situation.EMPLOYMENT})

    assert answered.status_code == 302
    assert reused.status_code == 410
    assert FollowUp.objects.get(pk=first_pk).situation == Situation.EDUCATION_TRAINING
    other = FollowUp.objects.get(pk=second_pk)
    assert (other.status, other.situation) == (FollowUpStatus.SENT, "")


def test_someone_else_logged_in_cannot_turn_a_link_to_another_follow_up(client, links):
    """The link is the only credential: a session (here the other participant's) changes nothing, and
    the page shows no name, so a forwarded link reveals nobody."""
    (first_pk, first_token), (second_pk, second_token) = links.items()
    someone = FollowUp.objects.get(pk=second_pk).enrolment.person
    client.force_login(UserFactory(username="someone-else"))

    with on_day(datetime.date(2019, 6, 16)):
        page = client.get(f"/flashcoop/follow-up/{first_token}/")
        client.post(
            f"/flashcoop/follow-up/{first_token}/",
            {"situation": Situation.EMPLOYMENT, "follow_up": second_pk, "token": second_token},
        )
        second_link = client.get(f"/flashcoop/follow-up/{second_token}/")

    assert someone.first_name not in page.content.decode()
    assert FollowUp.objects.get(pk=first_pk).status == FollowUpStatus.ANSWERED
    assert FollowUp.objects.get(pk=second_pk).status == FollowUpStatus.SENT
    assert second_link.status_code == 200  # still waiting for its own participant


def test_an_expired_link_stops_working(client, links):
    token = next(iter(links.values()))

    with on_day(datetime.date(2019, 8, 1)):
        response = client.get(f"/flashcoop/follow-up/{token}/")

    assert response.status_code == 410
