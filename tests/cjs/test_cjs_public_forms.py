import datetime

from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

import pytest

from cjs.choices import ServiceRequestStatus
from cjs.models import ServiceRequest
from programmes.choices import CohortStatus, ConsentKind, EnrolmentStatus
from programmes.models import Enrolment, Person
from tests.cjs.factories import ServiceRequestFactory
from tests.programmes.factories import (
    CohortFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    ProgrammeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cohort():
    """A CJS of this year, starting in a month, run by one facilitator."""
    today = timezone.localdate()
    cohort = CohortFactory(
        edition=EditionFactory(year=today.year),
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
        status=CohortStatus.PLANNED,
    )
    FacilitatorAssignmentFactory(cohort=cohort, user__email="animatrice@example.org")
    return cohort


def order_data(**overrides):
    data = {
        "client_kind": "individual",
        "name": "Martine Durand",
        "email": "martine@example.org",
        "phone": "",
        "commune": "Nantes",
        "address": "4 rue du Bois",
        "service": "gardening",
        "description": "Tondre 200 m² de pelouse",
        "wished_start_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "wished_end_date": "",
        "website": "",
    }
    return data | overrides


def join_data(cohort, *, age=19, **overrides):
    birth = cohort.start_date.replace(year=cohort.start_date.year - age) - datetime.timedelta(days=1)
    data = {
        "first_name": "Inès",
        "last_name": "Benali",
        "birth_date": birth.isoformat(),
        "email": "ines@example.org",
        "phone": "",
        "guardian_name": "",
        "guardian_email": "",
        "guardian_phone": "",
        "consent": "on",
        "website": "",
    }
    return data | overrides


# --- Order a service -------------------------------------------------------------------------------------


def test_the_order_page_shows_the_cjs_and_no_member(client, cohort):
    EnrolmentFactory(cohort=cohort, person__first_name="Zoé", person__last_name="Secretname")

    response = client.get(reverse("cjs:order", args=[cohort.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert cohort.name in content
    assert "Secretname" not in content
    assert 'aria-hidden="true"' in content and 'name="website"' in content


@pytest.mark.parametrize(
    "make_cohort",
    [
        lambda: CohortFactory(status=CohortStatus.CANCELLED),
        lambda: CohortFactory(
            edition=EditionFactory(programme=ProgrammeFactory(slug="flashcoop", name="Flashcoop"))
        ),
    ],
    ids=["cancelled", "not-a-cjs"],
)
def test_the_forms_answer_404_for_cancelled_or_non_cjs_cohorts(client, make_cohort):
    cohort = make_cohort()

    assert client.get(reverse("cjs:order", args=[cohort.pk])).status_code == 404
    assert client.get(reverse("cjs:join", args=[cohort.pk])).status_code == 404
    assert client.get(reverse("cjs:order", args=[999999])).status_code == 404


def test_ordering_a_service_creates_a_request_and_queues_both_emails(
    client, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("cjs:order", args=[cohort.pk]), order_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("cjs:order_sent", args=[cohort.pk])
    request = ServiceRequest.objects.get()
    assert (request.cohort, request.name, request.status) == (
        cohort,
        "Martine Durand",
        ServiceRequestStatus.NEW,
    )
    assert len(callbacks) == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["animatrice@example.org", "martine@example.org"]
    to_facilitator = next(message for message in mail.outbox if message.to == ["animatrice@example.org"])
    assert reverse("cjs:requests", args=[cohort.pk]) in to_facilitator.body
    assert client.get(response["Location"]).status_code == 200


def test_a_request_with_only_a_phone_gets_no_acknowledgement(
    client, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cjs:order", args=[cohort.pk]), order_data(email="", phone="06 12 34 56 78"))

    assert ServiceRequest.objects.get().phone == "06 12 34 56 78"
    assert [message.to for message in mail.outbox] == [["animatrice@example.org"]]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", "Give an e-mail address or a phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
        ({"service": "rocket_science"}, "service", "Select a valid choice."),
        ({"wished_start_date": "2000-01-01"}, "wished_start_date", "Choose a date from today on."),
    ],
    ids=["no-contact", "bad-email", "no-name", "bad-service", "past-date"],
)
def test_a_bad_order_is_refused_with_an_error_summary(client, cohort, overrides, field, message):
    response = client.post(reverse("cjs:order", args=[cohort.pk]), order_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="error-summary"' in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert not mail.outbox


def test_a_filled_honeypot_silently_succeeds_without_saving(
    client, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cjs:order", args=[cohort.pk]), order_data(website="http://spam.example")
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("cjs:order_sent", args=[cohort.pk])
    assert not ServiceRequest.objects.exists()
    assert not mail.outbox


def test_orders_are_rate_limited_per_address(client, cohort, settings):
    settings.ESSAIM_CJS_PUBLIC_FORM_RATE = "3/h"
    url = reverse("cjs:order", args=[cohort.pk])
    for _ in range(3):
        assert client.post(url, order_data()).status_code == 302

    response = client.post(url, order_data())

    assert response.status_code == 429
    assert "Too many forms were sent" in response.content.decode()
    assert ServiceRequest.objects.count() == 3
    # Another address is not limited, and reading the form never counts.
    assert client.get(url).status_code == 200
    assert client.post(url, order_data(), REMOTE_ADDR="192.0.2.7").status_code == 302


# --- Join this CJS -------------------------------------------------------------------------------------------


def test_an_adult_applies_with_consent(client, cohort, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("cjs:join", args=[cohort.pk]), join_data(cohort))

    assert response.status_code == 302
    enrolment = Enrolment.objects.select_related("person").get()
    assert (enrolment.cohort, enrolment.status) == (cohort, EnrolmentStatus.APPLIED)
    assert enrolment.person.first_name == "Inès"
    consent = enrolment.person.consents.get()
    assert (consent.kind, consent.given_date) == (ConsentKind.DATA_PROCESSING, timezone.localdate())
    assert not enrolment.person.guardians.exists()
    assert len(callbacks) == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["animatrice@example.org", "ines@example.org"]


def test_a_minor_applies_with_a_guardian(client, cohort):
    data = join_data(cohort, age=16, guardian_name="Karim Benali", guardian_phone="06 00 00 00 00")

    response = client.post(reverse("cjs:join", args=[cohort.pk]), data)

    assert response.status_code == 302
    person = Person.objects.get()
    guardian = person.guardians.get()
    assert (guardian.name, guardian.phone) == ("Karim Benali", "06 00 00 00 00")
    assert person.enrolments.get().is_minor


def test_someone_turning_18_after_the_start_is_a_minor(client, cohort):
    birth = cohort.start_date.replace(year=cohort.start_date.year - 18) + datetime.timedelta(days=1)

    response = client.post(
        reverse("cjs:join", args=[cohort.pk]), join_data(cohort, birth_date=birth.isoformat())
    )

    assert response.status_code == 200
    assert "guardian_name" in response.context["form"].errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"age": 16}, "guardian_name", "Under 18, give the name of a parent or guardian."),
        ({"age": 16, "guardian_name": "Karim"}, "guardian_email", "Under 18, give your parent's"),
        ({"consent": ""}, "consent", "Your consent to the processing of your data is needed"),
        ({"email": "", "phone": ""}, "email", "Give an e-mail address or a phone number"),
        ({"email": "ines@"}, "email", "Enter a valid email address."),
        (
            {"guardian_email": "nope", "age": 16, "guardian_name": "Karim"},
            "guardian_email",
            "Enter a valid email",
        ),
    ],
    ids=[
        "minor-no-guardian",
        "minor-no-guardian-contact",
        "no-consent",
        "no-contact",
        "bad-email",
        "bad-guardian",
    ],
)
def test_a_bad_application_is_refused(client, cohort, overrides, field, message):
    age = overrides.pop("age", 19)
    response = client.post(reverse("cjs:join", args=[cohort.pk]), join_data(cohort, age=age, **overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="error-summary"' in response.content.decode()
    assert not Person.objects.exists()
    assert not mail.outbox


def test_a_filled_honeypot_on_the_join_form_saves_nobody(client, cohort, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cjs:join", args=[cohort.pk]), join_data(cohort, website="x"))

    assert response["Location"] == reverse("cjs:join_sent", args=[cohort.pk])
    assert not Person.objects.exists()
    assert not mail.outbox


def test_applications_are_rate_limited(client, cohort, settings):
    settings.ESSAIM_CJS_PUBLIC_FORM_RATE = "1/h"
    url = reverse("cjs:join", args=[cohort.pk])
    assert client.post(url, join_data(cohort)).status_code == 302

    response = client.post(url, join_data(cohort, first_name="Other"))

    assert response.status_code == 429
    assert Person.objects.count() == 1


def test_the_default_rate_is_five_an_hour(client, cohort):
    url = reverse("cjs:order", args=[cohort.pk])
    statuses = [client.post(url, order_data()).status_code for _ in range(6)]

    assert statuses == [302] * 5 + [429]


def test_the_sent_pages_name_nobody(client, cohort):
    ServiceRequestFactory(cohort=cohort, name="Martine Durand")

    for name in ("cjs:order_sent", "cjs:join_sent"):
        response = client.get(reverse(name, args=[cohort.pk]))
        assert response.status_code == 200
        assert "Martine" not in response.content.decode()
