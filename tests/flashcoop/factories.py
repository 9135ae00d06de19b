import datetime

import factory

from flashcoop.choices import (
    EmploymentSituation,
    FollowUpStatus,
    IscedLevel,
    Referrer,
    Situation,
    Wave,
    YesNoRefused,
)
from flashcoop.models import AgendaItem, EntryProfile, Exit, FlashcoopPlan, FollowUp, Mentor
from tests.programmes.factories import CohortFactory, EditionFactory, EnrolmentFactory, ProgrammeFactory


class FlashcoopProgrammeFactory(ProgrammeFactory):
    slug = "flashcoop"
    name = "Flashcoop"


class FlashcoopEditionFactory(EditionFactory):
    programme = factory.SubFactory(FlashcoopProgrammeFactory)
    year = 2019


class FlashcoopCohortFactory(CohortFactory):
    """A five-day Flashcoop of 2019 in Loire-Atlantique."""

    edition = factory.SubFactory(FlashcoopEditionFactory)
    name = factory.Sequence(lambda n: f"Flashcoop {n}")
    start_date = datetime.date(2019, 3, 11)
    end_date = datetime.date(2019, 3, 15)
    status = "closed"


class ParticipantFactory(EnrolmentFactory):
    cohort = factory.SubFactory(FlashcoopCohortFactory)
    status = "completed"
    status_date = datetime.date(2019, 3, 15)
    person__email = factory.Sequence(lambda n: f"participant{n}@example.org")


class FlashcoopPlanFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(FlashcoopCohortFactory)
    theme = "Traiteur solidaire"
    place = "Centre social"

    class Meta:
        model = FlashcoopPlan


class AgendaItemFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(FlashcoopCohortFactory)
    date = factory.LazyAttribute(lambda item: item.cohort.start_date)
    start_time = datetime.time(9, 30)
    end_time = datetime.time(12, 0)
    title = "Accueil"
    led_by = "Animatrice"

    class Meta:
        model = AgendaItem


class MentorFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(FlashcoopCohortFactory)
    name = "Isabelle Roux"

    class Meta:
        model = Mentor


class EntryProfileFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(ParticipantFactory)
    employment_status = EmploymentSituation.LONG_TERM_UNEMPLOYED
    minimum_income = YesNoRefused.YES
    education_level = IscedLevel.ISCED_0_2
    qpv_resident = YesNoRefused.YES
    rural = YesNoRefused.NO
    referrer = Referrer.EMPLOYMENT_AGENCY

    class Meta:
        model = EntryProfile


class ExitFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(ParticipantFactory)
    exit_date = datetime.date(2019, 3, 15)
    is_completed = True
    situation = Situation.JOB_SEARCHING

    class Meta:
        model = Exit


class FollowUpFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(ParticipantFactory)
    wave = Wave.M6
    due_date = datetime.date(2019, 9, 15)
    status = FollowUpStatus.SCHEDULED

    class Meta:
        model = FollowUp
        django_get_or_create = ["enrolment", "wave"]
