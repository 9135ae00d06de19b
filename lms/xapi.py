"""Learning records as xAPI statements (Experience API 1.0.3), for organisations running their own learning
record store (LRS): lessons completed, quizzes passed or failed, live sessions attended, courses completed,
and whatever other sources register here (SCORM results).

Statements are rebuilt from the records at each export, never stored. Their ids are UUIDs derived from the
installation's base address, the kind of record, its id and the facts that may change (uuid5), so exporting
twice gives the same statements and an LRS keeps one copy; a record corrected later (attendance minutes
changed) gives a new statement. Actors are pseudonymous accounts (an HMAC of the user id): no e-mail and,
unless ESSAIM_XAPI_ACTOR_NAMES is on, no name, because many learners are minors.

A statement source is `source(*, course, user) -> Iterable[dict]`: course (a CoursePage) or user (an
account) or both narrow what it returns, None meaning "any". Exports keep only the statements whose actor is
one of the learners the viewer may see, so a source cannot widen anyone's scope.
"""

import contextvars
import datetime
import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, cast

from django.conf import settings
from django.db.models import Q

from wagtail.models import Page

from lms.choices import LiveAttendanceStatus
from lms.models import (
    CourseEnrolment,
    CoursePage,
    LessonCompletion,
    LessonPage,
    LessonTime,
    LiveAttendance,
    ModulePage,
    QuizAttempt,
)
from programmes import access
from programmes.models import Enrolment, User

Statement = dict[str, Any]

# Statements follow the 1.0.3 specification; its data model is the 1.0.0 one, and a Learning Record
# Provider that sets "version" must set 1.0.0 (xAPI 1.0.3, part two, 2.4.10).
SPECIFICATION = "1.0.3"
STATEMENT_VERSION = "1.0.0"
PLATFORM = "Essaim"

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

# Verb displays are data for the LRS (both languages at once), not interface text.
VERBS: dict[str, dict[str, str]] = {
    "completed": {"en": "completed", "fr": "a terminé"},
    "passed": {"en": "passed", "fr": "a réussi"},
    "failed": {"en": "failed", "fr": "a échoué à"},
    "attended": {"en": "attended", "fr": "a assisté à"},
    "attempted": {"en": "attempted", "fr": "a commencé"},
}

ACTIVITY_TYPES = {
    "course": ADL_ACTIVITIES + "course",
    "module": ADL_ACTIVITIES + "module",
    "lesson": ADL_ACTIVITIES + "lesson",
    "quiz": ADL_ACTIVITIES + "assessment",
    "live-session": ADL_ACTIVITIES + "meeting",
    # A SCO of a SCORM package: one trackable part of the lesson that plays it.
    "scorm-sco": ADL_ACTIVITIES + "lesson",
}


class StatementSource(Protocol):
    def __call__(self, *, course: CoursePage | None, user: Any | None) -> Iterable[Statement]: ...


_sources: dict[str, StatementSource] = {}


def register_statement_source(name: str, source: StatementSource) -> None:
    """Add (or replace, under the same name) a source of statements read by every export."""
    _sources[name] = source


def statement_sources() -> dict[str, StatementSource]:
    return dict(_sources)


# --- Building blocks (public: other sources such as SCORM build their statements with them) ----------


def base_url() -> str:
    """The installation's absolute address: activity ids, actor home page and statement ids hang off it."""
    return str(settings.ESSAIM_XAPI_BASE_URL).rstrip("/")


def _namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url()}/xapi/")


def statement_id(kind: str, pk: object, *facts: object) -> str:
    """Deterministic statement id: the same record with the same facts always gives the same UUID."""
    name = ":".join([kind, str(pk), *(str(fact) for fact in facts)])
    return str(uuid.uuid5(_namespace(), name))


def registration_id(enrolment_pk: int) -> str:
    """The xAPI registration of a course enrolment: it ties a learner's statements in one course together."""
    return str(uuid.uuid5(_namespace(), f"course-enrolment:{enrolment_pk}"))


def pseudonym(user_pk: int) -> str:
    """Stable pseudonymous id of an account: HMAC-SHA256 of its id under ESSAIM_XAPI_PSEUDONYM_KEY (the
    secret key when empty). Only someone holding the key, or Essaim itself, can tie it back to a person."""
    key = str(settings.ESSAIM_XAPI_PSEUDONYM_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, f"essaim.xapi.actor:{user_pk}".encode(), hashlib.sha256).hexdigest()[:32]


