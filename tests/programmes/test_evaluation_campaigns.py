import datetime
import re

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from programmes.choices import ConsentKind, EnrolmentStatus, Wave
from programmes.evaluation import selectors, services, tasks
from programmes.models import CampaignWave, Invitation, Response
from programmes.models.evaluation import add_months
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import (
    CohortFactory,
    ConsentFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LINK = re.compile(r"https?://[^\s]+(/q/[\w-]+/)")


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """A service call whose on-commit e-mails leave (tests run inside one transaction)."""

    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.fixture
def cohort():
    return CohortFactory(start_date=datetime.date(2018, 7, 2), end_date=datetime.date(2018, 8, 31))


def test_wave_dates_come_from_the_cohorts_dates(cohort):
    campaign = ef.campaign([cohort], waves=(Wave.T0, Wave.T1, Wave.M3, Wave.M6))
    waves = {wave.wave: wave for wave in campaign.waves.all()}

    assert waves[Wave.T0].due_date_for(cohort) == datetime.date(2018, 7, 2)
    assert waves[Wave.T1].due_date_for(cohort) == datetime.date(2018, 8, 31)
    assert waves[Wave.M3].due_date_for(cohort) == datetime.date(2018, 11, 30)
    assert waves[Wave.M6].due_date_for(cohort) == datetime.date(2019, 2, 28)
    waves[Wave.T1].offset_days = -3
    assert waves[Wave.T1].due_date_for(cohort) == datetime.date(2018, 8, 28)
    cohort.end_date = None
    assert waves[Wave.M6].due_date_for(cohort) is None


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.date(2018, 1, 31), 1) == datetime.date(2018, 2, 28)
    assert add_months(datetime.date(2018, 11, 15), 3) == datetime.date(2019, 2, 15)


def test_a_campaign_needs_a_published_questionnaire_and_one_edition(cohort):
    draft = ef.questionnaire(publish=False)
    with pytest.raises(ValidationError, match="Publish the questionnaire"):
        services.create_campaign(
            name="x", questionnaire=draft, cohorts=[cohort], waves=[services.WaveSetting("T0")]
        )
    other_year = CohortFactory(edition=EditionFactory(year=2019))
    published = ef.questionnaire(ef.spec(slug="other"))
    with pytest.raises(ValidationError, match="one edition"):
        services.create_campaign(
            name="x",
            questionnaire=published,
            cohorts=[cohort, other_year],
            waves=[services.WaveSetting("T0")],
        )
    with pytest.raises(ValidationError):
        services.create_campaign(
            name="x",
            questionnaire=published,
            cohorts=[cohort],
            waves=[services.WaveSetting("T0", has_retrospective=True)],
        )


def test_a_facilitator_gives_questionnaires_only_to_their_cohorts(cohort, roles):
    facilitator = FacilitatorAssignmentFactory(cohort=cohort).user
    other = CohortFactory()
    questionnaire = ef.questionnaire()

    with pytest.raises(ValidationError, match="cohorts you run"):
        services.create_campaign(
            name="x",
            questionnaire=questionnaire,
            cohorts=[cohort, other],
            waves=[services.WaveSetting("T0")],
            by=facilitator,
        )
    campaign = services.create_campaign(
        name="x",
        questionnaire=questionnaire,
        cohorts=[cohort],
        waves=[services.WaveSetting("T0")],
        by=facilitator,
    )
    assert list(campaign.cohorts.all()) == [cohort]


def test_invitations_are_created_when_a_wave_opens_and_only_once(cohort):
    member = EnrolmentFactory(cohort=cohort, completed=True)
    EnrolmentFactory(cohort=cohort, applied=True)  # never started: not invited
    EnrolmentFactory(cohort=cohort, withdrawn=True)  # left: not invited at the exit
    campaign = ef.campaign([cohort])

    assert services.schedule_invitations(today=datetime.date(2018, 7, 1)) == 0  # not open yet
    assert services.schedule_invitations(today=datetime.date(2018, 7, 15)) == 1  # T0 open
    assert services.schedule_invitations(today=datetime.date(2018, 7, 16)) == 0
    assert services.schedule_invitations(today=datetime.date(2018, 8, 31)) == 1  # T1 opens, T0 closed
    assert services.schedule_invitations(today=datetime.date(2018, 9, 1)) == 0

    assert set(Invitation.objects.values_list("wave", "enrolment")) == {
        (Wave.T0, member.pk),
        (Wave.T1, member.pk),
    }
    t1 = Invitation.objects.get(wave=Wave.T1)
    assert t1.due_date == datetime.date(2018, 8, 31)
    assert timezone.localtime(t1.expires_at) == _at(datetime.date(2018, 9, 30), 0)
    campaign.is_active = False
    campaign.save()
    assert services.schedule_invitations(today=datetime.date(2018, 7, 3)) == 0


