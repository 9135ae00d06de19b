"""Issuing certificates: one per learner and course, whatever the retries; the snapshot; the PDF."""

import datetime
import io
from pathlib import Path
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from lms import activity, pdf, selectors, services, tasks
from lms.choices import CertificateKind, CertificateStatus
from lms.models import Certificate, CourseEnrolment, LessonCompletion
from programmes.models import OutboxMessage
from tests.lms import factories
from tests.programmes.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ESSAIM_PUBLIC_BASE_URL = "https://essaim.example.org"
    return tmp_path


def pdf_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.pdf"))


def pdf_text(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def learner(first_name: str = "Camille", last_name: str = "Dupont", **fields):
    user = UserFactory(first_name="Account", last_name="Name", email="camille@example.org", **fields)
    PersonFactory(user=user, first_name=first_name, last_name=last_name)
    return user


def queued(callbacks: list) -> list:
    """The on-commit callbacks that queue work (tasks, e-mails), leaving out cache renewals."""
    return [callback for callback in callbacks if not activity.is_renewal(callback)]


def enrol(course, user, *, days_ago: int = 10) -> CourseEnrolment:
    enrolled_at = timezone.now() - datetime.timedelta(days=days_ago)
    return CourseEnrolment.objects.create(
        user=user, course=course, enrolled_at=enrolled_at, seen_at=enrolled_at
    )


def complete_all(enrolment: CourseEnrolment, lessons, capture) -> None:
    with capture(execute=True):
        for lesson in lessons:
            services.complete_lesson(enrolment=enrolment, lesson=lesson)


def test_completing_the_last_lesson_issues_the_certificate_after_commit(
    media, django_capture_on_commit_callbacks
):
    course, lessons = factories.certified_course(minutes=(45, 50))
    enrolment = enrol(course, learner(), days_ago=10)

    with django_capture_on_commit_callbacks(execute=False) as first:
        services.complete_lesson(enrolment=enrolment, lesson=lessons[0])
    assert queued(first) == []  # nothing to certify yet
    with django_capture_on_commit_callbacks(execute=True) as last:
        services.complete_lesson(enrolment=enrolment, lesson=lessons[1])

    assert len(queued(last)) == 2  # the issuing task, then the e-mail it queues
    certificate = Certificate.objects.get()
    enrolment.refresh_from_db()
    assert (certificate.user, certificate.course) == (enrolment.user, course)
    assert certificate.kind == CertificateKind.ATTESTATION
    assert certificate.status == CertificateStatus.VALID
    assert (certificate.holder_first_name, certificate.holder_last_name) == ("Camille", "Dupont")
    assert certificate.course_title == "Découvrir la coopérative"
    assert certificate.objectives == ["Objectif un", "Objectif deux"]
    assert certificate.issuer_name == "Fabrique Coopérative"
    assert certificate.start_date == timezone.localdate(enrolment.enrolled_at)
    assert certificate.completion_date == timezone.localdate(enrolment.completed_at)
    assert certificate.realised_minutes == 95
    assert len(certificate.code) == 12 and certificate.code.isalnum() and certificate.code.isupper()
    assert pdf_files(media) == [Path(certificate.pdf.path)]
    assert certificate.notified_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert "Découvrir la coopérative" in message.subject
    assert f"https://essaim.example.org/verify/{certificate.code}/" in message.body


def test_a_course_without_certificate_issues_none(media, django_capture_on_commit_callbacks):
    course, lessons = factories.certified_course(minutes=(10,))
    course.has_certificate = False
    course.save_revision().publish()
    enrolment = enrol(course, learner())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.complete_lesson(enrolment=enrolment, lesson=lessons[0])

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert queued(callbacks) == []
    assert tasks.issue_certificate(enrolment.pk) is None
    assert not Certificate.objects.exists()


def test_running_the_task_again_makes_no_second_certificate_file_or_email(
    media, django_capture_on_commit_callbacks
):
    course, lessons = factories.certified_course()
    enrolment = enrol(course, learner())
    complete_all(enrolment, lessons, django_capture_on_commit_callbacks)
    first = Certificate.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.issue_certificate(enrolment.pk)
        delayed = tasks.issue_certificate.delay(enrolment.pk).get()

    assert again == delayed == first.pk
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().pdf.name == first.pdf.name
    assert len(pdf_files(media)) == 1
    assert len(mail.outbox) == 1


def test_a_double_submission_queues_the_certificate_once(media, django_capture_on_commit_callbacks):
    course, lessons = factories.certified_course(minutes=(20,))
    user = learner()
    enrol(course, user)
    # Two requests loaded the same enrolment before either completed the course.
    first, second = CourseEnrolment.objects.get(user=user), CourseEnrolment.objects.get(user=user)
    LessonCompletion.objects.create(user=user, lesson=lessons[0])

    with django_capture_on_commit_callbacks(execute=True):
        assert services.complete_course_if_done(first)
        assert services.complete_course_if_done(second)
        services.complete_lesson(enrolment=second, lesson=lessons[0])

    # Queued once through the outbox (written with the transaction, published after commit).
    assert OutboxMessage.objects.filter(task_name=tasks.issue_certificate.name).count() == 1
    assert Certificate.objects.count() == 1
    assert len(pdf_files(media)) == 1
    assert len(mail.outbox) == 1


def test_a_run_that_loses_the_race_returns_the_winners_certificate(media):
    course, lessons = factories.certified_course(minutes=(20,))
    user = learner()
    enrolment = enrol(course, user)
    LessonCompletion.objects.create(user=user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)
    snapshot = services._snapshot
    winner: list[Certificate] = []

    def another_worker_gets_there_first(enrolment_arg):
        values = snapshot(enrolment_arg)
        if not winner:  # between our "does it exist?" and our insert, another worker inserts
            winner.append(Certificate.objects.create(user=user, course=course, **values))
        return values

    with mock.patch.object(services, "_snapshot", side_effect=another_worker_gets_there_first):
        certificate = tasks.issue_certificate(enrolment.pk)

    assert certificate == winner[0].pk
    assert Certificate.objects.count() == 1
    assert len(pdf_files(media)) == 1


def test_the_database_refuses_a_second_certificate_for_the_same_course(media):
    course, lessons = factories.certified_course(minutes=(20,))
    enrolment = enrol(course, learner())
    LessonCompletion.objects.create(user=enrolment.user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)
    certificate = services.issue_certificate(enrolment=enrolment, notify=False)
    copy = {
        field.name: getattr(certificate, field.name)
        for field in Certificate._meta.concrete_fields
        if field.name not in {"id", "code", "pdf"}
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(**copy)


def test_a_retry_after_a_failed_rendering_generates_the_pdf_once(media):
    course, lessons = factories.certified_course(minutes=(20,))
    enrolment = enrol(course, learner())
    LessonCompletion.objects.create(user=enrolment.user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)

    with (
        mock.patch.object(pdf, "certificate_pdf", side_effect=pdf.PdfError("layout")),
        pytest.raises(pdf.PdfError),
    ):
        tasks.issue_certificate(enrolment.pk)
    assert not Certificate.objects.get().pdf
    assert mail.outbox == []

    tasks.issue_certificate(enrolment.pk)
    tasks.issue_certificate(enrolment.pk)

    assert Certificate.objects.count() == 1
    assert len(pdf_files(media)) == 1
    assert Certificate.objects.get().pdf


def test_a_concurrent_rendering_that_finishes_second_removes_its_own_file(media):
    course, lessons = factories.certified_course(minutes=(20,))
    enrolment = enrol(course, learner())
    LessonCompletion.objects.create(user=enrolment.user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)
    certificate = services._create_certificate(enrolment, timezone.now())
    render = pdf.certificate_pdf
    other = media / "certificates" / "other-worker.pdf"

    def another_worker_stores_its_file_meanwhile(locked):
        content = render(locked)
        other.parent.mkdir(parents=True, exist_ok=True)
        other.write_bytes(content)
        Certificate.objects.filter(pk=locked.pk).update(pdf="certificates/other-worker.pdf")
        return content

    with mock.patch.object(pdf, "certificate_pdf", side_effect=another_worker_stores_its_file_meanwhile):
        services.ensure_certificate_pdf(certificate)

    assert certificate.pdf.name == "certificates/other-worker.pdf"
    assert pdf_files(media) == [other]


def test_the_realised_duration_counts_the_completed_lessons_of_that_course_only():
    course, lessons = factories.certified_course(minutes=(30, 40))
    optional = factories.lesson(lessons[0].get_parent(), estimated_minutes=15, is_required=False)
    hidden = factories.lesson(lessons[0].get_parent(), estimated_minutes=100)
    other_course, other_lessons = factories.certified_course(minutes=(25,))
    user = learner()
    for lesson in [lessons[0], optional, hidden, other_lessons[0]]:
        LessonCompletion.objects.create(user=user, lesson=lesson)
    hidden.unpublish()

    assert selectors.realised_minutes(user, course) == 30 + 15
    assert selectors.realised_minutes(user, other_course) == 25
    assert selectors.realised_minutes(UserFactory(), course) == 0


def test_the_certificate_keeps_what_it_certified_when_things_change_later(
    client, media, django_capture_on_commit_callbacks
):
    course, lessons = factories.certified_course()
    user = learner()
    complete_all(enrol(course, user), lessons, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()

    course.title = "Un autre titre"
    course.objectives = [{"type": "objective", "value": "Autre chose"}]
    course.save_revision().publish()
    user.person.last_name = "Martin"
    user.person.save()
    certificate.refresh_from_db()

    assert (certificate.course_title, certificate.holder_last_name) == ("Découvrir la coopérative", "Dupont")
    assert certificate.objectives == ["Objectif un", "Objectif deux"]
    assert client.get(f"/api/v1/certificates/{certificate.code}/").json()["holder"] == "Camille D."


def test_the_name_comes_from_the_account_when_there_is_no_participant_file(media):
    course, lessons = factories.certified_course(minutes=(20,))
    user = UserFactory(first_name="Noor", last_name="Haddad")
    enrolment = enrol(course, user)
    LessonCompletion.objects.create(user=user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)

    certificate = services.issue_certificate(enrolment=enrolment)

    assert certificate.holder_full_name == "Noor Haddad"
    assert certificate.holder_public_name == "Noor H."


def test_the_attestation_pdf_states_the_learner_course_dates_duration_issuer_and_code(media):
    course, lessons = factories.certified_course(minutes=(45, 50), objectives=("Fixer le prix d'un service",))
    enrolment = enrol(course, learner())
    for lesson in lessons:
        LessonCompletion.objects.create(user=enrolment.user, lesson=lesson)
    services.complete_course_if_done(enrolment)

    certificate = services.issue_certificate(enrolment=enrolment)
    text = pdf_text(certificate)

    assert "Certificate of completion" in text
    assert "Camille Dupont" in text
    assert "Découvrir la coopérative" in text
    assert "Fixer le prix d'un service" in text
    assert "1 h 35 min" in text
    assert "Fabrique Coopérative" in text
    assert certificate.code in text
    assert certificate.start_date.strftime("%B %Y").split()[0] in text
    assert f"https://essaim.example.org/verify/{certificate.code}/" in text
    assert "L.6313-1" not in text and "SIRET" not in text


def test_the_qr_code_in_the_pdf_points_to_the_verification_page(media):
    course, lessons = factories.certified_course(minutes=(20,))
    enrolment = enrol(course, learner())
    LessonCompletion.objects.create(user=enrolment.user, lesson=lessons[0])
    services.complete_course_if_done(enrolment)
    certificate = services.issue_certificate(enrolment=enrolment)

    with certificate.pdf.open("rb") as handle:
        images = PdfReader(io.BytesIO(handle.read())).pages[0].images
    buffer = io.BytesIO()
    segno.make(f"https://essaim.example.org/verify/{certificate.code}/", error="m").save(
        buffer, kind="png", scale=5, border=2
    )
    expected = Image.open(buffer)

    assert len(images) == 1
    embedded = images[0].image
    assert embedded.size == expected.size

    def black_and_white(image):
        return image.convert("L").point(lambda value: 255 if value > 127 else 0).tobytes()

    assert black_and_white(embedded) == black_and_white(expected)


def test_a_funded_course_gets_a_certificat_de_realisation_with_the_provider_identity(media):
    provider = factories.provider(
        legal_name="Coopérer pour Entreprendre", siret="12345678900017", declaration_number="52440012344"
    )
    course, lessons = factories.certified_course(minutes=(120, 90), is_funded=True, provider=provider)
    enrolment = enrol(course, learner(), days_ago=20)
    for lesson in lessons:
        LessonCompletion.objects.create(user=enrolment.user, lesson=lesson)
    services.complete_course_if_done(enrolment)

    certificate = services.issue_certificate(enrolment=enrolment)
    text = pdf_text(certificate)

    assert certificate.kind == CertificateKind.REALISATION
    assert (certificate.issuer_name, certificate.provider_siret, certificate.provider_declaration_number) == (
        "Coopérer pour Entreprendre",
        "12345678900017",
        "52440012344",
    )
    for expected in [
        "Certificat de réalisation",
        "Coopérer pour Entreprendre",
        "12345678900017",
        "52440012344",
        "Camille Dupont",
        "Découvrir la coopérative",
        "action de formation",
        "L.6313-1",
        "3 h 30 min",
        "supporting documents",
        "3 years",
        certificate.code,
    ]:
        assert expected in " ".join(text.split()), expected


def test_a_funded_course_needs_its_training_provider():
    course, _lessons = factories.certified_course(minutes=(20,))
    course.is_funded = True

    with pytest.raises(ValidationError) as error:
        course.full_clean()

    assert "provider" in error.value.message_dict


@pytest.mark.parametrize(("minutes", "label"), [(45, "45 min"), (120, "2 h"), (185, "3 h 05 min")])
def test_the_duration_reads_in_hours_and_minutes(minutes, label):
    assert Certificate(realised_minutes=minutes).duration_label == label
