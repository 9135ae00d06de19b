"""Who gets a certificate's PDF, the learner's list and space, revocation from the back office, and lists
whose query count does not grow with their rows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import services
from lms.choices import CertificateStatus
from lms.models import Certificate, CourseEnrolment, LessonCompletion
from programmes.models import AuditEntry
from tests.lms import factories
from tests.lms.factories import CertificateFactory
from tests.programmes.factories import (
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ESSAIM_PUBLIC_BASE_URL = "https://essaim.example.org"
    return tmp_path


@pytest.fixture
def cohort_member():
    """A learner who is a member of a cohort run by a facilitator, with a certificate."""
    assignment = FacilitatorAssignmentFactory()
    holder = UserFactory(role="learner")
    EnrolmentFactory(cohort=assignment.cohort, person=PersonFactory(user=holder))
    return assignment, holder, CertificateFactory(user=holder, course_title="Découvrir la coopérative")


def pdf_url(certificate: Certificate) -> str:
    return f"/learn/certificates/{certificate.code}/pdf/"


def api_pdf_url(certificate: Certificate) -> str:
    return f"/api/v1/lms/certificates/{certificate.code}/pdf/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_holder_downloads_the_pdf_generated_once(client, cohort_member, media):
    _assignment, holder, certificate = cohort_member
    client.force_login(holder)

    first = client.get(pdf_url(certificate))
    again = client.get(api_pdf_url(certificate), headers={"Accept": "application/pdf"})

    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="certificate-{certificate.code}.pdf"'
    assert "no-store" in first["Cache-Control"]
    assert body(first).startswith(b"%PDF") and body(again).startswith(b"%PDF")
    assert len(list(media.rglob("*.pdf"))) == 1
    assert not AuditEntry.objects.filter(action="lms.certificate.download").exists()


def test_another_learner_gets_404(client, cohort_member):
    _assignment, _holder, certificate = cohort_member
    client.force_login(UserFactory(role="learner"))

    assert client.get(pdf_url(certificate)).status_code == 404
    assert client.get(api_pdf_url(certificate)).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client, cohort_member):
    _assignment, _holder, certificate = cohort_member

    assert client.get(pdf_url(certificate)).status_code == 302
    assert client.get(api_pdf_url(certificate)).status_code in (401, 403)
    assert client.get("/api/v1/lms/certificates/").status_code in (401, 403)


def test_the_facilitator_of_the_cohort_downloads_it_and_it_is_audited(client, cohort_member):
    assignment, _holder, certificate = cohort_member
    client.force_login(assignment.user)

    response = client.get(pdf_url(certificate))

    assert response.status_code == 200
    assert body(response).startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="lms.certificate.download")
    assert (entry.actor, entry.target_id) == (assignment.user, str(certificate.pk))


def test_a_facilitator_of_another_cohort_gets_404(client, cohort_member):
    _assignment, _holder, certificate = cohort_member
    client.force_login(FacilitatorAssignmentFactory().user)

    assert client.get(pdf_url(certificate)).status_code == 404
    assert client.get(api_pdf_url(certificate)).status_code == 404


def test_a_revoked_certificate_is_no_longer_handed_to_its_holder(client, cohort_member, roles):
    assignment, holder, certificate = cohort_member
    services.revoke_certificate(certificate=certificate, reason="Erreur", by=UserFactory(is_superuser=True))

    client.force_login(holder)
    refused = client.get(pdf_url(certificate))
    listed = client.get("/api/v1/lms/certificates/").json()["results"][0]
    client.force_login(assignment.user)
    staff = client.get(pdf_url(certificate))

    assert refused.status_code == 404
    assert (listed["status"], listed["pdf_url"]) == ("revoked", None)
    assert staff.status_code == 200


def test_the_learner_lists_her_own_certificates_only(client, cohort_member):
    _assignment, holder, certificate = cohort_member
    CertificateFactory()  # someone else's
    client.force_login(holder)

    results = client.get("/api/v1/lms/certificates/").json()["results"]

    assert len(results) == 1
    item = results[0]
    assert {"code", "course", "issued_at", "pdf_url", "verification_url"} <= set(item)
    assert item["code"] == certificate.code
    assert item["course"] == "Découvrir la coopérative"
    assert item["pdf_url"] == f"http://testserver/api/v1/lms/certificates/{certificate.code}/pdf/"
    assert item["verification_url"] == f"https://essaim.example.org/verify/{certificate.code}/"
    assert client.get(item["pdf_url"]).status_code == 200


def test_the_learner_space_lists_certificates_with_download_and_verification(client, cohort_member):
    _assignment, holder, certificate = cohort_member
    client.force_login(holder)

    response = client.get("/learn/")

    assertContains(response, "My certificates")
    assertContains(response, "Découvrir la coopérative")
    assertContains(response, pdf_url(certificate))
    assertContains(response, f"/verify/{certificate.code}/")
    assertNotContains(response, "Certificates appear here when you complete a course.")


def test_the_course_page_offers_the_certificate_once_completed(client, django_capture_on_commit_callbacks):
    course, lessons = factories.certified_course(minutes=(20,))
    user = UserFactory(role="learner")
    enrolment = CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)
    assertNotContains(client.get(course.url), "Your certificate")

    with django_capture_on_commit_callbacks(execute=True):
        services.complete_lesson(enrolment=enrolment, lesson=lessons[0])
    response = client.get(course.url)

    certificate = Certificate.objects.get(user=user)
    assertContains(response, "Your certificate")
    assertContains(response, pdf_url(certificate))
    assertContains(response, f"/verify/{certificate.code}/")


def test_a_completed_course_whose_certificate_is_pending_says_so(client):
    course, lessons = factories.certified_course(minutes=(20,))
    user = UserFactory(role="learner")
    enrolment = CourseEnrolment.objects.create(user=user, course=course)
    LessonCompletion.objects.create(user=user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)  # outside a transaction capture: the task never ran
    client.force_login(user)

    assertContains(client.get(course.url), "Your certificate is being prepared")


# --- Revocation --------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(cohort_member, roles):
    assignment, _holder, _certificate = cohort_member
    scope = CoordinatorScopeFactory(programme=assignment.cohort.edition.programme)
    return scope.user


def test_a_coordinator_revokes_a_certificate_of_her_scope_from_the_admin(client, cohort_member, coordinator):
    _assignment, _holder, certificate = cohort_member
    client.force_login(coordinator)
    url = reverse("lms_certificates:revoke", args=[certificate.pk])

    listing = client.get(reverse("lms_certificates:index"))
    form = client.get(url)
    empty = client.post(url, {"reason": "  "})
    done = client.post(url, {"reason": "Le parcours n'a pas été suivi par cette personne."})

    assertContains(listing, certificate.code)
    assertContains(listing, url)
    assert form.status_code == 200
    assert empty.status_code == 200
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == coordinator
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Le parcours n'a pas été suivi par cette personne."
    entry = AuditEntry.objects.get(action="lms.certificate.revoke")
    assert (entry.actor, entry.target_id) == (coordinator, str(certificate.pk))


def test_the_admin_inspect_view_is_audited_and_offers_to_revoke(client, cohort_member, coordinator):
    _assignment, _holder, certificate = cohort_member
    client.force_login(coordinator)

    response = client.get(reverse("lms_certificates:inspect", args=[certificate.pk]))

    assertContains(response, certificate.code)
    assertContains(response, reverse("lms_certificates:revoke", args=[certificate.pk]))
    assert AuditEntry.objects.filter(action="lms.certificate.view", actor=coordinator).exists()


def test_a_coordinator_of_another_region_sees_nothing(client, cohort_member, roles):
    _assignment, _holder, certificate = cohort_member
    elsewhere = CoordinatorScopeFactory(regions=[region("84")]).user
    client.force_login(elsewhere)

    listing = client.get(reverse("lms_certificates:index"))

    assertNotContains(listing, certificate.code)
    assert client.get(reverse("lms_certificates:inspect", args=[certificate.pk])).status_code == 404
    assert (
        client.post(reverse("lms_certificates:revoke", args=[certificate.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(pdf_url(certificate)).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_facilitators_and_learners_cannot_revoke(cohort_member):
    assignment, holder, certificate = cohort_member

    for user in (assignment.user, holder):
        with pytest.raises(PermissionDenied):
            services.revoke_certificate(certificate=certificate, reason="Non", by=user)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert not AuditEntry.objects.filter(action="lms.certificate.revoke").exists()


def test_a_certificate_is_revoked_once_with_a_reason(cohort_member, roles):
    _assignment, _holder, certificate = cohort_member
    staff = UserFactory(role="fabrique")

    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, reason=" ", by=staff)
    services.revoke_certificate(certificate=certificate, reason="Doublon", by=staff)
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, reason="Encore", by=staff)

    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Doublon"
    assert AuditEntry.objects.filter(action="lms.certificate.revoke").count() == 1


# --- Query counts ------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_certificate_lists_take_as_many_queries_for_5_rows_as_for_50(client, roles):
    holder = UserFactory(role="learner")
    staff = UserFactory(role="fabrique")
    CertificateFactory.create_batch(5, user=holder)
    client.force_login(holder)
    small = {url: count_queries(client, url) for url in ["/api/v1/lms/certificates/", "/learn/"]}
    client.force_login(staff)
    small_admin = count_queries(client, reverse("lms_certificates:index"))

    CertificateFactory.create_batch(45, user=holder)
    client.force_login(holder)
    large = {url: count_queries(client, url) for url in ["/api/v1/lms/certificates/", "/learn/"]}
    client.force_login(staff)
    large_admin = count_queries(client, reverse("lms_certificates:index"))

    assert small == large
    assert small_admin == large_admin
    client.force_login(holder)
    assert len(client.get("/api/v1/lms/certificates/").json()["results"]) == 50
    assert client.get("/learn/").content.decode().count('class="card certificate-card"') == 50
