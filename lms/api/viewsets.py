"""Training API: the catalogue with progress, enrolment, lesson completion and quiz attempts."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import decorators, exceptions, response, serializers, status, viewsets
from rest_framework.request import Request

from lms import selectors, services
from lms.api.serializers import (
    CourseDetailSerializer,
    CourseListSerializer,
    LessonCompletionSerializer,
    QuizAttemptRequestSerializer,
    QuizAttemptResultSerializer,
)
from lms.models import CourseEnrolment, CoursePage, LessonPage


class CourseViewSet(viewsets.GenericViewSet[CoursePage]):
    """Open courses and the caller's own, with their progress (0..1) from the lessons live now."""

    serializer_class = CourseListSerializer

    def get_queryset(self) -> QuerySet[CoursePage]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return CoursePage.objects.none()
        return selectors.visible_courses(self.request.user)

    @extend_schema(responses=CourseListSerializer(many=True))
    def list(self, request: Request) -> response.Response:
        page = self.paginate_queryset(self.get_queryset())
        courses = list(page if page is not None else self.get_queryset())
        progress = selectors.progress_for(request.user, courses)
        data = CourseListSerializer([progress[course.pk] for course in courses], many=True).data
        return self.get_paginated_response(data) if page is not None else response.Response(data)

    @extend_schema(responses=CourseDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> response.Response:
        """The course's lessons in order; quiz questions come without their answers. Enrolled learners only."""
        course = self.get_object()
        progress = selectors.course_progress(request.user, course)
        if not progress.is_enrolled and not selectors.is_course_editor(request.user, course):
            raise exceptions.PermissionDenied("Enrol in this course first.")
        quizzes = [state.lesson.quiz for state in progress.lessons if state.lesson.quiz is not None]
        prefetch_related_objects(quizzes, "questions__choices")
        return response.Response(CourseDetailSerializer(progress).data)

    @extend_schema(request=None, responses={200: CourseListSerializer, 201: CourseListSerializer})
    @decorators.action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: str | None = None) -> response.Response:
        """Enrol yourself in an open course (answers 200 when already enrolled)."""
        course = self.get_object()
        existed = CourseEnrolment.objects.filter(user=request.user, course=course).exists()
        try:
            services.enrol_in_course(course=course, user=request.user, by=request.user)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        progress = selectors.course_progress(request.user, course)
        return response.Response(
            CourseListSerializer(progress).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class LessonViewSet(viewsets.GenericViewSet[LessonPage]):
    """Actions on a lesson of a course the caller is enrolled in (others answer 404)."""

    serializer_class = LessonCompletionSerializer
    queryset = LessonPage.objects.none()

    def get_queryset(self) -> QuerySet[LessonPage]:
        return LessonPage.objects.live()

    def _lesson_and_enrolment(self) -> tuple[LessonPage, CourseEnrolment]:
        lesson = self.get_object()
        course = selectors.course_of(lesson)
        enrolment = selectors.enrolment_in(self.request.user, course) if course is not None else None
        if enrolment is None:
            raise Http404
        return lesson, enrolment

    @extend_schema(request=None, responses=LessonCompletionSerializer)
    @decorators.action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> response.Response:
        """Complete a lesson whose rule is "view" or "mark_done" (400 for quiz and attendance lessons)."""
        lesson, enrolment = self._lesson_and_enrolment()
        try:
            services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        progress = selectors.course_progress(request.user, enrolment.course)
        return response.Response(
            LessonCompletionSerializer(
                {
                    "lesson": lesson.pk,
                    "completed": True,
                    "course_progress": progress.progress,
                    "course_completed": enrolment.completed_at is not None,
                }
            ).data
        )

    @extend_schema(
        request=QuizAttemptRequestSerializer,
        responses={201: QuizAttemptResultSerializer},
        examples=[
            OpenApiExample(
                "Answers", value={"answers": {"12": ["40"], "13": ["43", "44"]}}, request_only=True
            )
        ],
    )
    @decorators.action(detail=True, methods=["post"], url_path="quiz-attempts")
    def quiz_attempts(self, request: Request, pk: str | None = None) -> response.Response:
        """Submit answers; the server grades them and only then tells what was right."""
        lesson, enrolment = self._lesson_and_enrolment()
        payload = QuizAttemptRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            attempt = services.submit_quiz_attempt(
                enrolment=enrolment, lesson=lesson, answers=payload.validated_data["answers"]
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        quiz = selectors.quiz_with_questions(attempt.quiz_id)
        assert quiz is not None  # type narrowing  # nosec B101
        feedback = selectors.attempt_feedback(attempt, quiz)
        data = {
            "id": attempt.pk,
            "score": attempt.score,
            "passed": attempt.is_passed,
            "attempts_left": services.attempts_left(quiz=quiz, enrolment=enrolment, lesson=lesson),
            "results": [
                {
                    "question": item.question.pk,
                    "correct": item.is_correct,
                    "explanation": item.question.explanation,
                }
                for item in feedback
            ],
        }
        return response.Response(QuizAttemptResultSerializer(data).data, status=status.HTTP_201_CREATED)
