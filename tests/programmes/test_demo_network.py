from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

import pytest

from programmes import access, selectors
from programmes.choices import STATUSES_NEEDING_GUARDIAN, EnrolmentStatus, OrganisationType
from programmes.models import (
    Cohort,
    CoordinatorScope,
    Enrolment,
    Guardian,
    PartnerContact,
    Partnership,
    Person,
    Programme,
    User,
)
from programmes.models.people import age_on
from programmes.statistics import edition_statistics

pytestmark = pytest.mark.django_db
DEMO_DOMAIN = "@demo.essaim.localhost"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at its end (like setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet", "--force")
        yield
        transaction.set_rollback(True)


def cohorts_of(year: int, programme: str = "cjs"):
    return Cohort.objects.not_cancelled().filter(edition__programme__slug=programme, edition__year=year)


def programmes_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("programmes").get_models()}


def test_the_2018_edition_has_the_figures_of_the_activity_report(seeded):
    cohorts = cohorts_of(2018)

    assert cohorts.count() == 54
    assert cohorts.values("department__region").distinct().count() == 10
    assert cohorts.filter(is_in_qpv=True).count() == 40
    assert round(cohorts.filter(host__type=OrganisationType.CAE).count() / 54, 2) == 0.83
    partners = set(Partnership.objects.filter(cohort__in=cohorts).values_list("organisation_id", flat=True))
    assert len(partners | set(cohorts.values_list("host_id", flat=True))) > 600
    partnerships_per_cohort = cohorts.annotate(n=Count("partnerships")).values_list("n", flat=True)
    assert min(partnerships_per_cohort) >= 8 and max(partnerships_per_cohort) <= 14


def test_the_statistics_of_2018_show_sixteen_new_territories(seeded):
    figures = edition_statistics(programme=Programme.objects.get(slug="cjs"), edition_year=2018)

    assert figures["cohorts"] == 54
    assert figures["regions"] == 10
    assert figures["cohorts_in_qpv"] == 40
    assert figures["new_communes"] == 16
    assert round(figures["host_cae_share"], 2) == 0.83
    assert figures["local_partners"] > 600


def test_the_other_editions_are_seeded_too(seeded):
    flashcoops = cohorts_of(2019, "flashcoop")

    assert 35 <= cohorts_of(2017).count() <= 40
    assert flashcoops.count() == 10
    assert all((cohort.end_date - cohort.start_date).days == 4 for cohort in flashcoops)
    adults = Enrolment.objects.filter(cohort__in=flashcoops).select_related("person", "cohort")
    assert all(25 <= age_on(e.person.birth_date, e.cohort.start_date) <= 55 for e in adults)
    live = Cohort.objects.filter(edition__programme__slug="cjs", edition__year__gt=2018)
    assert set(live.values_list("status", flat=True)) == {"planned", "running"}


def test_seeding_again_changes_nothing(seeded):
    before = programmes_counts()

    call_command("seed_demo", "--quiet", "--force")

    assert programmes_counts() == before


def test_the_demo_staff_see_their_own_cohorts(seeded):
    facilitator = User.objects.get(username="animateur")
    coordinator = User.objects.get(username="coordinatrice")
    partner = User.objects.get(username="partenaire")

    staffed = access.staffed_cohorts(facilitator)
    assert staffed.count() == 4
    assert set(staffed.values_list("department__region__code", flat=True)) == {"52"}
    assert staffed.filter(status="running").count() == 2
    scope = CoordinatorScope.objects.get(user=coordinator, programme__slug="cjs")
    assert sorted(scope.regions.values_list("code", flat=True)) == ["28", "52", "53"]
    assert access.staffed_cohorts(coordinator).filter(edition__year=2018).count() == 19
    organisation = PartnerContact.objects.get(user=partner).organisation
    assert access.visible_cohorts(partner).count() >= 3
    assert not access.visible_people(partner).exists()
    assert organisation.partnerships.values("cohort").distinct().count() >= 3


def test_the_demo_learner_is_an_active_sixteen_year_old_member_of_the_facilitators_cohort(seeded):
    learner = Person.objects.get(user__username="jeune")
    enrolment = learner.enrolments.select_related("cohort").get()

    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert age_on(learner.birth_date, enrolment.cohort.reference_date) == 16
    assert enrolment.guardian_problems() == []
    assert (
        access.staffed_cohorts(User.objects.get(username="animateur")).filter(pk=enrolment.cohort_id).exists()
    )
    assert enrolment.attendances.exists()


def test_live_cohorts_show_a_member_to_call_back_and_a_missing_consent(seeded):
    facilitator = User.objects.get(username="animateur")
    live = access.staffed_cohorts(facilitator).filter(status="running")
    enrolments = Enrolment.objects.filter(cohort__in=live)

    streaks = selectors.consecutive_absences(list(enrolments.values_list("pk", flat=True)))
    assert len([streak for streak in streaks.values() if streak >= 3]) == 1
    missing = [e for e in enrolments.select_related("person", "cohort") if e.guardian_problems()]
    assert len(missing) == 1
    assert missing[0].status in (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED)


def test_every_minor_past_waitlisted_has_a_guardian_contact_and_consent(seeded):
    started = Enrolment.objects.filter(status__in=STATUSES_NEEDING_GUARDIAN).select_related(
        "person", "cohort"
    )

    problems = [
        e for e in started.prefetch_related("person__guardians", "person__consents") if e.guardian_problems()
    ]

    assert started.count() > 1000
    assert problems == []


def test_every_email_is_fictional(seeded):
    demo_users = set(User.objects.filter(email__endswith=DEMO_DOMAIN).values_list("email", flat=True))

    for model in (Person, Guardian, User):
        emails = set(
            model.objects.exclude(Q(email="") | Q(email__endswith="@example.org")).values_list(
                "email", flat=True
            )
        )
        assert emails <= demo_users, model.__name__
