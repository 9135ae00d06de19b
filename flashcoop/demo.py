"""Demo data of the Flashcoop app for `seed_demo`: the 2019 experimentation's ten Flashcoops get a
theme, a five-day agenda, mentors with their meetings, what they produced, every participant's entry
profile (with some refusals) and exit, and the follow-ups at +3 and +6 months (mostly answered, some
by phone, a few unreachable). It builds on the cohorts and enrolments of programmes' seeder, which
runs first; without them it does nothing. Idempotent: each part is only added where it is missing.
"""

import datetime
import hashlib
import random
import secrets
from decimal import Decimal

from django.utils import timezone

from flashcoop.choices import (
    EmploymentSituation,
    FollowUpStatus,
    IscedLevel,
    Referrer,
    Situation,
    Wave,
    YesNoRefused,
)
from flashcoop.models import (
    AgendaItem,
    EntryProfile,
    Exit,
    FlashcoopPlan,
    FollowUp,
    Mentee,
    Mentor,
    MentoringMeeting,
    Production,
)
from flashcoop.selectors import PROGRAMME_SLUG, add_months
from programmes.choices import STARTED_STATUSES, EducationLevel, EmploymentStatus, EnrolmentStatus
from programmes.demo import seeded_random
from programmes.demo_network import COORDINATOR_REGIONS
from programmes.models import Cohort, CoordinatorScope, Edition, Enrolment, Programme, Region, User

DEMO_YEAR = 2019
THEMES = [
    ("Traiteur solidaire", "Cuisine du centre social"),
    ("Réparation de vélos", "Atelier de la maison de quartier"),
    ("Jardinage et paniers de légumes", "Jardins partagés"),
    ("Retouche et couture", "Local associatif"),
    ("Petits travaux de peinture", "Salle municipale"),
]
# (day offset, start, end, title, who leads)
AGENDA = [
    (0, "09:30", "12:00", "Accueil, présentations et règles de la coopérative", "Animatrice"),
    (0, "13:30", "16:30", "Atelier : qu'est-ce qu'une coopérative ?", "CAE"),
    (1, "09:30", "12:00", "Étude de marché dans le quartier", "Animatrice"),
    (1, "13:30", "16:30", "Prix, devis et premiers contacts clients", "Mentor"),
    (2, "09:00", "12:30", "Premières prestations", "Les participants"),
    (2, "14:00", "16:30", "Point d'étape et gestion", "Animatrice"),
    (3, "09:00", "16:00", "Prestations et vente", "Les participants"),
    (4, "09:30", "12:00", "Bilan des ventes et comptes", "CAE"),
    (4, "13:30", "16:30", "Assemblée de clôture et suites de parcours", "Animatrice et mentors"),
]
MENTOR_NAMES = ["Isabelle Roux", "Patrick Lemoine", "Nathalie Faure", "Jérôme Perrin", "Sandrine Blanc"]
MEETING_NOTES = [
    "Point sur le projet professionnel.",
    "Préparation d'un entretien d'embauche.",
    "Présentation de la CAE et du statut d'entrepreneur salarié.",
    "Recherche de formations qualifiantes.",
]
EXIT_SITUATIONS = [
    Situation.JOB_SEARCHING,
    Situation.EDUCATION_TRAINING,
    Situation.EMPLOYMENT,
    Situation.BUSINESS_CREATION,
    Situation.JOINED_CAE,
    Situation.OTHER,
    Situation.REFUSED,
]
EDUCATION_TO_ISCED = {
    EducationLevel.NONE: IscedLevel.ISCED_0_2,
    EducationLevel.LOWER_SECONDARY: IscedLevel.ISCED_0_2,
    EducationLevel.UPPER_SECONDARY: IscedLevel.ISCED_3_4,
    EducationLevel.POST_SECONDARY: IscedLevel.ISCED_5_8,
    EducationLevel.HIGHER: IscedLevel.ISCED_5_8,
}
EMPLOYMENT_TO_SITUATION = {
    EmploymentStatus.UNEMPLOYED: EmploymentSituation.UNEMPLOYED,
    EmploymentStatus.LONG_TERM_UNEMPLOYED: EmploymentSituation.LONG_TERM_UNEMPLOYED,
    EmploymentStatus.INACTIVE: EmploymentSituation.INACTIVE,
    EmploymentStatus.EMPLOYED: EmploymentSituation.EMPLOYED,
}


