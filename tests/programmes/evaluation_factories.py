"""Questionnaires, campaigns and invitations for the evaluation tests."""

import copy
import datetime
import secrets
from typing import Any

from django.utils import timezone

from programmes.choices import Wave
from programmes.evaluation import selectors, services
from programmes.models import Campaign, Cohort, Enrolment, Invitation, Questionnaire

AGREE = [
    {"code": "a1", "label": "Not at all"},
    {"code": "a2", "label": "Rather not"},
    {"code": "a3", "label": "Rather"},
    {"code": "a4", "label": "Completely"},
]

SPEC: dict[str, Any] = {
    "slug": "journey",
    "title": "My journey",
    "items": [
        {
            "code": "se1",
            "text": "I think I have value.",
            "type": "likert",
            "options": AGREE,
            "allow_no_opinion": True,
            "scale": "self_esteem",
            "retrospective": True,
        },
        {
            "code": "se2",
            "text": "I sometimes feel useless.",
            "type": "likert",
            "options": AGREE,
            "allow_no_opinion": False,
            "scale": "self_esteem",
            "reversed": True,
            "retrospective": True,
        },
        {
            "code": "first_job",
            "text": "Is it your first paid job?",
            "type": "yesno",
            "allow_no_opinion": False,
        },
        {
            "code": "heard",
            "text": "How did you hear of us?",
            "type": "single",
            "options": [{"code": "friend", "label": "A friend"}, {"code": "school", "label": "School"}],
            "allow_no_opinion": False,
        },
        {
            "code": "skills",
            "text": "Which skills did you use?",
            "type": "multiple",
            "options": [
                {"code": "sales", "label": "Sales"},
                {"code": "accounts", "label": "Accounts"},
                {"code": "manual", "label": "Manual work"},
            ],
            "allow_no_opinion": True,
        },
        {"code": "hours", "text": "Hours per week?", "type": "number", "allow_no_opinion": True},
        {"code": "word", "text": "One word?", "type": "text", "allow_no_opinion": False},
        {
            "code": "priorities",
            "text": "Rank what matters.",
            "type": "ranking",
            "options": [
                {"code": "money", "label": "Money"},
                {"code": "learning", "label": "Learning"},
                {"code": "friends", "label": "Friends"},
            ],
            "allow_no_opinion": False,
        },
    ],
}


def spec(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SPEC)
    data.update(changes)
    return data


def questionnaire(data: dict[str, Any] | None = None, *, publish: bool = True) -> Questionnaire:
    return services.import_questionnaire(data=data or spec(), publish=publish).questionnaire


def campaign(
    cohorts: list[Cohort],
    *,
    waves: tuple[str, ...] = (Wave.T0, Wave.T1),
    retrospective: bool = True,
    of: Questionnaire | None = None,
    remind_after_days: int = 7,
    answer_days: int = 30,
) -> Campaign:
    return services.create_campaign(
        name="Campaign",
        questionnaire=of or questionnaire(),
        cohorts=cohorts,
        waves=[
            services.WaveSetting(
                wave,
                has_retrospective=retrospective and wave == Wave.T1,
                remind_after_days=remind_after_days,
                answer_days=answer_days,
            )
            for wave in waves
        ],
    )


def invitation(
    enrolment: Enrolment,
    of: Campaign,
    *,
    wave: str = Wave.T1,
    expires_in: datetime.timedelta = datetime.timedelta(days=10),
) -> tuple[Invitation, str]:
    """An invitation already sent, and the token of its personal link."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    created = Invitation.objects.create(
        campaign=of,
        wave=wave,
        enrolment=enrolment,
        due_date=timezone.localdate(now),
        expires_at=now + expires_in,
        sent_at=now,
        token_hash=selectors.hash_token(token),
    )
    return created, token
