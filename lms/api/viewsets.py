"""Training API: the catalogue with progress, enrolment, lesson completion, quiz attempts, heartbeats of
lessons in view, live sessions (join, sign in, attendance confirmed by the facilitator), the caller's
certificates, the public certificate verification, and the digital-skills self-assessment."""

import dataclasses
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import (
    decorators,
    exceptions,
    mixins,
    permissions,
    renderers,
    response,
    serializers,
    status,
    views,
    viewsets,
)
from rest_framework.request import Request

from lms import digcomp, downloads, selectors, services
from lms.api.serializers import (
    CertificateSerializer,
    ConfirmAttendanceSerializer,
    CourseDetailSerializer,
    CourseListSerializer,
    DigcompAggregatesSerializer,
    DigcompAssessmentRequestSerializer,
    DigcompAssessmentSerializer,
    DigcompFrameworkSerializer,
    HeartbeatResultSerializer,
    HeartbeatSerializer,
    JoinResultSerializer,
    LessonCompletionSerializer,
    LiveSessionSerializer,
    PublicCertificateSerializer,
    QuizAttemptRequestSerializer,
    QuizAttemptResultSerializer,
    RosterEntrySerializer,
)
from lms.models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    DigitalSkillsAssessment,
    LessonPage,
    LiveAttendance,
    LiveSession,
)
from programmes import selectors as programme_selectors
from programmes.permissions import has_any_role
from programmes.roles import Role
from programmes.security import SharedScopeThrottle


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

    @extend_schema(
        request=HeartbeatSerializer,
        responses=HeartbeatResultSerializer,
        examples=[OpenApiExample("Heartbeat", value={"at": "2025-06-02T14:30:00Z"}, request_only=True)],
    )
    @decorators.action(detail=True, methods=["post"])
    def heartbeat(self, request: Request, pk: str | None = None) -> response.Response:
        """The lesson is in view: send one every 30 seconds. Time between two heartbeats counts when they
        are at most the idle cut-off apart; one unbroken stretch counts up to the per-session cap.
        Duplicates and heartbeats arriving out of order are harmless."""
        lesson, _enrolment = self._lesson_and_enrolment()
        payload = HeartbeatSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        added = services.record_heartbeat(
            user=request.user, lesson=lesson, sent_at=payload.validated_data.get("at")
        )
        return response.Response(
            HeartbeatResultSerializer({"lesson": lesson.pk, "counted_seconds": added}).data
        )


class PdfRenderer(renderers.BaseRenderer):
    """Lets clients ask for `application/pdf`; the file itself is a FileResponse, errors have no body."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return data if isinstance(data, bytes) else b""


class JsonLdRenderer(renderers.JSONRenderer):
    """Lets clients ask for `application/ld+json` (the Open Badge); errors render as plain JSON."""

    media_type = "application/ld+json"
    format = "jsonld"


class CertificateViewSet(viewsets.GenericViewSet[Certificate]):
    """The caller's own certificates, the latest first, with their download and verification links."""

    serializer_class = CertificateSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Certificate.objects.none()
        return selectors.my_certificates(self.request.user)

    @extend_schema(responses=CertificateSerializer(many=True))
    def list(self, request: Request) -> response.Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = CertificateSerializer(rows, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data) if page is not None else response.Response(data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not yours, not in your scope, revoked, or unknown."),
        }
    )
    @decorators.action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, renderers.JSONRenderer])
    def pdf(self, request: Request, code: str | None = None) -> FileResponse:
        """Download the PDF: the holder while it is valid, and staff who may see the person."""
        certificate = downloads.downloadable_certificate(request.user, code or "")
        return downloads.certificate_file_response(request.user, certificate)

    @extend_schema(
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="Not yours, not in your scope, revoked, or unknown."),
            503: OpenApiResponse(description="Open Badges are not set up on this site (no signing key)."),
        }
    )
    @decorators.action(
        detail=True,
        methods=["get"],
        url_path="open-badge",
        renderer_classes=[JsonLdRenderer, renderers.JSONRenderer],
    )
    def open_badge(self, request: Request, code: str | None = None) -> HttpResponse:
        """Download the certificate as a signed Open Badges 3.0 credential (eddsa-rdfc-2022 proof, did:key
        issuer, Bitstring Status List revocation); same access as the PDF."""
        certificate = downloads.downloadable_certificate(request.user, code or "")
        return downloads.open_badge_response(request.user, certificate)


