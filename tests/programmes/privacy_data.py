"""A person present in every app, and the network around them, for the privacy tests."""

import dataclasses
import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from wagtail.contrib.forms.models import FormSubmission
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from rest_framework.authtoken.models import Token

from cjs.choices import ContractStatus, DistributionMethod, MeetingKind, VoteChoice
from cjs.models import Committee, Decision, DistributionShare, Meeting, SurplusDistribution, Vote
from cms.models import PhotoSubject
from flashcoop.choices import FollowUpStatus, Situation, YesNoRefused
from flashcoop.models import Mentee, MentoringMeeting
from lms.choices import LiveAttendanceStatus
from lms.models import (
    CalendarFeed,
    ConnectionLog,
    LessonCompletion,
    LessonTime,
    LiveAttendance,
    QuizAttempt,
    ScormAttempt,
    ScormPackage,
    ScormSco,
)
from programmes.choices import ConsentKind, EnrolmentStatus, ResponseSource, Wave
from programmes.models import (
    Answer,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    PrivacyRequest,
    Response,
    User,
)
from tests.cjs.factories import ContractFactory, ExpenseFactory, ServiceRequestFactory, WorkLogFactory
from tests.flashcoop.factories import (
    EntryProfileFactory,
    ExitFactory,
    FlashcoopCohortFactory,
    FollowUpFactory,
    MentorFactory,
    ParticipantFactory,
)
from tests.lms.factories import (
    CertificateFactory,
    CourseEnrolmentFactory,
    course,
    digcomp_assessment,
    lesson,
    live_session,
    module,
    quiz,
    right_answers,
)
from tests.programmes import evaluation_factories
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    ConsentFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    GuardianFactory,
    PartnerContactFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
)

EMAIL = "lea.kerhuel@example.org"


@dataclasses.dataclass
class Everywhere:
    person: Person
    user: User
    cjs_enrolment: Enrolment
    flashcoop_enrolment: Enrolment
    image: Image


def cjs_cohort(name: str = "CJS Nantes Bellevue", year: int = 2018):
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs", name="CJS"), year=year)
    return CohortFactory(edition=edition, name=name)


