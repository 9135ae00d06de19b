"""Shapes of the training API. Quiz questions go out without anything that tells the right answer."""

from rest_framework import serializers

from lms.choices import CompletionRule


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
