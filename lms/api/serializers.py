"""Shapes of the training API. Quiz questions go out without anything that tells the right answer."""

from django.urls import reverse

from rest_framework import serializers

from lms import selectors
from lms.choices import CertificateKind, CertificateStatus, CompletionRule
from lms.models import Certificate


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

    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if not certificate.is_valid:
            return None
        path = reverse("api:lms-certificate-pdf", args=[certificate.code])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

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
