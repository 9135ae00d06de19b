"""Demo digital-skills self-assessments for `seed_demo`.

- The demo learner `jeune` rated herself twice, about five months apart, and progressed in most areas.
- Members of this year's CJS in the demo coordinator's regions answered too, so that the group results
  show the disclosure rule at work: Rennes Maurepas has 12 respondents (shown), Nantes Bellevue (the
  demo facilitator's cohort, with `jeune`) and Caen Guérinière fewer than 11 (suppressed; together 13,
  so the edition total can be shown without revealing them).

Members get an account (no usable password) linked to their file, as members who log in have.
Idempotent: nobody who already has a self-assessment gets another one.
"""

import datetime
import random

from django.contrib.auth.models import Group
from django.utils import timezone

from lms import digcomp, services
from lms.models import DigitalSkillsAssessment
from programmes.choices import STARTED_STATUSES
from programmes.demo_network import ALERT_COHORT
from programmes.models import Cohort, Enrolment, Person, User
from programmes.roles import Role

# Cohort of this year's CJS edition → how many of its members answered.
RESPONDENTS = {"CJS Rennes Maurepas": 12, ALERT_COHORT: 6, "CJS Caen Guérinière": 7}

# `jeune`, about five months ago then twelve days ago: "I don't know" became levels, most areas rose.
LEARNER_BEFORE: dict[str, int | None] = {
    "1.1": 3, "1.2": 1, "1.3": 1,
    "2.1": 3, "2.2": 2, "2.3": None, "2.4": 1, "2.5": 2, "2.6": 1,
    "3.1": 2, "3.2": 1, "3.3": None, "3.4": 0,
    "4.1": 1, "4.2": 1, "4.3": 2, "4.4": None,
    "5.1": 2, "5.2": 1, "5.3": 0, "5.4": 1,
}  # fmt: skip
LEARNER_AFTER: dict[str, int | None] = {
    "1.1": 4, "1.2": 3, "1.3": 2,
    "2.1": 4, "2.2": 3, "2.3": 2, "2.4": 3, "2.5": 3, "2.6": 2,
    "3.1": 3, "3.2": 2, "3.3": 2, "3.4": 1,
    "4.1": 2, "4.2": 3, "4.3": 3, "4.4": 1,
    "5.1": 2, "5.2": 2, "5.3": 1, "5.4": 3,
}  # fmt: skip


def _member_ratings(rng: random.Random) -> dict[str, int | None]:
    """A young member's plausible answers: a level per area around basic to intermediate, some unsure."""
    ratings: dict[str, int | None] = {}
    for area in digcomp.load("en").areas:
        base = rng.choice([1, 2, 2, 3, 3, 4])
        for competence in area.competences:
            if rng.random() < 0.08:
                ratings[competence.code] = None
            else:
                ratings[competence.code] = max(0, min(digcomp.MAX_LEVEL, base + rng.choice([-1, 0, 0, 1, 2])))
    return ratings


def _account(person: Person, learners: Group) -> User:
    if person.user_id is not None:
        assert person.user is not None  # type narrowing  # nosec B101
        return person.user
    user = User.objects.create(
        username=f"membre{person.pk}", first_name=person.first_name, last_name=person.last_name
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(learners)
    person.user = user
    person.save(update_fields=["user"])
    return user


def _seed_learner(now: datetime.datetime) -> None:
    user = User.objects.filter(username="jeune").first()
    if user is None or DigitalSkillsAssessment.objects.filter(user=user).exists():
        return
    services.submit_digital_skills_assessment(
        user=user, ratings=LEARNER_BEFORE, submitted_at=now - datetime.timedelta(days=150)
    )
    services.submit_digital_skills_assessment(
        user=user, ratings=LEARNER_AFTER, submitted_at=now - datetime.timedelta(days=12)
    )


def seed_digital_skills() -> None:
    """Self-assessments of the demo learner and of members of three of this year's demo CJS."""
    now = timezone.now()
    _seed_learner(now)
    learners = Group.objects.filter(name=Role.LEARNER).first()
    if learners is None:
        return
    cohorts = Cohort.objects.filter(
        edition__programme__slug="cjs", edition__year=timezone.localdate().year, name__in=RESPONDENTS
    )
    for cohort in cohorts:
        members = list(
            Enrolment.objects.filter(cohort=cohort, role=Enrolment.Role.MEMBER, status__in=STARTED_STATUSES)
            .select_related("person__user")
            .order_by("person__last_name", "person__first_name", "pk")
        )
        # The demo learner counts among her cohort's respondents; the others fill up to the number wanted.
        chosen = [m for m in members if m.person.user and m.person.user.username == "jeune"]
        chosen += [m for m in members if m not in chosen][: RESPONDENTS[cohort.name] - len(chosen)]
        for member in chosen:
            user = _account(member.person, learners)
            if DigitalSkillsAssessment.objects.filter(user=user).exists():
                continue
            seed = f"digcomp:{cohort.name}:{member.person.first_name} {member.person.last_name}"
            rng = random.Random(seed)  # fictional demo answers  # nosec B311
            services.submit_digital_skills_assessment(
                user=user,
                ratings=_member_ratings(rng),
                submitted_at=now - datetime.timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 10)),
            )