@method_decorator(never_cache, name="dispatch")
class CertificateVerificationView(views.APIView):
    """Public check of a certificate by its code, without login: the holder's first name and last
    initial, the course, the issue date and the status. Unknown codes answer 404; rate-limited per address."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SharedScopeThrottle]
    throttle_scope = "verification"
    serializer_class = PublicCertificateSerializer

    @extend_schema(
        auth=[],
        tags=["certificates"],
        responses={
            200: PublicCertificateSerializer,
            404: OpenApiResponse(description="No certificate has this code."),
            429: OpenApiResponse(description="Too many checks from this address."),
        },
        examples=[
            OpenApiExample(
                "Valid certificate",
                value={
                    "code": "7KQ2MXR9TB4H",
                    "holder": "Camille D.",
                    "course": "Découvrir la coopérative",
                    "issue_date": "2025-06-12",
                    "status": "valid",
                    "revocation_date": None,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, code: str) -> response.Response:
        found = selectors.public_certificate(code)
        if found is None:
            raise exceptions.NotFound()
        return response.Response(PublicCertificateSerializer(found).data)


# --- Digital skills self-assessment (DigComp) -------------------------------------------------------

ALL_RATINGS_EXAMPLE = dict.fromkeys(digcomp.codes(), 3) | {"3.4": 0, "5.3": None}


def framework_data(framework: digcomp.Framework) -> dict[str, Any]:
    descriptions = {level.value: level.description for level in framework.levels}
    return {
        "version": framework.version,
        "language": framework.language,
        "official": framework.is_official,
        "name": framework.name,
        "source": framework.source,
        "licence": framework.licence,
        "translation_note": framework.translation_note,
        "levels": [
            {"level": value, "band": band, "statement": statement, "description": descriptions.get(value, "")}
            for value, band, statement in framework.scale()
        ],
        "unknown_label": str(digcomp.UNKNOWN_LABEL),
        "areas": [
            {
                "code": area.code,
                "label": area.label,
                "short_label": area.short_label,
                "description": area.description,
                "competences": [
                    {
                        "code": competence.code,
                        "label": competence.label,
                        "description": competence.description,
                        "example": competence.example,
                    }
                    for competence in area.competences
                ],
            }
            for area in framework.areas
        ],
    }


class DigcompFrameworkView(views.APIView):
    """The DigComp 3.0 framework: 5 areas, 21 competences with stable codes, and the level scale.

    Labels come in the request's language (Accept-Language; French and English), the French text being
    Essaim's unofficial translation. Source: European Commission, JRC, CC BY 4.0."""

    @extend_schema(responses=DigcompFrameworkSerializer, tags=["digital skills"])
    def get(self, request: Request) -> response.Response:
        return response.Response(DigcompFrameworkSerializer(framework_data(digcomp.get_framework())).data)