def person_in_every_app() -> Everywhere:
    """Léa Kerhuel, 16 in summer 2018: a CJS member, then a Flashcoop participant, a learner, on a photo."""
    user = UserFactory(username="lea", first_name="Léa", last_name="Kerhuel", email=EMAIL, role="learner")
    Token.objects.create(user=user)
    person = PersonFactory(
        first_name="Léa",
        last_name="Kerhuel",
        birth_date=datetime.date(2002, 3, 1),
        gender="f",
        email=EMAIL,
        phone="06 11 22 33 44",
        is_qpv_resident=True,
        education_level="lower_secondary",
        employment_status="in_education",
        user=user,
    )
    GuardianFactory(person=person, name="Sophie Kerhuel", email="sophie.kerhuel@example.org")
    for kind in ConsentKind.values:
        ConsentFactory(
            person=person, kind=kind, given_by="Sophie Kerhuel", given_date=datetime.date(2018, 6, 1)
        )
    PrivacyRequest.objects.create(
        person=person,
        kind=PrivacyRequest.Kind.ACCESS,
        requested_by=PrivacyRequest.Requester.GUARDIAN,
        requester_name="Sophie Kerhuel",
        received_date=datetime.date(2018, 9, 1),
    )

    # CJS: member, attendance, hours, surplus share, committee, assembly, vote.
    cohort = cjs_cohort()
    enrolment = EnrolmentFactory(person=person, cohort=cohort, status=EnrolmentStatus.COMPLETED, exit_note="")
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment, from_status="", to_status="completed", changed_date=datetime.date(2018, 8, 31)
    )
    AttendanceFactory(session=SessionFactory(cohort=cohort), enrolment=enrolment)
    contract = ContractFactory(
        cohort=cohort, status=ContractStatus.PAID, price=Decimal("420.00"), description="Jardin de Mme Durand"
    )
    WorkLogFactory(contract=contract, enrolment=enrolment, hours=Decimal("6.00"))
    ExpenseFactory(cohort=cohort, amount=Decimal("20.00"))
    distribution = SurplusDistribution.objects.create(
        cohort=cohort,
        decided_date=datetime.date(2018, 8, 30),
        method=DistributionMethod.BY_HOURS,
        turnover=Decimal("420.00"),
        expenses=Decimal("20.00"),
        reserve=Decimal("0.00"),
        distributed=Decimal("400.00"),
    )
    DistributionShare.objects.create(
        distribution=distribution, enrolment=enrolment, hours=Decimal("6.00"), amount=Decimal("400.00")
    )
    committee = Committee.objects.create(cohort=cohort, name="Finances")
    committee.members.add(enrolment)
    meeting = Meeting.objects.create(
        cohort=cohort,
        kind=MeetingKind.ASSEMBLY,
        meeting_date=datetime.date(2018, 8, 30),
        agenda="Comptes présentés par Léa Kerhuel",
        minutes="Léa  Kerhuel présente les comptes ; KERHUEL Léa répond aux questions.",
    )
    meeting.attendees.add(enrolment)
    decision = Decision.objects.create(meeting=meeting, title="Ristourne", text="Proposée par Léa Kerhuel.")
    Vote.objects.create(decision=decision, enrolment=enrolment, choice=VoteChoice.FOR)

    # Later on staff: her account also runs a cohort, coordinates a programme and speaks for a partner.
    FacilitatorAssignmentFactory(user=user, cohort=cjs_cohort("CJS Nantes Dervallières", year=2021))
    CoordinatorScopeFactory(user=user, programme=cohort.edition.programme)
    PartnerContactFactory(user=user)

    # Flashcoop: ESF entry profile with a disability (explicit consent), exit, answered follow-up, mentor.
    participant = ParticipantFactory(person=person, cohort=FlashcoopCohortFactory(name="Flashcoop Nantes"))
    EntryProfileFactory(
        enrolment=participant, disability=YesNoRefused.YES, disability_consent_date=datetime.date(2019, 3, 11)
    )
    ExitFactory(
        enrolment=participant, note="Léa voudrait devenir fleuriste.", situation=Situation.JOB_SEARCHING
    )
    FollowUpFactory(
        enrolment=participant,
        status=FollowUpStatus.ANSWERED,
        situation=Situation.EMPLOYMENT,
        situation_note="J'ai trouvé un emploi chez un fleuriste.",
        token_hash="a" * 64,
    )
    mentor = MentorFactory(cohort=participant.cohort, name="Isabelle Roux", contact="isabelle@example.org")
    Mentee.objects.create(mentor=mentor, enrolment=participant)
    MentoringMeeting.objects.create(
        mentor=mentor,
        enrolment=participant,
        meeting_date=datetime.date(2019, 3, 13),
        notes="Parle de ses projets.",
    )

    # Training: enrolled in a course, one lesson done, one quiz passed.
    a_quiz = quiz()
    a_course = course(title="Créer sa coopérative")
    a_lesson = lesson(module(a_course), quiz=a_quiz)
    CourseEnrolmentFactory(user=user, course=a_course)
    LessonCompletion.objects.create(user=user, lesson=a_lesson)
    QuizAttempt.objects.create(
        user=user, lesson=a_lesson, quiz=a_quiz, answers=right_answers(a_quiz), score=1.0, is_passed=True
    )
    # ... a SCORM module she started (the content repeats her name in its CMI data).
    package = ScormPackage.objects.create(title="Module SCORM", version="1.2", archive="module.zip")
    sco = ScormSco.objects.create(package=package, identifier="a", title="Accueil", launch_path="index.html")
    ScormAttempt.objects.create(
        user=user,
        lesson=a_lesson,
        sco=sco,
        completion_status="incomplete",
        total_seconds=120,
        session_seconds=120,
        suspend_data="page=2",
        cmi={"core": {"student_name": "Kerhuel, Léa", "lesson_status": "incomplete"}},
    )

    # ... her certificate (with its PDF) and an earlier one revoked, a live session she attended (its
    # minutes name her), connected time, her calendar feed, a login, a digital-skills self-assessment.
    certificate = CertificateFactory(
        user=user, course=a_course, holder_first_name="Léa", holder_last_name="Kerhuel", course_title="Coop"
    )
    certificate.pdf.save("attestation.pdf", ContentFile(b"%PDF-1.4 Lea Kerhuel"))
    CertificateFactory(
        user=user,
        holder_first_name="Léa",
        holder_last_name="Kerhuel",
        revoked=True,
        revocation_reason="Nom mal orthographié (Léa Kerhuel).",
    )
    session = live_session(
        a_course, cohort=cohort, starts_in_minutes=-120, notes="Léa Kerhuel a présenté son projet."
    )
    LiveAttendance.objects.create(
        session=session,
        user=user,
        arrived_at=session.starts_at,
        signed_at=session.starts_at,
        status=LiveAttendanceStatus.PRESENT,
        minutes_attended=55,
        confirmed_at=session.ends_at,
    )
    LessonTime.objects.create(
        user=user, lesson=a_lesson, activity_date=datetime.date(2019, 4, 2), seconds=600
    )
    CalendarFeed.objects.create(user=user, token_hash="b" * 64)
    ConnectionLog.objects.create(user=user, device="Firefox · Android", network="192.0.2.0/24")
    digcomp_assessment(user, 2)

    # Evaluation: invited at the end of her CJS, she answered in her own words.
    campaign = evaluation_factories.campaign([cohort], waves=(Wave.T1,))
    evaluation_factories.invitation(enrolment, campaign)
    response = Response.objects.create(
        questionnaire=campaign.questionnaire,
        wave=Wave.T1,
        campaign=campaign,
        cohort=cohort,
        person=person,
        respondent_ref="LK-2018",
        source=ResponseSource.LINK,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(
        response=response,
        item=campaign.questionnaire.items.get(code="word"),
        text="Confiance, dit Léa Kerhuel",
    )

    # Public site: on a photo, and a message sent through the contact form.
    image = Image.objects.create(title="Chantier de l'été", file=get_test_image_file(filename="chantier.png"))
    PhotoSubject.objects.create(image=image, person=person)
    FormSubmission.objects.create(
        page=Page.objects.get(depth=1), form_data={"votre-nom": "Léa Kerhuel", "votre-adresse-e-mail": EMAIL}
    )
    return Everywhere(
        person=person, user=user, cjs_enrolment=enrolment, flashcoop_enrolment=participant, image=image
    )


def network_around(everywhere: Everywhere) -> None:
    """Enough other people for the published figures to show (counts of 11 or more)."""
    cjs = everywhere.cjs_enrolment.cohort
    other = cjs_cohort("CJS Rennes Maurepas")
    for index in range(14):
        minor = index % 2 == 0
        enrolment = EnrolmentFactory(
            cohort=cjs if index < 7 else other,
            person__minor=minor,
            person__gender="f" if index % 3 else "m",
            status=EnrolmentStatus.WITHDRAWN if index == 5 else EnrolmentStatus.COMPLETED,
            exit_reason="found_job" if index == 5 else "",
        )
        if minor:
            GuardianFactory(person=enrolment.person)
            ConsentFactory(person=enrolment.person)
        AttendanceFactory(
            session=SessionFactory(cohort=enrolment.cohort, date=datetime.date(2018, 7, 3)),
            enrolment=enrolment,
        )
    ContractFactory(
        cohort=other, status=ContractStatus.INVOICED, price=Decimal("180.00"), hours=Decimal("7.50")
    )
    ServiceRequestFactory(cohort=cjs)
    flashcoop = everywhere.flashcoop_enrolment.cohort
    for _index in range(12):
        participant = ParticipantFactory(cohort=flashcoop)
        EntryProfileFactory(enrolment=participant)
        ExitFactory(enrolment=participant)