def seed_flashcoop() -> None:
    """Plan, participants' files and follow-ups of the 2019 Flashcoops (see the module docstring)."""
    cohorts = list(
        Cohort.objects.filter(edition__programme__slug=PROGRAMME_SLUG, edition__year=DEMO_YEAR)
        .select_related("host", "commune")
        .order_by("start_date", "name")
    )
    if not cohorts:
        return
    # The experimentation is funded by the European Social Fund: its evidence is kept longer.
    Edition.objects.filter(programme__slug=PROGRAMME_SLUG).update(is_esf_funded=True)
    _seed_coordinator_scope()
    for index, cohort in enumerate(cohorts):
        rng = seeded_random(f"flashcoop:{cohort.name}")
        enrolments = list(
            cohort.enrolments.filter(status__in=STARTED_STATUSES).select_related("person").order_by("pk")
        )
        _seed_plan(cohort, index)
        _seed_agenda(cohort)
        _seed_mentors(cohort, enrolments, rng)
        _seed_productions(cohort, rng)
        _seed_profiles(cohort, enrolments, rng)
        _seed_exits(cohort, enrolments, rng)
        _seed_follow_ups(enrolments, rng)


def _seed_coordinator_scope() -> None:
    """The demo coordinator also coordinates the Flashcoops of her regions."""
    user = User.objects.filter(username="coordinatrice").first()
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if user is None or programme is None:
        return
    scope, _created = CoordinatorScope.objects.get_or_create(user=user, programme=programme)
    scope.regions.add(*Region.objects.filter(code__in=COORDINATOR_REGIONS))


def _seed_plan(cohort: Cohort, index: int) -> None:
    theme, place = THEMES[index % len(THEMES)]
    where = cohort.commune.name if cohort.commune else cohort.name
    FlashcoopPlan.objects.get_or_create(
        cohort=cohort, defaults={"theme": theme, "place": f"{place}, {where}"}
    )


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def _seed_agenda(cohort: Cohort) -> None:
    if cohort.start_date is None or cohort.agenda_items.exists():
        return
    host = cohort.host.name if cohort.host else "CAE"
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                cohort=cohort,
                date=cohort.start_date + datetime.timedelta(days=offset),
                start_time=_time(start),
                end_time=_time(end),
                title=title,
                led_by=host if led_by == "CAE" else led_by,
            )
            for offset, start, end, title, led_by in AGENDA
        ]
    )


def _seed_mentors(cohort: Cohort, enrolments: list[Enrolment], rng: random.Random) -> None:
    if cohort.flashcoop_mentors.exists() or not enrolments or cohort.start_date is None:
        return
    mentors = [
        Mentor.objects.create(
            cohort=cohort,
            name=rng.choice(MENTOR_NAMES),
            contact="06 39 98 00 00".replace("00 00", f"{rng.randint(10, 99)} {rng.randint(10, 99)}"),
        )
    ]
    if cohort.host:
        mentors.append(
            Mentor.objects.create(cohort=cohort, organisation=cohort.host, contact="contact@example.org")
        )
    links, meetings = [], []
    for position, enrolment in enumerate(enrolments):
        mentor = mentors[position % len(mentors)]
        links.append(Mentee(mentor=mentor, enrolment=enrolment))
        for week in range(rng.randint(1, 2)):
            meetings.append(
                MentoringMeeting(
                    mentor=mentor,
                    enrolment=enrolment,
                    meeting_date=cohort.start_date + datetime.timedelta(days=rng.randint(1, 4) + 14 * week),
                    notes=rng.choice(MEETING_NOTES),
                )
            )
    Mentee.objects.bulk_create(links)
    MentoringMeeting.objects.bulk_create(meetings)


def _seed_productions(cohort: Cohort, rng: random.Random) -> None:
    if cohort.flashcoop_productions.exists():
        return
    Production.objects.bulk_create(
        [
            Production(
                cohort=cohort,
                label=label,
                quantity=rng.randint(5, 40),
                amount_eur=Decimal(rng.randint(8, 60) * 10),
            )
            for label in rng.sample(
                ["Repas servis", "Prestations réalisées", "Paniers vendus", "Objets réparés", "Devis signés"],
                2,
            )
        ]
    )


def _maybe_refused(rng: random.Random, value: str, share: float = 0.06) -> str:
    return YesNoRefused.REFUSED if rng.random() < share else value


def _yes_no(flag: bool | None) -> str:
    return YesNoRefused.YES if flag else YesNoRefused.NO


