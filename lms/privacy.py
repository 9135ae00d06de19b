"""Personal data of the training app (registry in programmes.privacy): a learner's courses, lessons
completed, quiz attempts, connected time, live sessions, certificates, digital-skills self-assessments and
logins. They hang off the user account, which the erasure anonymises."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms import services
from lms.choices import CertificateKind
from lms.models import (
    CalendarFeed,
    Certificate,
    Choice,
    ConnectionLog,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    DigitalSkillsAssessment,
    DigitalSkillsRating,
    LessonCompletion,
    LessonPage,
    LessonTime,
    LiveAttendance,
    LiveSession,
    ModulePage,
    Question,
    Quiz,
    QuizAttempt,
    ScormAttempt,
    ScormPackage,
    ScormSco,
    TrainingProvider,
)
from programmes.models import Person
from programmes.privacy import anonymise, retention
from programmes.privacy.export import export_rows
from programmes.privacy.registry import (
    BaseProvider,
    Purpose,
    classify,
    not_personal,
    register_provider,
    register_purpose,
)


def declare() -> None:
    register_purpose(
        Purpose(
            "training",
            _("Remote training"),
            _(
                "Enrolments in courses, lessons completed and quiz results, seen by the learner and their facilitators."
            ),
            _("Performance of the training agreement"),
            "cohort",
        )
    )
    register_purpose(
        Purpose(
            "certificates",
            _("Training certificates"),
            _(
                "Certificates of completion (attestations, certificats de réalisation): the proof of the "
                "training handed to the learner, its public check by code (first name and initial only) "
                "and the records funders of a funded training require."
            ),
            _("Performance of the training agreement and legal obligation (funded vocational training)"),
            "funded_training",
        )
    )
    register_purpose(
        Purpose(
            "digital_skills",
            _("Digital skills self-assessment"),
            _(
                "What a person says about their own digital skills (DigComp), to position themself, see "
                "their progress and plan the training; shown to staff only as group results above the "
                "disclosure threshold."
            ),
            _("Legitimate interest of the network (adapting the training)"),
            "cohort",
        )
    )
    register_purpose(
        Purpose(
            "connection_log",
            _("Connection log"),
            _(
                "Each login to the training space: when, the browser family and a truncated network "
                "address, to detect misuse of an account."
            ),
            _("Legal obligation (security of processing, GDPR article 32)"),
            "connection_log",
        )
    )
    classify(
        CourseEnrolment,
        purpose="training",
        fields=["user", "enrolled_at", "completed_at"],
        subjects=["user__person"],
        staff=["enrolled_by"],
    )
    classify(LessonCompletion, purpose="training", fields=["user", "completed_at"], subjects=["user__person"])
    classify(QuizAttempt, purpose="training", fields=["user", "answers", "score"], subjects=["user__person"])
    # Certificate.badge_status_index is not personal: a random position in the public Open Badges status
    # lists, which publish bits only (docs/open-badges.md).
    classify(
        Certificate,
        purpose="certificates",
        fields=["user", "holder_first_name", "holder_last_name", "revocation_reason", "pdf"],
        subjects=["user__person"],
        staff=["revoked_by"],
        note=_("Funded trainings: kept at least the funders' term after the year of completion."),
    )
    classify(
        LiveSession,
        purpose="training",
        fields=["notes"],
        subjects=["attendances__user__person"],
        staff=["facilitator", "created_by", "attendance_confirmed_by"],
        note=_("The minutes may name participants: their names are redacted on erasure."),
    )
    classify(
        LiveAttendance,
        purpose="training",
        fields=["user", "arrived_at", "signed_at", "status", "minutes_attended", "confirmed_at"],
        subjects=["user__person"],
        staff=["signed_by"],
    )
    classify(
        LessonTime, purpose="training", fields=["user", "activity_date", "seconds"], subjects=["user__person"]
    )
    classify(
        CalendarFeed,
        purpose="training",
        fields=["user", "token_hash"],
        subjects=["user__person"],
        note=_("Deleted on erasure: the secret calendar address stops working."),
    )
    classify(
        ConnectionLog,
        purpose="connection_log",
        fields=["user", "logged_in_at", "device", "network"],
        subjects=["user__person"],
    )
    classify(
        DigitalSkillsAssessment,
        purpose="digital_skills",
        fields=["user", "submitted_at"],
        subjects=["user__person"],
    )
    classify(
        DigitalSkillsRating,
        purpose="digital_skills",
        fields=["level"],
        subjects=["assessment__user__person"],
    )
    classify(
        ScormAttempt,
        purpose="training",
        fields=[
            "user",
            "completion_status",
            "success_status",
            "score_raw",
            "score_scaled",
            "total_seconds",
            "location",
            "suspend_data",
            "cmi",
        ],
        subjects=["user__person"],
        note=_(
            "What a SCORM module reports (status, score, time, resume data); the raw CMI data, which "
            "repeats the learner's name, is emptied on erasure."
        ),
    )
    not_personal(ScormPackage, staff=["uploaded_by"], note=_("Course content."))
    content: list[type[Model]] = [
        CourseIndexPage,
        CoursePage,
        ModulePage,
        LessonPage,
        Quiz,
        Question,
        Choice,
        ScormSco,
    ]
    for model in content:
        not_personal(model, note=_("Course content."))
    not_personal(TrainingProvider, note=_("An organisation's legal details."))
    register_provider(LmsProvider())


CERTIFICATE_FIELDS = [
    "code",
    "kind",
    "status",
    "issued_at",
    "holder_first_name",
    "holder_last_name",
    "course_title",
    "issuer_name",
    "start_date",
    "completion_date",
    "realised_minutes",
    "revoked_at",
    "revocation_reason",
]


def funded_training_end(certificates: Any) -> datetime.date | None:
    """The last day the funders' evidence must be kept: `funded_training` years after the end of the
    year of the latest funded training completed (certificat de réalisation), None without one."""
    years = [
        certificate.completion_date.year
        for certificate in certificates
        if certificate.kind == CertificateKind.REALISATION
    ]
    if not years:
        return None
    return retention.add_years(datetime.date(max(years), 12, 31), retention.purpose_years("funded_training"))


class LmsProvider(BaseProvider):
    app_label = "lms"
    label = _("Training")
    models = (
        CourseEnrolment,
        LessonCompletion,
        QuizAttempt,
        Certificate,
        LiveSession,
        LiveAttendance,
        LessonTime,
        ScormAttempt,
        CalendarFeed,
        ConnectionLog,
        DigitalSkillsAssessment,
        DigitalSkillsRating,
    )

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        user = person.user_id
        if user is None:
            return {model._meta.label_lower: [] for model in self.models}
        return {
            "lms.courseenrolment": export_rows(
                CourseEnrolment.objects.filter(user_id=user).select_related("course").order_by("enrolled_at"),
                ["course", "enrolled_at", "completed_at"],
            ),
            "lms.lessoncompletion": export_rows(
                LessonCompletion.objects.filter(user_id=user)
                .select_related("lesson")
                .order_by("completed_at"),
                ["lesson", "completed_at"],
            ),
            "lms.quizattempt": export_rows(
                QuizAttempt.objects.filter(user_id=user)
                .select_related("quiz")
                .order_by("submitted_at", "pk"),
                ["quiz", "score", "is_passed", "submitted_at", "answers"],
            ),
            "lms.certificate": export_rows(
                Certificate.objects.filter(user_id=user).order_by("issued_at", "pk"), CERTIFICATE_FIELDS
            ),
            "lms.livesession": export_rows(
                LiveSession.objects.filter(attendances__user_id=user).distinct().order_by("starts_at", "pk"),
                ["title", "kind", "starts_at", "duration_minutes", "place"],
            ),
            "lms.liveattendance": export_rows(
                LiveAttendance.objects.filter(user_id=user)
                .select_related("session")
                .order_by("session__starts_at", "pk"),
                ["session", "arrived_at", "signed_at", "status", "minutes_attended", "confirmed_at"],
            ),
            "lms.lessontime": export_rows(
                LessonTime.objects.filter(user_id=user)
                .select_related("lesson")
                .order_by("activity_date", "pk"),
                ["lesson", "activity_date", "seconds"],
            ),
            "lms.scormattempt": export_rows(
                ScormAttempt.objects.filter(user_id=user)
                .select_related("lesson", "sco")
                .order_by("started_at", "pk"),
                [
                    "lesson",
                    "sco",
                    "completion_status",
                    "success_status",
                    "score_raw",
                    "score_min",
                    "score_max",
                    "score_scaled",
                    "total_seconds",
                    "started_at",
                    "updated_at",
                    "completed_at",
                    "location",
                    "suspend_data",
                ],
            ),
            # The feed's secret address is not kept (only its hash): its existence and date are the data.
            "lms.calendarfeed": export_rows(CalendarFeed.objects.filter(user_id=user), ["created_at"]),
            "lms.connectionlog": export_rows(
                ConnectionLog.objects.filter(user_id=user).order_by("logged_in_at", "pk"),
                ["logged_in_at", "device", "network"],
            ),
            "lms.digitalskillsassessment": export_rows(
                DigitalSkillsAssessment.objects.filter(user_id=user).order_by("submitted_at", "pk"),
                ["framework_version", "submitted_at"],
            ),
            "lms.digitalskillsrating": export_rows(
                DigitalSkillsRating.objects.filter(assessment__user_id=user)
                .select_related("assessment")
                .order_by("assessment__submitted_at", "assessment_id", "competence"),
                ["assessment", "competence", "level"],
            ),
        }

    def attachments(self, person: Any) -> list[tuple[str, bytes]]:
        """The PDF of each certificate that has one (the others are generated only when downloaded)."""
        if person.user_id is None:
            return []
        files = []
        for certificate in Certificate.objects.filter(user_id=person.user_id).exclude(pdf="").order_by("pk"):
            with certificate.pdf.open("rb") as handle:
                files.append((f"certificat-{certificate.code}.pdf", handle.read()))
        return files

    def retained_until(self, person: Any) -> datetime.date | None:
        """Funded trainings: the certificates (and so the person) are kept for the funders' checks."""
        if person.user_id is None:
            return None
        return funded_training_end(
            Certificate.objects.filter(user_id=person.user_id).only("kind", "completion_date")
        )

    def erase(self, person: Person) -> None:
        """Progress, scores, connected time, attendance and self-assessments stay on the account, which
        the core provider anonymises: completion and pass rates, time reports, live-session attendance and
        digital-skills group results do not move. The certificates no longer name the holder (the public
        check shows "Anonyme") and their PDF files go; the calendar address and the logins go; SCORM attempts
        keep their status, score and time but lose the raw CMI data and resume data; the
        learner's name is redacted from the minutes of the live sessions of their cohorts and courses."""
        user = person.user_id
        if user is not None:
            for certificate in Certificate.objects.filter(user_id=user):
                _anonymise_certificate(certificate)
            CalendarFeed.objects.filter(user_id=user).delete()
            ConnectionLog.objects.filter(user_id=user).delete()
            ScormAttempt.objects.filter(user_id=user).update(cmi={}, suspend_data="", location="")
        names = anonymise.person_names(person)
        if not names:
            return
        where = Q(cohort_id__in=person.enrolments.values("cohort_id"))
        if user is not None:
            where |= Q(attendances__user_id=user) | Q(course__enrolments__user_id=user)
        sessions = LiveSession.objects.exclude(notes="").filter(where)
        for session in sessions.distinct():
            notes = anonymise.redact(session.notes, names)
            if notes != session.notes:
                session.notes = notes
                session.save(update_fields=["notes"])

    def expire(self, today: datetime.date) -> dict[str, int]:
        """Logins go after ESSAIM_LMS_CONNECTION_LOG_DAYS (the same rule as the daily
        lms.tasks.purge_connection_log, which runs it on its own)."""
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        return {"connection_log": services.purge_connection_log(now=now)}


def _anonymise_certificate(certificate: Certificate) -> None:
    """No name, no reason (it may tell about the person), no file; the code, course, dates and duration
    stay (the funders' counts and the public check still answer, without a name)."""
    if certificate.holder_first_name != anonymise.ANONYMOUS or certificate.holder_last_name:
        certificate.holder_first_name = anonymise.ANONYMOUS
        certificate.holder_last_name = ""
        certificate.revocation_reason = ""
        certificate.save(update_fields=["holder_first_name", "holder_last_name", "revocation_reason"])
    elif certificate.revocation_reason:
        certificate.revocation_reason = ""
        certificate.save(update_fields=["revocation_reason"])
    if certificate.pdf:
        storage, name = certificate.pdf.storage, certificate.pdf.name
        Certificate.objects.filter(pk=certificate.pk).update(pdf="")
        transaction.on_commit(lambda: storage.delete(name))
