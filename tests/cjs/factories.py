import datetime
from decimal import Decimal

import factory

from cjs.choices import ClientKind, ContractStatus, MeetingKind, ServiceType, VoteChoice
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    Expense,
    HostLegalDetails,
    Meeting,
    ServiceRequest,
    Vote,
    WorkLog,
)
from tests.programmes.factories import CohortFactory, EnrolmentFactory, OrganisationFactory


class ClientFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    kind = ClientKind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Client {n}")
    contact_name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    address = "12 rue des Lilas, 44000 Nantes"

    class Meta:
        model = Client


class ContractFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    client = factory.SubFactory(ClientFactory, cohort=factory.SelfAttribute("..cohort"))
    service = ServiceType.GARDENING
    description = "Tonte et taille de haies"
    start_date = factory.LazyAttribute(lambda contract: datetime.date(contract.cohort.edition.year, 7, 10))
    price = Decimal("250.00")
    status = ContractStatus.QUOTE
    quoted_date = factory.SelfAttribute("start_date")

    class Meta:
        model = Contract

    class Params:
        accepted = factory.Trait(status=ContractStatus.ACCEPTED)
        done = factory.Trait(status=ContractStatus.DONE)
        paid = factory.Trait(status=ContractStatus.PAID, hours=Decimal("10.00"))


class WorkLogFactory(factory.django.DjangoModelFactory):
    contract = factory.SubFactory(ContractFactory, done=True)
    enrolment = factory.SubFactory(EnrolmentFactory, cohort=factory.SelfAttribute("..contract.cohort"))
    work_date = factory.SelfAttribute("contract.start_date")
    hours = Decimal("3.50")

    class Meta:
        model = WorkLog


class ExpenseFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    expense_date = factory.LazyAttribute(lambda expense: datetime.date(expense.cohort.edition.year, 7, 5))
    label = "Gants et sacs"
    amount = Decimal("45.00")

    class Meta:
        model = Expense


class HostLegalDetailsFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    legal_form = "SCOP SARL"
    address = "3 place de la République, 44000 Nantes"

    class Meta:
        model = HostLegalDetails


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    client_kind = ClientKind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Demandeur {n}")
    email = factory.Sequence(lambda n: f"demandeur{n}@example.org")
    commune = "Nantes"
    address = "4 rue du Bois, 44300 Nantes"
    service = ServiceType.GARDENING
    description = "Tonte d'une pelouse de 200 m²"
    wished_start_date = factory.LazyAttribute(
        lambda request: datetime.date(request.cohort.edition.year, 7, 15)
    )

    class Meta:
        model = ServiceRequest


class CommitteeFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Comité {n}")

    class Meta:
        model = Committee
        skip_postgeneration_save = True

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A general assembly in the middle of its CJS's season; `attendees=[...]` to say who came."""

    cohort = factory.SubFactory(CohortFactory)
    kind = MeetingKind.ASSEMBLY
    meeting_date = factory.LazyAttribute(lambda meeting: datetime.date(meeting.cohort.edition.year, 7, 20))
    agenda = "1. Tarifs\n2. Logo"

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    class Params:
        committee_meeting = factory.Trait(
            kind=MeetingKind.COMMITTEE,
            committee=factory.SubFactory(CommitteeFactory, cohort=factory.SelfAttribute("..cohort")),
        )

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Décision {n}")

    class Meta:
        model = Decision


class VoteFactory(factory.django.DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..decision.meeting.cohort")
    )
    choice = VoteChoice.FOR

    class Meta:
        model = Vote