def test_sending_and_reminding_are_idempotent_with_time_passing(cohort, run):
    member = EnrolmentFactory(cohort=cohort, completed=True, person__email="lina@example.org")
    EnrolmentFactory(cohort=cohort, completed=True, person__email="")  # no address: nothing to send
    ef.campaign([cohort], waves=(Wave.T1,), remind_after_days=7)
    opening = _at(datetime.date(2018, 8, 31))

    first = run(services.run_campaigns, now=opening)
    again = run(services.run_campaigns, now=opening + datetime.timedelta(hours=2))

    assert first == {"created": 2, "sent": 1, "reminded": 0}
    assert again == {"created": 0, "sent": 0, "reminded": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lina@example.org"]
    first_link = LINK.search(mail.outbox[0].body).group(1)
    invitation = Invitation.objects.get(enrolment=member)
    assert invitation.sent_at == opening
    assert invitation.token_hash == selectors.hash_token(first_link.split("/")[2])

    six_days = run(services.run_campaigns, now=opening + datetime.timedelta(days=6))
    a_week = run(services.run_campaigns, now=opening + datetime.timedelta(days=7))
    later = run(services.run_campaigns, now=opening + datetime.timedelta(days=8))

    assert (six_days["reminded"], a_week["reminded"], later["reminded"]) == (0, 1, 0)
    assert len(mail.outbox) == 2
    assert "reminder" in mail.outbox[1].subject.lower()
    second_link = LINK.search(mail.outbox[1].body).group(1)
    assert second_link != first_link
    # The reminder's link replaces the first one.
    with pytest.raises(services.LinkError):
        services.check_link(first_link.split("/")[2], now=opening + datetime.timedelta(days=8))
    assert (
        services.check_link(second_link.split("/")[2], now=opening + datetime.timedelta(days=8)) == invitation
    )


def test_a_retried_step_never_sends_twice(cohort, run):
    EnrolmentFactory(cohort=cohort, completed=True, person__email="lina@example.org")
    ef.campaign([cohort], waves=(Wave.T1,))
    opening = _at(datetime.date(2018, 8, 31))
    services.schedule_invitations(today=opening.date())
    invitation = Invitation.objects.get()

    assert run(services.send_invitation, invitation_id=invitation.pk, now=opening) is True
    assert run(services.send_invitation, invitation_id=invitation.pk, now=opening) is False
    late = opening + datetime.timedelta(days=10)
    assert run(services.remind_invitation, invitation_id=invitation.pk, now=late) is True
    assert run(services.remind_invitation, invitation_id=invitation.pk, now=late) is False
    assert len(mail.outbox) == 2


def test_people_who_object_to_the_processing_are_neither_invited_nor_reminded(cohort, run):
    objecting = EnrolmentFactory(cohort=cohort, completed=True, person__email="objects@example.org")
    willing = EnrolmentFactory(cohort=cohort, completed=True, person__email="willing@example.org")
    consent = ConsentFactory(
        person=willing.person, kind=ConsentKind.DATA_PROCESSING, given_date=datetime.date(2018, 7, 1)
    )
    ConsentFactory(
        person=objecting.person,
        kind=ConsentKind.DATA_PROCESSING,
        given_date=datetime.date(2018, 7, 1),
        withdrawn_date=datetime.date(2018, 8, 1),
    )
    ef.campaign([cohort], waves=(Wave.T1,), remind_after_days=7)
    opening = _at(datetime.date(2018, 8, 31))

    first = run(services.run_campaigns, now=opening)

    assert first == {"created": 2, "sent": 1, "reminded": 0}
    assert [message.to for message in mail.outbox] == [["willing@example.org"]]
    assert Invitation.objects.get(enrolment=objecting).token_hash is None

    # The willing person objects in turn: no reminder either.
    consent.withdrawn_date = datetime.date(2018, 9, 2)
    consent.save()
    a_week = run(services.run_campaigns, now=opening + datetime.timedelta(days=7))

    assert a_week == {"created": 0, "sent": 0, "reminded": 0}
    assert len(mail.outbox) == 1


def test_nobody_is_reminded_after_answering_or_once_the_wave_closed(cohort, run):
    answered = EnrolmentFactory(cohort=cohort, completed=True, person__email="a@example.org")
    silent = EnrolmentFactory(cohort=cohort, completed=True, person__email="b@example.org")
    campaign = ef.campaign([cohort], waves=(Wave.T1,), answer_days=10)
    opening = _at(datetime.date(2018, 8, 31))
    run(services.run_campaigns, now=opening)
    Response.objects.create(
        questionnaire=campaign.questionnaire,
        wave=Wave.T1,
        person=answered.person,
        cohort=cohort,
        source="account",
        submitted_at=opening,
    )

    run(services.run_campaigns, now=opening + datetime.timedelta(days=7))
    after_closing = run(services.run_campaigns, now=opening + datetime.timedelta(days=11))

    reminded = [message.to for message in mail.outbox if "reminder" in message.subject.lower()]
    assert reminded == [[silent.person.email]]
    assert after_closing == {"created": 0, "sent": 0, "reminded": 0}


def test_the_beat_task_runs_the_daily_round(cohort, run, settings):
    member = EnrolmentFactory(
        cohort=CohortFactory(
            start_date=timezone.localdate(), end_date=timezone.localdate() + datetime.timedelta(days=40)
        ),
        status=EnrolmentStatus.ACTIVE,
        person=PersonFactory(email="today@example.org"),
    )
    ef.campaign([member.cohort], waves=(Wave.T0,))

    result = run(lambda: tasks.run_campaigns.delay().get())

    assert result == {"created": 1, "sent": 1, "reminded": 0}
    assert "evaluation-campaigns" in settings.CELERY_BEAT_SCHEDULE
    assert (
        settings.CELERY_BEAT_SCHEDULE["evaluation-campaigns"]["task"]
        == "programmes.evaluation.tasks.run_campaigns"
    )


def test_the_invitation_email_is_in_french_and_says_how_long_the_link_works(cohort, run, settings):
    settings.LANGUAGE_CODE = "fr"
    EnrolmentFactory(
        cohort=cohort, completed=True, person__email="lina@example.org", person__first_name="Lina"
    )
    ef.campaign([cohort], waves=(Wave.T1,))

    run(services.run_campaigns, now=_at(datetime.date(2018, 8, 31)))

    body = mail.outbox[0].body
    assert "Lina" in body
    assert "/q/" in body
    assert CampaignWave.objects.count() == 1


def test_a_coordinator_creates_a_campaign_from_their_space(client, roles, cohort):
    from tests.programmes.factories import CoordinatorScopeFactory

    coordinator = CoordinatorScopeFactory(programme=cohort.edition.programme).user
    ef.questionnaire()
    client.force_login(coordinator)

    page = client.get("/coordinate/evaluation/new/")
    assert page.status_code == 200
    assert cohort.name in page.content.decode()
    questionnaire = page.context["form"].fields["questionnaire"].queryset.get()
    response = client.post(
        "/coordinate/evaluation/new/",
        {
            "name": "Summer 2018",
            "questionnaire": questionnaire.pk,
            "cohorts": [cohort.pk],
            "waves": ["T0", "T1"],
            "has_retrospective": "on",
            "answer_days": 30,
            "remind_after_days": 7,
        },
    )

    assert response.status_code == 302
    campaign = selectors.visible_campaigns(coordinator).get()
    assert list(campaign.cohorts.all()) == [cohort]
    assert list(campaign.waves.values_list("wave", "has_retrospective")) == [("T0", False), ("T1", True)]
    assert campaign.created_by == coordinator


def test_facilitators_cannot_create_campaigns_from_the_space(client, roles, cohort):
    facilitator = FacilitatorAssignmentFactory(cohort=cohort).user
    client.force_login(facilitator)

    assert client.get("/coordinate/evaluation/new/").status_code == 403
    assert client.get("/coordinate/evaluation/").status_code == 200


def test_learners_have_no_campaign_screens(client, roles):
    client.force_login(UserFactory(role="learner"))

    assert client.get("/coordinate/evaluation/").status_code == 403
