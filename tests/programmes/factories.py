import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

import factory

from programmes.choices import CohortStatus, ConsentKind, EnrolmentStatus, ExitReason, OrganisationType
from programmes.models import (
    Attendance,
    Cohort,
    Consent,
    CoordinatorScope,
    Department,
    Edition,
    Enrolment,
    FacilitatorAssignment,
    Guardian,
    Organisation,
    PartnerContact,
    Partnership,
    Person,
    Programme,
    Region,
    Session,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


def region(code: str = "52") -> Region:
    """A region loaded by the reference-data migration (52 = Pays de la Loire)."""
    return Region.objects.get(code=code)


def department(code: str = "44") -> Department:
    """A department loaded by the reference-data migration (44 = Loire-Atlantique)."""
    return Department.objects.get(code=code)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    slug = "cjs"
    name = "Coopératives Jeunesse de Services (CJS)"

    class Meta:
        model = Programme
        django_get_or_create = ["slug"]


class EditionFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    year = 2018

    class Meta:
        model = Edition
        django_get_or_create = ["programme", "year"]


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.ASSOCIATION

    class Meta:
        model = Organisation


class CohortFactory(factory.django.DjangoModelFactory):
    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"CJS {n}")
    department = factory.LazyFunction(department)
    host = factory.SubFactory(OrganisationFactory, type=OrganisationType.CAE)
    start_date = factory.LazyAttribute(lambda cohort: datetime.date(cohort.edition.year, 7, 1))
    end_date = factory.LazyAttribute(lambda cohort: datetime.date(cohort.edition.year, 8, 31))
    status = CohortStatus.RUNNING

    class Meta:
        model = Cohort


class PartnershipFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "economic_sponsor"
    contribution_eur = Decimal("500.00")

    class Meta:
        model = Partnership


class PersonFactory(factory.django.DjangoModelFactory):
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(2000, 5, 17)
    gender = "f"

    class Meta:
        model = Person

    class Params:
        minor = factory.Trait(birth_date=datetime.date(2002, 3, 1))


class GuardianFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    name = factory.Faker("name", locale="fr_FR")
    phone = "06 12 34 56 78"

    class Meta:
        model = Guardian


class ConsentFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    kind = ConsentKind.GUARDIAN_AUTHORISATION
    given_date = datetime.date(2018, 6, 1)

    class Meta:
        model = Consent


class EnrolmentFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    cohort = factory.SubFactory(CohortFactory)
    status = EnrolmentStatus.ACTIVE
    status_date = datetime.date(2018, 7, 1)

    class Meta:
        model = Enrolment

    class Params:
        applied = factory.Trait(status=EnrolmentStatus.APPLIED)
        completed = factory.Trait(status=EnrolmentStatus.COMPLETED)
        withdrawn = factory.Trait(status=EnrolmentStatus.WITHDRAWN, exit_reason=ExitReason.FOUND_JOB)


class SessionFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    date = datetime.date(2018, 7, 2)
    kind = "work"

    class Meta:
        model = Session


class AttendanceFactory(factory.django.DjangoModelFactory):
    session = factory.SubFactory(SessionFactory)
    enrolment = factory.SubFactory(EnrolmentFactory, cohort=factory.SelfAttribute("..session.cohort"))
    status = "present"

    class Meta:
        model = Attendance


class FacilitatorAssignmentFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, role="facilitator")
    cohort = factory.SubFactory(CohortFactory)

    class Meta:
        model = FacilitatorAssignment


class CoordinatorScopeFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, role="coordinator")
    programme = factory.SubFactory(ProgrammeFactory)

    class Meta:
        model = CoordinatorScope
        skip_postgeneration_save = True

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.add(*(extracted or [region()]))


class PartnerContactFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, role="partner")
    organisation = factory.SubFactory(OrganisationFactory)

    class Meta:
        model = PartnerContact
