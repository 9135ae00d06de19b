"""Shapes of the training API. Quiz questions go out without anything that tells the right answer."""

from typing import Any

from django.urls import reverse

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lms import open_badges, selectors
from lms.choices import (
    CertificateKind,
    CertificateStatus,
    CompletionRule,
    LiveAttendanceStatus,
    LiveSessionKind,
)
from lms.models import Certificate, LiveSession


class CourseListSerializer(serializers.Serializer):
    """One course of the catalogue with the caller's progress (built from selectors.CourseProgress)."""

    id = serializers.IntegerField(source="course.pk")
    slug = serializers.CharField(source="course.slug")
    title = serializers.CharField(source="course.title")
    enrolled = serializers.BooleanField(source="is_enrolled")
    progress = serializers.FloatField(help_text="Share of the current required lessons completed, 0..1.")


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    multiple = serializers.BooleanField(source="is_multiple")
    choices = ChoiceSerializer(many=True, source="choices.all")


class QuizSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    max_attempts = serializers.IntegerField(allow_null=True)
    questions = QuestionSerializer(many=True, source="questions.all")


class LessonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.pk")
    title = serializers.CharField(source="lesson.title")
    estimated_minutes = serializers.IntegerField(source="lesson.estimated_minutes")
    completion_rule = serializers.ChoiceField(choices=CompletionRule.choices, source="lesson.completion_rule")
    required = serializers.BooleanField(source="lesson.is_required")
    completed = serializers.BooleanField(source="is_completed")
    quiz = QuizSerializer(source="lesson.quiz", allow_null=True)


class CourseDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    progress = serializers.FloatField(help_text="Share of the current required lessons completed, 0..1.")
    lessons = LessonSerializer(many=True)


class LessonCompletionSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    completed = serializers.BooleanField()
    course_progress = serializers.FloatField()
    course_completed = serializers.BooleanField()


class QuizAttemptRequestSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='{"<question id>": ["<choice id>", ...]}',
    )


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    correct = serializers.BooleanField()
    explanation = serializers.CharField()


class QuizAttemptResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField(help_text="Share of questions answered right, 0..1.")
    passed = serializers.BooleanField()
    attempts_left = serializers.IntegerField(allow_null=True)
    results = QuestionResultSerializer(many=True)


class CertificateSerializer(serializers.Serializer):
    """One of the caller's certificates (built from lms.Certificate)."""

    code = serializers.CharField(help_text="Verification code, also printed under the QR code.")
    course = serializers.CharField(source="course_title", help_text="Course title when it was issued.")
    kind = serializers.ChoiceField(choices=CertificateKind.choices)
    issued_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    realised_minutes = serializers.IntegerField()
    pdf_url = serializers.SerializerMethodField(help_text="Download (holder, while it is valid).")
    verification_url = serializers.SerializerMethodField(help_text="Public page anyone can check it on.")
    open_badge_url = serializers.SerializerMethodField(
        help_text="Signed Open Badges 3.0 credential (holder, while it is valid; null when not set up)."
    )

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if not certificate.is_valid:
            return None
        return self._absolute(reverse("api:lms-certificate-pdf", args=[certificate.code]))

    def get_open_badge_url(self, certificate: Certificate) -> str | None:
        if not certificate.is_valid or not open_badges.is_available():
            return None
        return self._absolute(reverse("api:lms-certificate-open-badge", args=[certificate.code]))

    def get_verification_url(self, certificate: Certificate) -> str:
        return selectors.verification_url(certificate.code)


class PublicCertificateSerializer(serializers.Serializer):
    """All a public verification tells (built from lms.selectors.PublicCertificate)."""

    code = serializers.CharField()
    holder = serializers.CharField(help_text='First name and last initial only, e.g. "Camille D.".')
    course = serializers.CharField()
    issue_date = serializers.DateField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    revocation_date = serializers.DateField(allow_null=True)


# --- Digital skills self-assessment (DigComp) -------------------------------------------------------

LEVEL_HELP = "0 = not yet, 1..8 = DigComp proficiency levels, null = “I don't know”."


class DigcompLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="0 = not yet (Essaim's addition), 1..8 = DigComp levels.")
    band = serializers.CharField(
        help_text="Basic, intermediate, advanced or highly advanced (not yet for 0)."
    )
    statement = serializers.CharField(help_text="Essaim's short first-person sentence shown in the form.")
    description = serializers.CharField(help_text="The framework's description of the level (empty for 0).")


class DigcompCompetenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code, such as “1.1”.")
    label = serializers.CharField()
    description = serializers.CharField()
    example = serializers.CharField(help_text="Essaim's everyday example (not part of DigComp).")


class DigcompAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    short_label = serializers.CharField()
    description = serializers.CharField()
    competences = DigcompCompetenceSerializer(many=True)


class DigcompFrameworkSerializer(serializers.Serializer):
    version = serializers.CharField()
    language = serializers.CharField(
        help_text="Language of the labels: the request's language, else English."
    )
    official = serializers.BooleanField(help_text="False for Essaim's unofficial translations.")
    name = serializers.CharField()
    source = serializers.CharField()
    licence = serializers.CharField()
    translation_note = serializers.CharField()
    levels = DigcompLevelSerializer(many=True)
    unknown_label = serializers.CharField(help_text="The “I don't know” answer, sent as null.")
    areas = DigcompAreaSerializer(many=True)


class DigcompAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="assessment.pk")
    framework_version = serializers.CharField(source="assessment.framework_version")
    submitted_at = serializers.DateTimeField(source="assessment.submitted_at")
    ratings = serializers.DictField(
        source="levels", child=serializers.IntegerField(allow_null=True), help_text=LEVEL_HELP
    )
    area_averages = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Mean level of each area (“I don't know” left out; null when no level was given).",
    )
    average = serializers.FloatField(allow_null=True, help_text="Mean of every level given.")


class DigcompAssessmentRequestSerializer(serializers.Serializer):
    ratings = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=0, max_value=8),
        help_text="Every competence code of the framework → " + LEVEL_HELP,
    )


class DigcompDistributionSerializer(serializers.Serializer):
    code = serializers.CharField()
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text="Respondents per level, index 0 (not yet) to 8."
    )
    unknown = serializers.IntegerField(help_text="Respondents who answered “I don't know”.")
    average = serializers.FloatField(allow_null=True)


class DigcompGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="“programme”, “edition-<year>” or “cohort-<id>”.")
    kind = serializers.ChoiceField(choices=["programme", "edition", "cohort"])
    name = serializers.CharField()
    edition = serializers.IntegerField(source="year", allow_null=True)
    cohort = serializers.IntegerField(source="cohort.pk", allow_null=True, default=None)
    suppressed = serializers.SerializerMethodField()
    suppression = serializers.ChoiceField(
        choices=["", "threshold", "secondary"],
        help_text="threshold: fewer respondents than the disclosure threshold; secondary: shown beside its "
        "sub-groups it would reveal a small group by subtraction. Suppressed groups carry no figure.",
    )
    respondents = serializers.IntegerField(allow_null=True)
    respondents_display = serializers.CharField(
        help_text="The count as shown to people, « < 11 » when small."
    )
    area_averages = serializers.DictField(child=serializers.FloatField(allow_null=True), allow_null=True)
    competences = DigcompDistributionSerializer(many=True, allow_null=True)

    def get_suppressed(self, group: Any) -> bool:
        return not group.is_disclosed

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not instance.is_disclosed:
            data["area_averages"] = None
            data["competences"] = None
        return data


class DigcompAggregatesSerializer(serializers.Serializer):
    programme = serializers.CharField(source="programme.slug")
    edition = serializers.IntegerField(source="year", allow_null=True)
    threshold = serializers.IntegerField(help_text="Groups with fewer respondents are not shown.")
    groups = DigcompGroupSerializer(many=True)


class HeartbeatSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False,
        help_text="When the heartbeat was sent (ISO 8601). Believed up to 5 minutes back; defaults to now.",
    )


class HeartbeatResultSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    counted_seconds = serializers.IntegerField(
        help_text="Seconds of connected time this heartbeat added (0 for a duplicate or after an idle gap)."
    )


class MyAttendanceSerializer(serializers.Serializer):
    arrived_at = serializers.DateTimeField(allow_null=True, help_text="When you first clicked join.")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="When you signed the sign-in sheet.")
    status = serializers.ChoiceField(choices=LiveAttendanceStatus.choices, allow_blank=True)
    minutes_attended = serializers.IntegerField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class LiveSessionSerializer(serializers.Serializer):
    """A live session without its join address: joining goes through the join action, which records it."""

    id = serializers.IntegerField(source="pk")
    course = serializers.IntegerField(source="course_id")
    course_title = serializers.CharField(source="course.title")
    cohort = serializers.IntegerField(source="cohort_id", allow_null=True)
    lesson = serializers.IntegerField(source="lesson_id", allow_null=True)
    kind = serializers.ChoiceField(choices=LiveSessionKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    place = serializers.CharField()
    join_opens_at = serializers.DateTimeField(help_text="Joining (or signing in) opens then, until ends_at.")
    attendance_confirmed_at = serializers.DateTimeField(allow_null=True)
    my_attendance = serializers.SerializerMethodField()

    @extend_schema_field(MyAttendanceSerializer(allow_null=True))
    def get_my_attendance(self, session: LiveSession) -> dict | None:
        mine = getattr(session, "mine", [])
        return MyAttendanceSerializer(mine[0]).data if mine else None


class JoinResultSerializer(serializers.Serializer):
    join_url = serializers.URLField(help_text="Open this address: BigBlueButton, Jitsi or another tool.")
    arrived_at = serializers.DateTimeField(help_text="Your first arrival, recorded once.")


class RosterEntrySerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    arrived_at = serializers.DateTimeField(source="attendance.arrived_at", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(source="attendance.signed_at", allow_null=True, default=None)
    status = serializers.CharField(source="attendance.status", allow_blank=True, default="")
    minutes_attended = serializers.IntegerField(
        source="attendance.minutes_attended", allow_null=True, default=None
    )
    confirmed_at = serializers.DateTimeField(source="attendance.confirmed_at", allow_null=True, default=None)


class LiveAttendanceMarkSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    status = serializers.ChoiceField(choices=LiveAttendanceStatus.choices)
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Minutes attended; defaults to the whole session.",
    )


class ConfirmAttendanceSerializer(serializers.Serializer):
    attendances = LiveAttendanceMarkSerializer(many=True)
    notes = serializers.CharField(required=False, allow_blank=True, help_text="The minutes (compte rendu).")