class DigcompAssessmentViewSet(viewsets.GenericViewSet[DigitalSkillsAssessment]):
    """The caller's own digital-skills self-assessments, newest first (anyone else's answer 404)."""

    serializer_class = DigcompAssessmentSerializer
    queryset = DigitalSkillsAssessment.objects.none()

    def get_queryset(self) -> QuerySet[DigitalSkillsAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return DigitalSkillsAssessment.objects.none()
        return DigitalSkillsAssessment.objects.filter(user=self.request.user)

    def _results(self) -> list[selectors.AssessmentResult]:
        return selectors.my_digital_skills_assessments(self.request.user)

    @extend_schema(responses=DigcompAssessmentSerializer(many=True), tags=["digital skills"])
    def list(self, request: Request) -> response.Response:
        results = self._results()
        page = self.paginate_queryset(results)  # type: ignore[arg-type]
        data = DigcompAssessmentSerializer(page if page is not None else results, many=True).data
        return self.get_paginated_response(data) if page is not None else response.Response(data)

    @extend_schema(responses=DigcompAssessmentSerializer, tags=["digital skills"])
    def retrieve(self, request: Request, pk: str | None = None) -> response.Response:
        result = next((item for item in self._results() if str(item.assessment.pk) == str(pk)), None)
        if result is None:
            raise Http404
        return response.Response(DigcompAssessmentSerializer(result).data)

    @extend_schema(
        request=DigcompAssessmentRequestSerializer,
        responses={201: DigcompAssessmentSerializer},
        examples=[
            OpenApiExample(
                "Every competence rated", value={"ratings": ALL_RATINGS_EXAMPLE}, request_only=True
            )
        ],
        tags=["digital skills"],
    )
    def create(self, request: Request) -> response.Response:
        """Record a self-assessment: every competence code → 0..8, or null for “I don't know”."""
        ratings = request.data.get("ratings") if hasattr(request.data, "get") else None
        try:
            assessment = services.submit_digital_skills_assessment(user=request.user, ratings=ratings)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise serializers.ValidationError({"ratings": detail}) from error
        result = next(item for item in self._results() if item.assessment.pk == assessment.pk)
        return response.Response(DigcompAssessmentSerializer(result).data, status=status.HTTP_201_CREATED)


class IsStaff(permissions.BasePermission):
    message = "Only facilitators, coordinators and the national team see group results."

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_any_role(request.user, Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


class DigcompAggregatesView(views.APIView):
    """Group results of the self-assessments in the caller's scope (their staffed cohorts): the programme,
    the edition and each cohort. Nobody is named; groups under the disclosure threshold, and totals that
    would reveal them by subtraction, carry no figure. Unknown programme or edition outside the scope: 404."""

    permission_classes = [permissions.IsAuthenticated, IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", str, required=True, description="Programme code, such as cjs."),
            OpenApiParameter(
                "edition", int, required=False, description="Edition year (default: the latest)."
            ),
            OpenApiParameter("group", str, required=False, description="Only this group (e.g. cohort-12)."),
        ],
        responses=DigcompAggregatesSerializer,
        tags=["digital skills"],
    )
    def get(self, request: Request) -> response.Response:
        slug = request.query_params.get("programme", "")
        year = request.query_params.get("edition", "")
        if not slug:
            raise serializers.ValidationError(
                {"programme": [_("Give the programme's code, for example programme=cjs.")]}
            )
        scope = programme_selectors.dashboard_scope(request.user, programme_slug=slug, year=year)
        if scope.programme is None or scope.programme.slug != slug or (year and str(scope.year) != year):
            raise Http404
        aggregates = selectors.digital_skills_aggregates(
            request.user, programme=scope.programme, year=scope.year
        )
        key = request.query_params.get("group")
        if key:
            group = aggregates.group(key)
            if group is None:
                raise Http404
            aggregates = dataclasses.replace(aggregates, groups=[group])
        return response.Response(DigcompAggregatesSerializer(aggregates).data)


def _validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class LiveSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LiveSession]
):
    """Live sessions: the ones you may join as a learner, or (`managed=true`) the ones you run.
    Sessions you may neither join nor run answer 404. The join address only comes from `join`."""

    serializer_class = LiveSessionSerializer

    def get_queryset(self) -> QuerySet[LiveSession]:
        if getattr(self, "swagger_fake_view", False):
            return LiveSession.objects.none()
        user = self.request.user
        eligible = selectors.eligible_sessions(user).values("pk")
        managed = selectors.managed_sessions(user).values("pk")
        if self.action == "list":
            queryset = LiveSession.objects.filter(
                pk__in=managed if self._flag("managed", default=False) else eligible
            )
            if self._flag("upcoming", default=True):
                queryset = queryset.filter(starts_at__gte=timezone.now() - selectors.LONGEST_SESSION)
        else:
            queryset = LiveSession.objects.filter(Q(pk__in=eligible) | Q(pk__in=managed))
        return (
            queryset.select_related("course")
            .prefetch_related(
                Prefetch("attendances", LiveAttendance.objects.filter(user=user), to_attr="mine")
            )
            .order_by("starts_at", "pk")
        )

    def _flag(self, name: str, *, default: bool) -> bool:
        value = self.request.query_params.get(name)
        return default if value is None else value.lower() in ("1", "true", "yes")

    @extend_schema(
        parameters=[
            OpenApiParameter("managed", OpenApiTypes.BOOL, description="The sessions you run instead."),
            OpenApiParameter(
                "upcoming", OpenApiTypes.BOOL, description="Only those not over (default true)."
            ),
        ]
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> response.Response:
        page = self.paginate_queryset(self.get_queryset())
        sessions = list(page if page is not None else self.get_queryset())
        if self._flag("upcoming", default=True):
            now = timezone.now()
            sessions = [session for session in sessions if session.ends_at > now]
        data = LiveSessionSerializer(sessions, many=True).data
        return self.get_paginated_response(data) if page is not None else response.Response(data)

    def _eligible(self) -> LiveSession:
        session = self.get_object()
        if not selectors.eligible_sessions(self.request.user).filter(pk=session.pk).exists():
            raise Http404
        return session

    def _managed(self) -> LiveSession:
        session = self.get_object()
        if not selectors.can_manage_session(self.request.user, session):
            raise Http404
        return session

    @extend_schema(request=None, responses=JoinResultSerializer)
    @decorators.action(detail=True, methods=["post"])
    def join(self, request: Request, pk: str | None = None) -> response.Response:
        """Join a virtual class (from 15 minutes before the start until its end): records your first arrival
        and answers the address to open. 400 outside that time or for an in-person workshop."""
        session = self._eligible()
        try:
            attendance = services.join_live_session(session=session, user=request.user)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return response.Response(
            JoinResultSerializer({"join_url": session.join_url, "arrived_at": attendance.arrived_at}).data
        )

    @extend_schema(request=None, responses=RosterEntrySerializer)
    @decorators.action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request: Request, pk: str | None = None) -> response.Response:
        """Sign the sheet of the in-person workshop you are at (during the workshop)."""
        session = self._eligible()
        try:
            attendance = services.sign_in(session=session, user=request.user, by=request.user)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return response.Response(
            RosterEntrySerializer(selectors.RosterRow(user=request.user, attendance=attendance)).data
        )

    @extend_schema(responses=RosterEntrySerializer(many=True))
    @decorators.action(detail=True, methods=["get"])
    def attendances(self, request: Request, pk: str | None = None) -> response.Response:
        """The learners of a session you run, with arrivals, signatures and confirmed attendance."""
        session = self._managed()
        return response.Response(RosterEntrySerializer(selectors.session_roster(session), many=True).data)

    @extend_schema(
        request=ConfirmAttendanceSerializer,
        responses=RosterEntrySerializer(many=True),
        examples=[
            OpenApiExample(
                "Confirm",
                value={
                    "attendances": [
                        {"user": 12, "status": "present"},
                        {"user": 13, "status": "present", "minutes": 40},
                        {"user": 14, "status": "absent"},
                    ],
                    "notes": "Budget voted; next assembly on 12 July.",
                },
                request_only=True,
            )
        ],
    )
    @decorators.action(detail=True, methods=["post"], url_path="confirm-attendance")
    def confirm_attendance(self, request: Request, pk: str | None = None) -> response.Response:
        """After the session, confirm who attended and how long (default: the whole session) and write the
        minutes. Present learners complete the lesson the session is linked to when it is completed by
        attending."""
        session = self._managed()
        payload = ConfirmAttendanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marks = {
            item["user"]: services.AttendanceMark(status=item["status"], minutes=item.get("minutes"))
            for item in payload.validated_data["attendances"]
        }
        try:
            services.confirm_attendance(
                session=session, marks=marks, notes=payload.validated_data.get("notes"), by=request.user
            )
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return response.Response(RosterEntrySerializer(selectors.session_roster(session), many=True).data)
