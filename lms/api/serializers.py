"""Shapes of the training API. Quiz questions go out without anything that tells the right answer."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lms.choices import CompletionRule, LiveAttendanceStatus, LiveSessionKind
from lms.models import LiveSession


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