def _seed_profiles(cohort: Cohort, enrolments: list[Enrolment], rng: random.Random) -> None:
    existing = set(
        EntryProfile.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", flat=True)
    )
    profiles = []
    for enrolment in enrolments:
        if enrolment.pk in existing:
            continue
        person = enrolment.person
        disability, consent_date = "", None
        if rng.random() < 0.5:
            disability = YesNoRefused.YES if rng.random() < 0.15 else YesNoRefused.NO
            consent_date = cohort.start_date
            if rng.random() < 0.1:
                disability, consent_date = YesNoRefused.REFUSED, None
        profiles.append(
            EntryProfile(
                enrolment=enrolment,
                employment_status=_maybe_refused(
                    rng, EMPLOYMENT_TO_SITUATION.get(person.employment_status, EmploymentSituation.UNEMPLOYED)
                ),
                minimum_income=_maybe_refused(rng, _yes_no(rng.random() < 0.45), 0.1),
                education_level=_maybe_refused(
                    rng, EDUCATION_TO_ISCED.get(person.education_level, IscedLevel.ISCED_0_2)
                ),
                qpv_resident=_maybe_refused(rng, _yes_no(person.is_qpv_resident)),
                rural=_yes_no(cohort.is_rural),
                disability=disability,
                disability_consent_date=consent_date,
                referrer=_maybe_refused(
                    rng,
                    rng.choices(
                        [
                            Referrer.EMPLOYMENT_AGENCY,
                            Referrer.LOCAL_YOUTH_MISSION,
                            Referrer.SOCIAL_SERVICES,
                            Referrer.ASSOCIATION,
                            Referrer.OTHER,
                        ],
                        weights=[5, 2, 3, 2, 1],
                    )[0],
                    0.04,
                ),
            )
        )
    EntryProfile.objects.bulk_create(profiles)


def _seed_exits(cohort: Cohort, enrolments: list[Enrolment], rng: random.Random) -> None:
    existing = set(Exit.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", flat=True))
    exits = []
    for enrolment in enrolments:
        if enrolment.pk in existing:
            continue
        completed = enrolment.status == EnrolmentStatus.COMPLETED
        if not completed and enrolment.status not in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EXCLUDED):
            continue
        exits.append(
            Exit(
                enrolment=enrolment,
                exit_date=cohort.end_date if completed and cohort.end_date else enrolment.status_date,
                is_completed=completed,
                early_reason="" if completed else enrolment.exit_reason,
                situation=rng.choices(EXIT_SITUATIONS, weights=[45, 15, 15, 6, 8, 8, 3])[0],
            )
        )
    Exit.objects.bulk_create(exits)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _seed_follow_ups(enrolments: list[Enrolment], rng: random.Random) -> None:
    """2019 is long past: every follow-up was answered (online or by phone) or gave up on."""
    exits = {exit_.enrolment_id: exit_ for exit_ in Exit.objects.filter(enrolment__in=enrolments)}
    existing = set(FollowUp.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", "wave"))
    follow_ups = []
    for enrolment in enrolments:
        exit_ = exits.get(enrolment.pk)
        if exit_ is None:
            continue
        situation = exit_.situation
        for wave, months in ((Wave.M3, 3), (Wave.M6, 6)):
            if (enrolment.pk, wave) in existing:
                continue
            due = add_months(exit_.exit_date, months)
            sent_at = _at(due, 9) if enrolment.person.email else None
            follow_up = FollowUp(
                enrolment=enrolment,
                wave=wave,
                due_date=due,
                sent_at=sent_at,
                # A random token nobody knows: the demo's links are expired anyway.
                token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()
                if sent_at
                else None,
                expires_at=sent_at + datetime.timedelta(days=30) if sent_at else None,
            )
            draw = rng.random()
            if situation in (Situation.JOB_SEARCHING, Situation.OTHER) and rng.random() < 0.35:
                situation = rng.choice(
                    [Situation.EMPLOYMENT, Situation.EDUCATION_TRAINING, Situation.JOINED_CAE]
                )
            if sent_at and draw < 0.6:
                follow_up.status = FollowUpStatus.ANSWERED
                reminded = rng.random() < 0.3
                follow_up.reminded_at = sent_at + datetime.timedelta(days=7) if reminded else None
                follow_up.answered_at = sent_at + datetime.timedelta(
                    days=rng.randint(8, 12) if reminded else rng.randint(0, 6)
                )
                follow_up.situation = situation
            elif draw < 0.8:
                follow_up.status = FollowUpStatus.PHONED
                follow_up.answered_at = _at(due + datetime.timedelta(days=rng.randint(10, 20)), 14)
                follow_up.situation = situation
                follow_up.situation_note = "Joint par téléphone."
            else:
                follow_up.status = FollowUpStatus.UNREACHABLE
                if sent_at:
                    follow_up.reminded_at = sent_at + datetime.timedelta(days=7)
            follow_ups.append(follow_up)
    FollowUp.objects.bulk_create(follow_ups)