def actor(user: Any) -> dict[str, Any]:
    """An Agent identified by an account on this installation, never by an e-mail address."""
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": base_url() + "/", "name": pseudonym(user.pk)},
    }
    if settings.ESSAIM_XAPI_ACTOR_NAMES:
        name = user.get_full_name().strip()
        if name:
            agent["name"] = name
    return agent


def verb(name: str) -> dict[str, Any]:
    return {"id": ADL_VERBS + name, "display": dict(VERBS[name])}


def activity_id(kind: str, pk: object) -> str:
    return f"{base_url()}/xapi/activities/{kind}/{pk}"


def activity(kind: str, pk: object, title: str, *, activity_type: str | None = None) -> dict[str, Any]:
    """An Activity with an absolute id; its type comes from ACTIVITY_TYPES unless given (an IRI)."""
    return {
        "objectType": "Activity",
        "id": activity_id(kind, pk),
        "definition": {"name": {_language(): title}, "type": activity_type or ACTIVITY_TYPES[kind]},
    }


def timestamp(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as LRSs store them."""
    utc = moment.astimezone(datetime.UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: int) -> str:
    """ISO 8601 duration such as PT1H5M or PT0S."""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return "PT" + (parts or "0S")


def _language() -> str:
    return str(settings.LANGUAGE_CODE)


def context(
    *,
    parent: dict[str, Any] | None = None,
    grouping: Sequence[dict[str, Any]] = (),
    registration: str | None = None,
) -> dict[str, Any]:
    built: dict[str, Any] = {"platform": PLATFORM, "language": _language()}
    if registration is not None:
        built["registration"] = registration
    activities: dict[str, Any] = {}
    if parent is not None:
        activities["parent"] = [parent]
    if grouping:
        activities["grouping"] = list(grouping)
    if activities:
        built["contextActivities"] = activities
    return built


def statement(
    *,
    id: str,
    user: Any,
    verb_name: str,
    object: dict[str, Any],
    when: datetime.datetime,
    result: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> Statement:
    """One statement; `id` comes from statement_id() so that re-exports do not duplicate it."""
    built: Statement = {
        "id": id,
        "actor": actor(user),
        "verb": verb(verb_name),
        "object": object,
        "timestamp": timestamp(when),
        "version": STATEMENT_VERSION,
    }
    if result:
        built["result"] = result
    if context:
        built["context"] = context
    return built


# --- Course trees: every module and lesson of some courses, live or not (records outlive unpublishing) --


class _Tree:
    def __init__(self, courses: Sequence[CoursePage]) -> None:
        self.courses = {course.pk: course for course in courses}
        by_path = {course.path: course for course in courses}
        steplen = Page.steplen
        self.module_of: dict[int, ModulePage] = {}
        self.course_of_lesson: dict[int, CoursePage] = {}
        self.lesson_titles: dict[int, str] = {}
        if not courses:
            return
        modules_filter, lessons_filter = Q(), Q()
        for course in courses:
            modules_filter |= Q(path__startswith=course.path, depth=course.depth + 1)
            lessons_filter |= Q(path__startswith=course.path, depth=course.depth + 2)
        modules = {module.path: module for module in ModulePage.objects.filter(modules_filter)}
        for path, title, pk in LessonPage.objects.filter(lessons_filter).values_list("path", "title", "pk"):
            module = modules.get(path[:-steplen])
            if module is None:
                continue
            self.module_of[pk] = module
            self.course_of_lesson[pk] = by_path[module.path[:-steplen]]
            self.lesson_titles[pk] = title

    @property
    def lesson_ids(self) -> list[int]:
        return list(self.module_of)

    def lesson_activity(self, lesson_pk: int) -> dict[str, Any]:
        return activity("lesson", lesson_pk, self.lesson_titles[lesson_pk])

    def module_activity(self, lesson_pk: int) -> dict[str, Any]:
        module = self.module_of[lesson_pk]
        return activity("module", module.pk, module.title)

    def course_activity(self, course: CoursePage) -> dict[str, Any]:
        return activity("course", course.pk, course.title)


def _courses(course: CoursePage | None, user: Any | None) -> list[CoursePage]:
    if course is not None:
        return [course]
    if user is None:
        return list(CoursePage.objects.all())
    return list(CoursePage.objects.filter(enrolments__user=user).distinct())


def _registrations(courses: Iterable[CoursePage], user: Any | None) -> dict[tuple[int, int], str]:
    enrolments = CourseEnrolment.objects.filter(course__in=[course.pk for course in courses])
    if user is not None:
        enrolments = enrolments.filter(user=user)
    return {
        (user_id, course_id): registration_id(pk)
        for pk, user_id, course_id in enrolments.values_list("pk", "user_id", "course_id")
    }


# The accounts an export is about, when narrower than "everyone": built-in sources read only their rows. The
# actor filter of the export stays the guarantee; this only spares building statements it would drop.
_learner_ids: contextvars.ContextVar[frozenset[int] | None] = contextvars.ContextVar(
    "essaim_xapi_learner_ids", default=None
)


def _for_user(queryset: Any, user: Any | None) -> Any:
    if user is not None:
        return queryset.filter(user=user)
    ids = _learner_ids.get()
    return queryset if ids is None else queryset.filter(user_id__in=ids)


class CourseTree(_Tree):
    """The modules and lessons of the courses an export covers, for sources outside this module."""

    def __init__(self, *, course: CoursePage | None, user: Any | None) -> None:
        super().__init__(_courses(course, user))

    def registrations(self, user: Any | None) -> dict[tuple[int, int], str]:
        return _registrations(self.courses.values(), user)


def exported_rows(queryset: Any, user: Any | None) -> Any:
    """Rows (with a `user`) of the learner, or of the learners the running export is about."""
    return _for_user(queryset, user)


# --- Built-in sources ------------------------------------------------------------------------------------


def lesson_statements(*, course: CoursePage | None, user: Any | None) -> Iterable[Statement]:
    """Lessons completed (verb completed), with the connected time measured on them as the duration."""
    courses = _courses(course, user)
    tree = _Tree(courses)
    registrations = _registrations(courses, user)
    completions = _for_user(LessonCompletion.objects.filter(lesson_id__in=tree.lesson_ids), user)
    completions = completions.select_related("user").order_by("completed_at", "pk")
    times: dict[tuple[int, int], int] = defaultdict(int)
    for user_id, lesson_id, seconds in _for_user(
        LessonTime.objects.filter(lesson_id__in=tree.lesson_ids), user
    ).values_list("user_id", "lesson_id", "seconds"):
        times[(user_id, lesson_id)] += seconds
    for completion in completions:
        lesson_course = tree.course_of_lesson[completion.lesson_id]
        result: dict[str, Any] = {"completion": True}
        seconds = times.get((completion.user_id, completion.lesson_id))
        if seconds:
            result["duration"] = duration(seconds)
        yield statement(
            id=statement_id("lesson-completion", completion.pk, completion.completed_at.isoformat()),
            user=completion.user,
            verb_name="completed",
            object=tree.lesson_activity(completion.lesson_id),
            when=completion.completed_at,
            result=result,
            context=context(
                parent=tree.module_activity(completion.lesson_id),
                grouping=[tree.course_activity(lesson_course)],
                registration=registrations.get((completion.user_id, lesson_course.pk)),
            ),
        )


def quiz_statements(*, course: CoursePage | None, user: Any | None) -> Iterable[Statement]:
    """Quiz attempts: passed or failed (ADL verbs, as cmi5 does), the score scaled 0..1 and in percent."""
    courses = _courses(course, user)
    tree = _Tree(courses)
    registrations = _registrations(courses, user)
    attempts = _for_user(QuizAttempt.objects.filter(lesson_id__in=tree.lesson_ids), user)
    for attempt in attempts.select_related("user", "quiz").order_by("submitted_at", "pk"):
        lesson_course = tree.course_of_lesson[attempt.lesson_id]
        score = round(float(attempt.score), 4)
        yield statement(
            id=statement_id("quiz-attempt", attempt.pk),
            user=attempt.user,
            verb_name="passed" if attempt.is_passed else "failed",
            object=activity("quiz", attempt.quiz_id, attempt.quiz.title),
            when=attempt.submitted_at,
            result={
                "score": {"scaled": score, "raw": round(score * 100, 2), "min": 0, "max": 100},
                "success": bool(attempt.is_passed),
                "completion": True,
            },
            context=context(
                parent=tree.lesson_activity(attempt.lesson_id),
                grouping=[tree.course_activity(lesson_course)],
                registration=registrations.get((attempt.user_id, lesson_course.pk)),
            ),
        )


def live_session_statements(*, course: CoursePage | None, user: Any | None) -> Iterable[Statement]:
    """Live sessions (virtual classes, workshops) attended as confirmed by the facilitator, with the minutes."""
    courses = _courses(course, user)
    by_pk = {c.pk: c for c in courses}
    registrations = _registrations(courses, user)
    attendances = _for_user(
        LiveAttendance.objects.filter(
            session__course__in=[c.pk for c in courses],
            status=LiveAttendanceStatus.PRESENT,
            confirmed_at__isnull=False,
        ),
        user,
    )
    for attendance in attendances.select_related("user", "session", "session__lesson").order_by(
        "session__starts_at", "pk"
    ):
        session = attendance.session
        session_course = by_pk[session.course_id]
        course_activity = activity("course", session_course.pk, session_course.title)
        lesson = session.lesson
        minutes = int(attendance.minutes_attended or 0)
        yield statement(
            id=statement_id("live-attendance", attendance.pk, minutes, attendance.confirmed_at.isoformat()),
            user=attendance.user,
            verb_name="attended",
            object=activity("live-session", session.pk, session.title),
            when=session.starts_at,
            result={"completion": True, "duration": duration(minutes * 60)},
            context=context(
                parent=activity("lesson", lesson.pk, lesson.title) if lesson is not None else course_activity,
                grouping=[course_activity] if lesson is not None else (),
                registration=registrations.get((attendance.user_id, session_course.pk)),
            ),
        )


def course_statements(*, course: CoursePage | None, user: Any | None) -> Iterable[Statement]:
    """Courses completed (every required lesson done)."""
    enrolments = CourseEnrolment.objects.filter(completed_at__isnull=False)
    if course is not None:
        enrolments = enrolments.filter(course=course)
    enrolments = _for_user(enrolments, user)
    for enrolment in enrolments.select_related("user", "course").order_by("completed_at", "pk"):
        completed_at = cast(datetime.datetime, enrolment.completed_at)
        yield statement(
            id=statement_id("course-completion", enrolment.pk, completed_at.isoformat()),
            user=enrolment.user,
            verb_name="completed",
            object=activity("course", enrolment.course_id, enrolment.course.title),
            when=completed_at,
            result={"completion": True},
            context=context(registration=registration_id(enrolment.pk)),
        )


register_statement_source("lessons", lesson_statements)
register_statement_source("quizzes", quiz_statements)
register_statement_source("live_sessions", live_session_statements)
register_statement_source("courses", course_statements)


# --- Exports ---------------------------------------------------------------------------------------------


def _collect(*, course: CoursePage | None, user: Any | None, allowed: set[str] | None) -> list[Statement]:
    statements: list[Statement] = []
    for source in _sources.values():
        for item in source(course=course, user=user):
            name = item.get("actor", {}).get("account", {}).get("name")
            if allowed is not None and name not in allowed:
                continue
            statements.append(item)
    statements.sort(key=lambda item: (item["timestamp"], item["id"]))
    return statements


def course_learner_ids(viewer: Any, course: CoursePage) -> set[int] | None:
    """Accounts whose records of a course a staff member may export: everyone for the national team
    (None), the members of the cohorts they staff otherwise (empty when they staff none)."""
    if access.sees_everything(viewer):
        return None
    members = Enrolment.objects.filter(
        cohort__in=access.staffed_cohorts(viewer),
        role=Enrolment.Role.MEMBER,
        person__user__isnull=False,
        person__user__course_enrolments__course=course,
    )
    return set(members.values_list("person__user_id", flat=True))


def can_export_course(viewer: Any, course: CoursePage) -> bool:
    """Staff with learners to see: the national team, coordinators and facilitators (of some cohort)."""
    return access.sees_everything(viewer) or access.staffed_cohorts(viewer).exists()


def course_export(*, viewer: Any, course: CoursePage) -> list[Statement]:
    """The statements of a course about the learners the viewer may see (see course_learner_ids)."""
    ids = course_learner_ids(viewer, course)
    if ids is None:
        return _collect(course=course, user=None, allowed=None)
    if not ids:
        return []
    token = _learner_ids.set(frozenset(ids))
    try:
        return _collect(course=course, user=None, allowed={pseudonym(pk) for pk in ids})
    finally:
        _learner_ids.reset(token)


def learner_export(*, learner: User) -> list[Statement]:
    """Every statement about one learner; the caller has checked the viewer may see them."""
    return _collect(course=None, user=learner, allowed={pseudonym(learner.pk)})
