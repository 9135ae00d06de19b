"""Follow-ups at +3 and +6 months: scheduling, e-mails, reminders and unreachable, with time travel;
and the personal link: wrong, expired or reused tokens are refused, the page shows nobody."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail

import pytest

from flashcoop import services, tasks
from flashcoop.choices import FollowUpStatus, Situation, Wave
from flashcoop.models import FollowUp
from flashcoop.selectors import add_months, hash_token
from tests.flashcoop.factories import ExitFactory, FollowUpFactory, ParticipantFactory
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PARIS = ZoneInfo("Europe/Paris")
EXIT_DATE = datetime.date(2019, 3, 15)
LINK = re.compile(r"https?://[^\s]+/flashcoop/follow-up/([\w-]+)/")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def run(day: datetime.date, django_capture_on_commit_callbacks) -> dict[str, int]:
    """One daily round of the beat task on `day`, e-mails sent (time travel by patching now)."""
    with (
        mock.patch("django.utils.timezone.now", return_value=at(day)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return tasks.run_follow_ups.delay().get()


@pytest.fixture
def participant():
    exit_ = ExitFactory(enrolment=ParticipantFactory(person__first_name="Aïcha"), exit_date=EXIT_DATE)
    return exit_.enrolment


def token_of(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_add_months_clamps_to_the_end_of_shorter_months():
    assert add_months(datetime.date(2019, 8, 31), 3) == datetime.date(2019, 11, 30)
    assert add_months(datetime.date(2019, 11, 30), 3) == datetime.date(2020, 2, 29)
    assert add_months(datetime.date(2019, 3, 15), -6) == datetime.date(2018, 9, 15)


def test_nothing_is_due_before_three_months(participant, django_capture_on_commit_callbacks):
    counts = run(datetime.date(2019, 6, 14), django_capture_on_commit_callbacks)

    assert counts["created"] == 0
    assert not FollowUp.objects.exists()
    assert mail.outbox == []


def test_the_three_month_follow_up_is_created_and_e_mailed_once_with_a_personal_link(
    participant, django_capture_on_commit_callbacks
):
    counts = run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)
    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)  # a retry the same day

    follow_up = FollowUp.objects.get()
    assert counts == {"created": 1, "sent": 1, "reminded": 0, "unreachable": 0}
    assert (follow_up.wave, follow_up.due_date, follow_up.status) == (
        Wave.M3,
        datetime.date(2019, 6, 15),
        FollowUpStatus.SENT,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [participant.person.email]
    token = token_of(mail.outbox[0])
    assert len(token) >= 43
    assert follow_up.token_hash == hash_token(token) != token
    assert token not in str(FollowUp.objects.values_list().get())
    assert follow_up.expires_at == at(datetime.date(2019, 6, 15)) + datetime.timedelta(days=30)


def test_a_reminder_after_seven_days_then_unreachable_after_seven_more(
    participant, django_capture_on_commit_callbacks
):
    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)
    first_token = token_of(mail.outbox[0])

    run(datetime.date(2019, 6, 21), django_capture_on_commit_callbacks)
    assert FollowUp.objects.get().status == FollowUpStatus.SENT
    assert len(mail.outbox) == 1

    run(datetime.date(2019, 6, 22), django_capture_on_commit_callbacks)
    run(datetime.date(2019, 6, 22), django_capture_on_commit_callbacks)
    follow_up = FollowUp.objects.get()
    assert follow_up.status == FollowUpStatus.REMINDED
    assert len(mail.outbox) == 2
    assert "Reminder" in mail.outbox[1].subject
    second_token = token_of(mail.outbox[1])
    assert second_token != first_token
    assert follow_up.token_hash == hash_token(second_token)

    run(datetime.date(2019, 6, 28), django_capture_on_commit_callbacks)
    assert FollowUp.objects.get().status == FollowUpStatus.REMINDED
    run(datetime.date(2019, 6, 29), django_capture_on_commit_callbacks)
    assert FollowUp.objects.get().status == FollowUpStatus.UNREACHABLE
    assert len(mail.outbox) == 2


def test_the_six_month_follow_up_comes_three_months_later(participant, django_capture_on_commit_callbacks):
    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)
    run(datetime.date(2019, 9, 15), django_capture_on_commit_callbacks)

    assert dict(FollowUp.objects.values_list("wave", "due_date")) == {
        Wave.M3: datetime.date(2019, 6, 15),
        Wave.M6: datetime.date(2019, 9, 15),
    }
    assert FollowUp.objects.get(wave=Wave.M6).status == FollowUpStatus.SENT


def test_follow_ups_count_from_the_cohort_end_without_an_exit(django_capture_on_commit_callbacks):
    enrolment = ParticipantFactory(status="active")  # the cohort ended on 15 March 2019

    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)

    assert FollowUp.objects.get().enrolment == enrolment


def test_old_exits_are_not_written_to_years_later(participant, django_capture_on_commit_callbacks):
    run(datetime.date(2026, 1, 10), django_capture_on_commit_callbacks)

    assert not FollowUp.objects.exists()
    assert mail.outbox == []


def test_without_an_e_mail_a_follow_up_waits_for_a_phone_call_then_is_unreachable(
    django_capture_on_commit_callbacks,
):
    ExitFactory(enrolment=ParticipantFactory(person__email=""), exit_date=EXIT_DATE)

    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)
    assert FollowUp.objects.get().status == FollowUpStatus.SCHEDULED
    run(datetime.date(2019, 6, 29), django_capture_on_commit_callbacks)

    assert FollowUp.objects.get().status == FollowUpStatus.UNREACHABLE
    assert mail.outbox == []


def test_a_coordinator_records_a_phone_follow_up_instead(participant, roles):
    follow_up = FollowUpFactory(enrolment=participant, wave=Wave.M3, status=FollowUpStatus.REMINDED)
    coordinator = UserFactory(role="fabrique")

    services.record_phone_follow_up(
        enrolment=participant, wave=Wave.M3, situation=Situation.EMPLOYMENT, note="CDD", by=coordinator
    )

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.PHONED
    assert follow_up.recorded_by == coordinator
    assert follow_up.situation == Situation.EMPLOYMENT


# --- The personal link ----------------------------------------------------------------------------------


@pytest.fixture
def sent(participant, django_capture_on_commit_callbacks):
    """The +3-month follow-up, e-mailed on 15 June 2019; returns its token."""
    run(datetime.date(2019, 6, 15), django_capture_on_commit_callbacks)
    return token_of(mail.outbox[-1])


def on(day: datetime.date):
    return mock.patch("django.utils.timezone.now", return_value=at(day))


def test_the_link_shows_a_short_form_and_nothing_about_anyone(client, sent, participant):
    other = ParticipantFactory(cohort=participant.cohort, person__last_name="Zerbib")

    with on(datetime.date(2019, 6, 16)):
        response = client.get(f"/flashcoop/follow-up/{sent}/")

    assert response.status_code == 200
    content = response.content.decode()
    for text in [
        participant.person.first_name,
        participant.person.last_name,
        participant.person.email,
        participant.cohort.name,
        other.person.last_name,
    ]:
        assert text not in content
    assert 'name="situation"' in content
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_participant_answers_once_and_the_reused_link_is_refused(client, sent, participant):
    with on(datetime.date(2019, 6, 17)):
        response = client.post(
            f"/flashcoop/follow-up/{sent}/", {"situation": Situation.EMPLOYMENT, "note": "CDI depuis mai"}
        )
        assert response.status_code == 302
        again = client.post(f"/flashcoop/follow-up/{sent}/", {"situation": Situation.OTHER})
        opened = client.get(f"/flashcoop/follow-up/{sent}/")

    follow_up = FollowUp.objects.get()
    assert (follow_up.status, follow_up.situation, follow_up.situation_note) == (
        FollowUpStatus.ANSWERED,
        Situation.EMPLOYMENT,
        "CDI depuis mai",
    )
    assert again.status_code == opened.status_code == 410
    assert "already answered" in opened.content.decode()


def test_a_wrong_token_is_refused(client, sent):
    for token in [sent[:-1] + ("A" if sent[-1] != "A" else "B"), "x", hash_token(sent)]:
        response = client.get(f"/flashcoop/follow-up/{token}/")
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert FollowUp.objects.get().status == FollowUpStatus.SENT


def test_an_expired_link_is_refused(client, sent):
    with on(datetime.date(2019, 7, 16)):
        response = client.post(f"/flashcoop/follow-up/{sent}/", {"situation": Situation.EMPLOYMENT})

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert FollowUp.objects.get().status == FollowUpStatus.SENT


def test_the_first_link_stops_working_once_the_reminder_sent_a_new_one(
    client, sent, django_capture_on_commit_callbacks
):
    run(datetime.date(2019, 6, 22), django_capture_on_commit_callbacks)
    new_token = token_of(mail.outbox[-1])

    with on(datetime.date(2019, 6, 23)):
        assert client.get(f"/flashcoop/follow-up/{sent}/").status_code == 404
        assert client.get(f"/flashcoop/follow-up/{new_token}/").status_code == 200


def test_an_unanswered_form_says_what_is_missing(client, sent):
    with on(datetime.date(2019, 6, 16)):
        response = client.post(f"/flashcoop/follow-up/{sent}/", {})

    assert response.status_code == 200
    assert "Choose the answer closest to your situation." in response.content.decode()
