"""Reads of the training app: progress from the current lessons, catalogues, quiz feedback, cohort tables.

Progress is never stored: it is computed from the lessons live right now, so adding a lesson lowers the
bar at once. Every function here runs a fixed number of queries whatever the number of rows.
"""

import copy
import dataclasses
import datetime
import functools
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page

from lms import digcomp, structure_cache
from lms.choices import CertificateStatus, CompletionRule, LiveAttendanceStatus
from lms.models import (
    CalendarFeed,
    Certificate,
    Choice,
    ConnectionLog,
    CourseEnrolment,
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
)
from lms.models.certificates import CODE_PATTERN, normalise_code
from programmes import access, disclosure
from programmes.choices import STARTED_STATUSES, CohortStatus, EnrolmentStatus
from programmes.models import Cohort, Enrolment, PartnerContact, Programme, User
from programmes.roles import Role, role_names

STEPLEN = Page.steplen


@dataclasses.dataclass(frozen=True)
class LessonState:
    lesson: LessonPage
    module: ModulePage
    completed_at: datetime.datetime | None
    is_new: bool
    # The learner's heartbeat seconds on this lesson, when read with the lesson (None: not read).
    connected_seconds: int | None = None

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


@dataclasses.dataclass(frozen=True)
class ModuleEntry:
    module: ModulePage
    url: str
    lessons: list[tuple[LessonState, str]]


@dataclasses.dataclass(frozen=True)
class CourseProgress:
    """A course as one learner sees it: lessons in page order, what is done and what is new. Built once
    and never changed, so what is derived from the lessons is computed once (templates ask it often)."""

    course: CoursePage
    enrolment: CourseEnrolment | None
    modules: list[ModulePage]
    lessons: list[LessonState]

    @property
    def is_enrolled(self) -> bool:
        return self.enrolment is not None

    @functools.cached_property
    def required(self) -> list[LessonState]:
        return [state for state in self.lessons if state.lesson.is_required]

    @functools.cached_property
    def required_total(self) -> int:
        return len(self.required)

    @functools.cached_property
    def required_done(self) -> int:
        return sum(1 for state in self.required if state.is_completed)

    @functools.cached_property
    def progress(self) -> float:
        """Share of the current required lessons completed, in 0..1 (0 for a course without lessons)."""
        total = self.required_total
        return self.required_done / total if total else 0.0

    @functools.cached_property
    def percent(self) -> int:
        return round(self.progress * 100)

    @functools.cached_property
    def is_complete(self) -> bool:
        return self.required_total > 0 and self.required_done == self.required_total

    @functools.cached_property
    def new_lessons(self) -> list[LessonState]:
        return [state for state in self.lessons if state.is_new]

    @functools.cached_property
    def next_lesson(self) -> LessonState | None:
        """Where "continue" leads: the first incomplete required lesson a learner can complete alone."""
        pending = [state for state in self.lessons if not state.is_completed]
        for candidates in (
            [
                s
                for s in pending
                if s.lesson.is_required and s.lesson.completion_rule != CompletionRule.ATTENDANCE
            ],
            [s for s in pending if s.lesson.is_required],
            pending,
        ):
            if candidates:
                return candidates[0]
        return None

    @functools.cached_property
    def estimated_minutes_done(self) -> int:
        return sum(state.lesson.estimated_minutes for state in self.lessons if state.is_completed)

    def lessons_of(self, module: ModulePage) -> list[LessonState]:
        return [state for state in self.lessons if state.module.pk == module.pk]

    @functools.cached_property
    def outline(self) -> list["ModuleEntry"]:
        """The modules with their lessons and addresses, as the course page lists them. Addresses are the
        course's followed by the page's path below it: the same as Wagtail's, without a lookup of the
        site's root paths for each of a course's pages."""
        base: str | None = self.course.url
        prefix = str(self.course.url_path)

        def url(page: Page) -> str:
            if base is None or not page.url_path.startswith(prefix):
                return str(page.url)
            return f"{base}{page.url_path[len(prefix) :]}"

        by_module: dict[int, list[tuple[LessonState, str]]] = defaultdict(list)
        for state in self.lessons:
            by_module[state.module.pk].append((state, url(state.lesson)))
        return [ModuleEntry(module, url(module), by_module[module.pk]) for module in self.modules]

    def neighbours(self, lesson: LessonPage) -> tuple[LessonState | None, LessonState | None]:
        ids = [state.lesson.pk for state in self.lessons]
        if lesson.pk not in ids:
            return None, None
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


@dataclasses.dataclass(frozen=True)
class CourseStructure:
    modules: list[ModulePage]
    lessons: list[tuple[LessonPage, ModulePage]]


LEARNER_FIELDS = ("learner_completed_at", "learner_seconds")


def course_structures(courses: Sequence[CoursePage], *, learner: Any = None) -> dict[int, CourseStructure]:
    """Live modules and lessons of these courses in page order: from the cache (lms.structure_cache),
    or in two queries for the courses it does not hold.

    With a learner, each lesson also carries the learner's completion time (`learner_completed_at`) and
    heartbeat seconds (`learner_seconds`): read by subqueries of the lessons' query when the structure
    is loaded, in two small queries when it comes from the cache (two queries either way)."""
    if not courses:
        return {}
    keys = structure_cache.keys([course.pk for course in courses])
    found = cache.get_many(list(keys.values())) if keys is not None else {}
    cached = {course.pk: found[keys[course.pk]] for course in courses if keys and keys[course.pk] in found}
    missing = [course for course in courses if course.pk not in cached]
    loaded = _load_structures(missing, learner=learner) if missing else {}
    if keys is not None and loaded:
        shared = {keys[pk]: _without_learner(structure) for pk, structure in loaded.items()}
        cache.set_many(shared, structure_cache.timeout())
    if learner is not None and cached:
        _add_learner_times(cached, learner)
    return {**cached, **loaded}


def _module_and_lesson_filters(courses: Sequence[CoursePage]) -> tuple[Q, Q]:
    """The pages one and two levels under these courses: their modules, their lessons."""
    module_filter = Q()
    lesson_filter = Q()
    for course in courses:
        module_filter |= Q(path__startswith=course.path, depth=course.depth + 1)
        lesson_filter |= Q(path__startswith=course.path, depth=course.depth + 2)
    return module_filter, lesson_filter


def _load_structures(courses: Sequence[CoursePage], *, learner: Any = None) -> dict[int, CourseStructure]:
    by_path = {course.path: course for course in courses}
    module_filter, lesson_filter = _module_and_lesson_filters(courses)
    modules = {
        module.path: module for module in ModulePage.objects.live().filter(module_filter).order_by("path")
    }
    structures: dict[int, CourseStructure] = {course.pk: CourseStructure([], []) for course in courses}
    for module in modules.values():
        structures[by_path[module.path[:-STEPLEN]].pk].modules.append(module)
    lessons = (
        LessonPage.objects.live().filter(lesson_filter).defer("body").select_related("quiz").order_by("path")
    )
    if learner is not None:
        lessons = lessons.annotate(
            learner_completed_at=Subquery(
                LessonCompletion.objects.filter(user=learner, lesson=OuterRef("pk")).values("completed_at")[
                    :1
                ]
            ),
            learner_seconds=Subquery(
                LessonTime.objects.filter(user=learner, lesson=OuterRef("pk"))
                .values("lesson")
                .annotate(total=Sum("seconds"))
                .values("total")
            ),
        )
    for lesson in lessons:
        parent = modules.get(lesson.path[:-STEPLEN])
        if parent is None:  # under a module that is not live: out of the course for now
            continue
        structures[by_path[parent.path[:-STEPLEN]].pk].lessons.append((lesson, parent))
    return structures


def _without_learner(structure: CourseStructure) -> CourseStructure:
    """The structure as everybody shares it: lessons copied without one learner's annotations."""
    lessons = []
    for lesson, module in structure.lessons:
        if any(field in lesson.__dict__ for field in LEARNER_FIELDS):
            lesson = copy.copy(lesson)
            for field in LEARNER_FIELDS:
                lesson.__dict__.pop(field, None)
        lessons.append((lesson, module))
    return CourseStructure(structure.modules, lessons)


def _add_learner_times(structures: dict[int, CourseStructure], learner: Any) -> None:
    """Each lesson's `learner_completed_at` and `learner_seconds` for this learner, in one small query
    (completions and connected time side by side: UNION ALL)."""
    lessons = [lesson for structure in structures.values() for lesson, _module in structure.lessons]
    lesson_ids = [lesson.pk for lesson in lessons]
    completed: dict[int, datetime.datetime] = {}
    seconds: dict[int, int] = {}
    if lesson_ids:
        completions = (
            LessonCompletion.objects.filter(user=learner, lesson_id__in=lesson_ids)
            .order_by()  # no ORDER BY inside a UNION (SQLite)
            .values_list("lesson_id", "completed_at", Value(None, output_field=BigIntegerField()))
        )
        times = (
            LessonTime.objects.filter(user=learner, lesson_id__in=lesson_ids)
            .order_by()
            .values("lesson_id")
            .annotate(none=Value(None, output_field=DateTimeField()), total=Sum("seconds"))
            .values_list("lesson_id", "none", "total")
        )
        for lesson_id, completed_at, total in completions.union(times, all=True):
            if completed_at is not None:
                completed[lesson_id] = completed_at
            if total is not None:
                seconds[lesson_id] = int(total)
    for lesson in lessons:
        lesson.learner_completed_at = completed.get(lesson.pk)
        lesson.learner_seconds = seconds.get(lesson.pk)


def _progress(
    course: CoursePage,
    structure: CourseStructure,
    enrolment: CourseEnrolment | None,
    completed: dict[int, datetime.datetime] | None,
) -> CourseProgress:
    """`completed` None: the lessons carry the learner's annotations (course_structures(learner=...))."""
    states = []
    for lesson, module in structure.lessons:
        connected_seconds = None
        if completed is None:
            completed_at = getattr(lesson, "learner_completed_at", None)
            connected_seconds = int(getattr(lesson, "learner_seconds", None) or 0)
        else:
            completed_at = completed.get(lesson.pk)
        is_new = bool(
            enrolment is not None
            and completed_at is None
            and lesson.first_published_at is not None
            and lesson.first_published_at > enrolment.seen_at
        )
        states.append(
            LessonState(
                lesson=lesson,
                module=module,
                completed_at=completed_at,
                is_new=is_new,
                connected_seconds=connected_seconds,
            )
        )
    return CourseProgress(course=course, enrolment=enrolment, modules=structure.modules, lessons=states)


def progress_for(user: Any, courses: Sequence[CoursePage]) -> dict[int, CourseProgress]:
    """Each course's progress for one learner (not enrolled: no enrolment, nothing done), in three queries.

    The lessons carry the learner's completions and connected seconds, the enrolments the minutes of
    live sessions attended (`attended_minutes`), so time_summaries needs no query of its own."""
    is_learner = bool(getattr(user, "is_authenticated", False))
    structures = course_structures(courses, learner=user if is_learner else None)
    enrolments: dict[int, CourseEnrolment] = {}
    completed: dict[int, datetime.datetime] | None = {} if not is_learner else None
    if is_learner and courses:
        attended = (
            LiveAttendance.objects.filter(
                _confirmed_present(), user=user, session__course_id=OuterRef("course_id")
            )
            .values("user")
            .annotate(total=Sum("minutes_attended"))
            .values("total")
        )
        enrolments = {
            enrolment.course_id: enrolment
            for enrolment in CourseEnrolment.objects.filter(
                user=user, course__in=[c.pk for c in courses]
            ).annotate(attended_minutes=Subquery(attended))
        }
    return {
        course.pk: _progress(course, structures[course.pk], enrolments.get(course.pk), completed)
        for course in courses
    }


def course_progress(user: Any, course: CoursePage) -> CourseProgress:
    return progress_for(user, [course])[course.pk]


def catalogue_entries(user: Any, courses: Sequence[CoursePage]) -> list[CourseProgress]:
    progress = progress_for(user, courses)
    return [progress[course.pk] for course in courses]


def live_courses() -> QuerySet[CoursePage]:
    courses = CoursePage.objects.live().public().select_related("provider").order_by("path")
    return cast(QuerySet[CoursePage], courses)


def live_course_choices() -> list[tuple[int, str]]:
    """(id, title) of the live courses, for the lists that offer them: cached with the structures."""
    return structure_cache.cached("course-choices", lambda: list(live_courses().values_list("pk", "title")))


def visible_courses(user: Any) -> QuerySet[CoursePage]:
    """Courses a user may find: the open ones and those they are enrolled in."""
    if not getattr(user, "is_authenticated", False):
        return live_courses().filter(is_open=True)
    return live_courses().filter(Q(is_open=True) | Q(enrolments__user=user)).distinct()


def my_courses(user: Any) -> list[CourseProgress]:
    """The learner's live courses, the most recently enrolled first."""
    courses = list(live_courses().filter(enrolments__user=user).order_by("-enrolments__enrolled_at", "path"))
    return catalogue_entries(user, courses)


def open_courses_to_join(user: Any) -> list[CoursePage]:
    return list(live_courses().filter(is_open=True).exclude(enrolments__user=user))


def course_of(page: Page) -> CoursePage | None:
    """The course a module or lesson belongs to (one query); None for a page not yet in the tree."""
    if not page.path:
        return None
    return cast(CoursePage | None, CoursePage.objects.ancestor_of(page).first())


def enrolment_in(user: Any, course: CoursePage) -> CourseEnrolment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CourseEnrolment.objects.filter(user=user, course=course).first()


def is_course_editor(user: Any, course: CoursePage) -> bool:
    """Staff who may edit a course may read its lessons without being enrolled."""
    if not getattr(user, "is_authenticated", False):
        return False
    return access.sees_everything(user) or bool(course.permissions_for_user(user).can_edit())


def quiz_with_questions(quiz_id: int) -> Quiz | None:
    return cast(Quiz | None, Quiz.objects.prefetch_related("questions__choices").filter(pk=quiz_id).first())


def attempts_of(user: Any, lesson: LessonPage) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(user=user, lesson=lesson).order_by("submitted_at", "pk")


@dataclasses.dataclass(frozen=True)
class QuestionFeedback:
    question: Question
    chosen: list[Choice]
    is_correct: bool


def attempt_feedback(attempt: QuizAttempt, quiz: Quiz) -> list[QuestionFeedback]:
    """Per question, what the learner chose and whether it was right (for after the submission only)."""
    feedback = []
    for question in quiz.questions.all():
        chosen_ids = {int(value) for value in attempt.answers.get(str(question.pk), [])}
        choices = list(question.choices.all())
        correct_ids = {choice.pk for choice in choices if choice.is_correct}
        feedback.append(
            QuestionFeedback(
                question=question,
                chosen=[choice for choice in choices if choice.pk in chosen_ids],
                is_correct=chosen_ids == correct_ids,
            )
        )
    return feedback


# --- Facilitator space ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProgressCell:
    enrolment: CourseEnrolment
    done: int
    total: int
    time: "TimeSummary"

    @property
    def progress(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclasses.dataclass(frozen=True)
class ProgressRow:
    member: Enrolment
    cells: list[ProgressCell | None]


@dataclasses.dataclass(frozen=True)
class LessonOutline:
    """What a table of many learners needs of a lesson, read as plain values (no page objects)."""

    pk: int
    course_id: int
    is_required: bool
    estimated_minutes: int
    completion_rule: str


def lesson_outlines(courses: Sequence[CoursePage]) -> dict[int, list[LessonOutline]]:
    """Course id -> its live lessons (under live modules) in page order, in two queries of plain values."""
    outlines: dict[int, list[LessonOutline]] = {course.pk: [] for course in courses}
    if not courses:
        return outlines
    by_path = {course.path: course.pk for course in courses}
    module_filter, lesson_filter = _module_and_lesson_filters(courses)
    live_modules = set(ModulePage.objects.live().filter(module_filter).values_list("path", flat=True))
    lessons = (
        LessonPage.objects.live()
        .filter(lesson_filter)
        .order_by("path")
        .values_list("pk", "path", "is_required", "estimated_minutes", "completion_rule")
    )
    for pk, path, is_required, estimated_minutes, completion_rule in lessons:
        module_path = path[:-STEPLEN]
        if module_path not in live_modules:  # under a module that is not live: out of the course for now
            continue
        course_id = by_path[module_path[:-STEPLEN]]
        outlines[course_id].append(
            LessonOutline(pk, course_id, is_required, estimated_minutes, completion_rule)
        )
    return outlines


@dataclasses.dataclass(frozen=True)
class CourseOutline:
    """A course as a table of many learners needs it: its title and its live lessons, as plain values."""

    pk: int
    title: str
    path: str
    lessons: list[LessonOutline]


def course_outlines(course_ids: Iterable[int]) -> dict[int, CourseOutline]:
    """Course id -> outline of each live course among these: from the cache (lms.structure_cache), or in
    three queries for the courses it does not hold."""
    ids = sorted(set(course_ids))
    keys = structure_cache.keys(ids, kind="outline")
    found = cache.get_many(list(keys.values())) if keys is not None else {}
    outlines: dict[int, CourseOutline] = {pk: found[keys[pk]] for pk in ids if keys and keys[pk] in found}
    missing = [pk for pk in ids if pk not in outlines]
    if missing:
        courses = list(CoursePage.objects.live().filter(pk__in=missing).only("title", "path", "depth"))
        lessons = lesson_outlines(courses)
        loaded = {
            course.pk: CourseOutline(course.pk, course.title, course.path, lessons[course.pk])
            for course in courses
        }
        if keys is not None:
            cache.set_many({keys[pk]: outline for pk, outline in loaded.items()}, structure_cache.timeout())
        outlines.update(loaded)
    return outlines


@dataclasses.dataclass(frozen=True)
class ProgressTable:
    courses: list[CourseOutline]
    rows: list[ProgressRow]


def progress_table_members(cohort: Cohort) -> list[Enrolment]:
    """The members a cohort's progress table shows, with their person, in the table's order."""
    return list(
        cohort.enrolments.filter(role=Enrolment.Role.MEMBER, status__in=STARTED_STATUSES)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def cohort_progress_table(cohort: Cohort, *, members: list[Enrolment] | None = None) -> ProgressTable:
    """Each member's progress in every live course any member follows, in a fixed number of queries
    (one fewer with the members already read: progress_table_members).

    The caller has checked the cohort is one the user staffs (access.staffed_cohorts)."""
    if members is None:
        members = progress_table_members(cohort)
    user_ids = {member.person.user_id for member in members if member.person.user_id}
    enrolments = list(
        CourseEnrolment.objects.filter(user_id__in=user_ids, course__live=True).only(
            "user_id", "course_id", "completed_at"
        )
    )
    # Each course once (a cohort follows a few), from the cache: not a page object per enrolment.
    course_outline = course_outlines(enrolment.course_id for enrolment in enrolments)
    courses = sorted(course_outline.values(), key=lambda outline: outline.path)
    outlines = {course.pk: course.lessons for course in courses}
    lessons_by_id = {lesson.pk: lesson for lessons in outlines.values() for lesson in lessons}
    required = {
        course.pk: {lesson.pk for lesson in outlines[course.pk] if lesson.is_required} for course in courses
    }
    done_by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, lesson_id in LessonCompletion.objects.filter(
        user_id__in=user_ids, lesson_id__in=lessons_by_id
    ).values_list("user_id", "lesson_id"):
        done_by_user[user_id].add(lesson_id)
    connected = connected_seconds_by(
        user_ids, {lesson.pk: lesson.course_id for lesson in lessons_by_id.values()}
    )
    attended = attended_minutes_by(user_ids, [course.pk for course in courses])
    by_user_course = {(enrolment.user_id, enrolment.course_id): enrolment for enrolment in enrolments}
    rows = []
    for member in members:
        cells: list[ProgressCell | None] = []
        for course in courses:
            account = member.person.user_id
            enrolment = by_user_course.get((account, course.pk)) if account is not None else None
            if enrolment is None:
                cells.append(None)
                continue
            lessons = required[course.pk]
            key = (enrolment.user_id, course.pk)
            done_here = [
                lesson for lesson in outlines[course.pk] if lesson.pk in done_by_user[enrolment.user_id]
            ]
            cells.append(
                ProgressCell(
                    enrolment=enrolment,
                    done=len(lessons & done_by_user[enrolment.user_id]),
                    total=len(lessons),
                    time=TimeSummary(
                        estimated_minutes=completed_activity_minutes(done_here, attended.get(key, 0)),
                        connected_seconds=connected.get(key, 0),
                    ),
                )
            )
        rows.append(ProgressRow(member=member, cells=cells))
    return ProgressTable(courses=courses, rows=rows)


def cohorts_to_follow(user: Any) -> QuerySet[Cohort]:
    """The planned and running cohorts a user staffs, for the links to their progress tables."""
    return (
        access.staffed_cohorts(user)
        .filter(status__in=[CohortStatus.PLANNED, CohortStatus.RUNNING])
        .select_related("edition")
        .order_by("-edition__year", "name")
    )


def members_with_accounts(cohort: Cohort) -> QuerySet[Enrolment]:
    """Current members (enrolled or active) who can log in: the ones a cohort enrolment reaches."""
    return cohort.enrolments.filter(
        role=Enrolment.Role.MEMBER,
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE],
        person__user__isnull=False,
    ).select_related("person__user")


# --- Certificates ------------------------------------------------------------------------------------


def realised_minutes(user: Any, course: CoursePage) -> int:
    """Realised duration of a course for one learner, in minutes: the estimated time of the lessons of
    the course they completed (required or optional) plus the live-session minutes their facilitators
    confirmed, plus the time SCORM modules reported. A lesson completed by attending counts through
    those minutes, a SCORM lesson through the time its module reported (its estimate only when the
    module reported none): never twice. The one place the certificates read it from."""
    lessons = (
        LessonPage.objects.live()
        .descendant_of(course)
        .exclude(completion_rule__in=[CompletionRule.ATTENDANCE, CompletionRule.SCORM])
    )
    total = LessonCompletion.objects.filter(user=user, lesson__in=lessons).aggregate(
        total=Sum("lesson__estimated_minutes")
    )["total"]
    return int(total or 0) + attended_live_minutes(user, course) + scorm_minutes(user, course)


def scorm_minutes(user: Any, course: CoursePage) -> int:
    """Minutes of the course's SCORM lessons for one learner: the session time their modules reported
    (every SCO of the lesson), or the lesson's estimate when it is completed and reported no time."""
    lessons = LessonPage.objects.live().descendant_of(course).filter(completion_rule=CompletionRule.SCORM)
    seconds = dict(
        ScormAttempt.objects.filter(user=user, lesson__in=lessons)
        .values("lesson_id")
        .annotate(seconds=Sum("total_seconds"))
        .values_list("lesson_id", "seconds")
    )
    completed = LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list(
        "lesson_id", "lesson__estimated_minutes"
    )
    minutes = sum(round(value / 60) for value in seconds.values() if value)
    minutes += sum(estimate for lesson_id, estimate in completed if not seconds.get(lesson_id))
    return int(minutes)


def my_certificates(user: Any) -> QuerySet[Certificate]:
    """The learner's own certificates, the latest first (their snapshot: no join needed)."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(user=user).order_by("-issued_at", "-pk")


def certificate_of(user: Any, course: CoursePage) -> Certificate | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Certificate.objects.filter(user=user, course=course).first()


def visible_certificates(user: Any) -> QuerySet[Certificate]:
    """Certificates a user may open: their own, and those of the people the access policy shows them."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    if access.sees_everything(user):
        return Certificate.objects.all()
    accounts = access.visible_people(user).filter(user__isnull=False).values("user_id")
    return Certificate.objects.filter(Q(user=user) | Q(user_id__in=accounts))


def managed_certificates(user: Any) -> QuerySet[Certificate]:
    """Certificates of the people a staff member follows (the back office listing): not their own."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    if access.sees_everything(user):
        return Certificate.objects.all()
    accounts = access.visible_people(user).filter(user__isnull=False).values("user_id")
    return Certificate.objects.filter(user_id__in=accounts).exclude(user=user)


def can_revoke_certificate(user: Any, certificate: Certificate) -> bool:
    """The national team, and coordinators for the people of their scope (never their own)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if access.sees_everything(user):
        return True
    if Role.COORDINATOR not in role_names(user) or certificate.user_id == user.pk:
        return False
    return managed_certificates(user).filter(pk=certificate.pk).exists()


@dataclasses.dataclass(frozen=True)
class PublicCertificate:
    """Everything the public verification tells about a certificate, and nothing else."""

    code: str
    holder: str  # first name and last initial: "Camille D."
    course: str
    issue_date: datetime.date
    status: str
    revocation_date: datetime.date | None

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def status_label(self) -> str:
        return str(CertificateStatus(self.status).label)


def public_certificate(raw_code: str) -> PublicCertificate | None:
    """The public facts of the certificate a code names (one query); None for an unknown code."""
    certificate = certificate_by_code(raw_code)
    if certificate is None:
        return None
    return PublicCertificate(
        code=certificate.code,
        holder=certificate.holder_public_name,
        course=certificate.course_title,
        issue_date=timezone.localdate(certificate.issued_at),
        status=certificate.status,
        revocation_date=timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
    )


def certificate_by_code(raw_code: str) -> Certificate | None:
    """The certificate a typed or scanned code names; None for anything that is not one."""
    code = normalise_code(raw_code)
    if not CODE_PATTERN.match(code):
        return None
    return Certificate.objects.filter(code=code).first()


def verification_url(code: str) -> str:
    """The absolute address printed on a certificate and in its QR code."""
    base = str(settings.ESSAIM_PUBLIC_BASE_URL).rstrip("/")
    return f"{base}{reverse('lms:verify', args=[code])}"


# --- Digital skills self-assessment (DigComp) -------------------------------------------------------

Levels = dict[str, int | None]


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def area_averages(levels: Levels) -> dict[str, float | None]:
    """Each area's mean level over the competences rated (0..8); "I don't know" is left out, and an area
    with no level at all has no average (None)."""
    by_area: dict[str, list[float]] = {
        area: [] for area in dict.fromkeys(map(digcomp.area_of, digcomp.codes()))
    }
    for code, level in levels.items():
        if level is not None:
            by_area.setdefault(digcomp.area_of(code), []).append(level)
    return {area: _mean(values) for area, values in by_area.items()}


@dataclasses.dataclass(frozen=True)
class AssessmentResult:
    """One self-assessment with its levels by competence code."""

    assessment: DigitalSkillsAssessment
    levels: Levels

    @property
    def area_averages(self) -> dict[str, float | None]:
        return area_averages(self.levels)

    @property
    def average(self) -> float | None:
        """Mean of every level given (not of the area means), "I don't know" left out."""
        return _mean(level for level in self.levels.values() if level is not None)

    @property
    def unknown(self) -> int:
        return sum(1 for level in self.levels.values() if level is None)


def my_digital_skills_assessments(user: Any) -> list[AssessmentResult]:
    """A person's own self-assessments, newest first, with their levels (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    assessments = (
        DigitalSkillsAssessment.objects.filter(user=user)
        .prefetch_related("ratings")
        .order_by("-submitted_at", "-pk")
    )
    return [
        AssessmentResult(
            assessment=assessment,
            levels={rating.competence: rating.level for rating in assessment.ratings.all()},
        )
        for assessment in assessments
    ]


@dataclasses.dataclass(frozen=True)
class CompetenceDistribution:
    """How many respondents gave each level (0..8) to one competence, and how many did not know."""

    code: str
    counts: tuple[int, ...]
    unknown: int

    @property
    def rated(self) -> int:
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        total = self.rated
        return sum(level * count for level, count in enumerate(self.counts)) / total if total else None


class Suppression:
    NONE = ""
    # Fewer respondents than the disclosure threshold.
    THRESHOLD = "threshold"
    # Enough respondents, but shown beside its sub-groups it would reveal a small group by subtraction.
    SECONDARY = "secondary"


@dataclasses.dataclass(frozen=True)
class GroupAggregate:
    """The self-assessments of one group (a programme, an edition or a cohort in the user's scope).

    Nobody is named. A suppressed group carries no figure at all, not even its respondent count."""

    kind: str  # "programme", "edition" or "cohort"
    key: str  # "programme", "edition-2026", "cohort-12": what the page and the API select groups by
    name: str
    year: int | None
    cohort: Cohort | None
    suppression: str
    respondents: int | None
    area_averages: dict[str, float | None]
    competences: list[CompetenceDistribution]

    @property
    def is_disclosed(self) -> bool:
        return self.suppression == Suppression.NONE

    @property
    def respondents_display(self) -> str:
        if self.respondents is None:
            return f"< {disclosure.disclosure_threshold()}"
        return disclosure.disclosed_count(self.respondents)


@dataclasses.dataclass(frozen=True)
class DigitalSkillsAggregates:
    programme: Programme
    year: int | None
    threshold: int
    groups: list[GroupAggregate]  # the programme, the chosen edition, then its cohorts by name

    def group(self, key: str) -> GroupAggregate | None:
        return next((group for group in self.groups if group.key == key), None)


def _group_figures(
    kind: str, key: str, name: str, users: set[int], levels: dict[int, Levels], suppression: str, **extra: Any
) -> GroupAggregate:
    if suppression != Suppression.NONE:
        return GroupAggregate(
            kind,
            key,
            name,
            suppression=suppression,
            respondents=None,
            area_averages={},
            competences=[],
            **extra,
        )
    people = [levels[user] for user in sorted(users)]
    per_person = [area_averages(person) for person in people]
    areas = {
        area: _mean(value for averages in per_person if (value := averages[area]) is not None)
        for area in dict.fromkeys(map(digcomp.area_of, digcomp.codes()))
    }
    competences = []
    for code in digcomp.codes():
        counts = [0] * len(digcomp.SCALE)
        unknown = 0
        for person in people:
            level = person.get(code)
            if level is None:
                unknown += 1
            else:
                counts[level] += 1
        competences.append(CompetenceDistribution(code=code, counts=tuple(counts), unknown=unknown))
    return GroupAggregate(
        kind,
        key,
        name,
        suppression=suppression,
        respondents=len(users),
        area_averages=areas,
        competences=competences,
        **extra,
    )


def _suppression(users: set[int], shown_parts: list[set[int]]) -> str:
    if not disclosure.is_disclosable(len(users)):
        return Suppression.THRESHOLD
    if disclosure.reveals_small_group(users, shown_parts):
        return Suppression.SECONDARY
    return Suppression.NONE


def digital_skills_aggregates(
    user: Any, *, programme: Programme, year: int | None
) -> DigitalSkillsAggregates:
    """Self-assessments of the members of the user's staffed cohorts of a programme, by group, under the
    disclosure rules, in a fixed number of queries.

    Each respondent counts once per group with their latest self-assessment (current DigComp version).
    Respondents are members who started (enrolled or further) and have an account. Groups below the
    threshold are suppressed; so is a total that would reveal them by subtraction (secondary suppression,
    checked over every edition and cohort of the programme, not only the ones on the page)."""
    cohorts = list(
        access.staffed_cohorts(user)
        .filter(edition__programme=programme)
        .select_related("edition")
        .order_by("edition__year", "name", "pk")
    )
    members = Enrolment.objects.filter(
        cohort__in=[cohort.pk for cohort in cohorts],
        role=Enrolment.Role.MEMBER,
        status__in=STARTED_STATUSES,
        person__user__isnull=False,
    )
    pairs = list(members.values_list("cohort_id", "person__user_id"))
    latest = (
        DigitalSkillsAssessment.objects.filter(
            user_id=OuterRef("assessment__user_id"), framework_version=digcomp.VERSION
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    levels: dict[int, Levels] = defaultdict(dict)
    ratings = DigitalSkillsRating.objects.filter(
        assessment__user_id__in=members.values("person__user_id"), assessment_id=Subquery(latest)
    ).values_list("assessment__user_id", "competence", "level")
    for person, code, level in ratings:
        levels[person][code] = level

    by_cohort: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person in pairs:
        if person in levels:
            by_cohort[cohort_id].add(person)
    years = sorted({cohort.edition.year for cohort in cohorts})
    by_year = {
        edition: set().union(*(by_cohort[c.pk] for c in cohorts if c.edition.year == edition))
        for edition in years
    }
    cohort_suppression = {cohort.pk: _suppression(by_cohort[cohort.pk], []) for cohort in cohorts}
    shown_cohorts = {
        edition: [
            by_cohort[c.pk] for c in cohorts if c.edition.year == edition and not cohort_suppression[c.pk]
        ]
        for edition in years
    }
    year_suppression = {edition: _suppression(by_year[edition], shown_cohorts[edition]) for edition in years}
    everyone: set[int] = set().union(*by_year.values())
    shown_below = [by_year[e] for e in years if not year_suppression[e]]
    shown_below += [users for e in years for users in shown_cohorts[e]]

    groups = [
        _group_figures(
            "programme",
            "programme",
            programme.name,
            everyone,
            levels,
            _suppression(everyone, shown_below),
            year=None,
            cohort=None,
        )
    ]
    if year is not None:
        groups.append(
            _group_figures(
                "edition",
                f"edition-{year}",
                f"{programme.name} {year}",
                by_year.get(year, set()),
                levels,
                year_suppression.get(year, Suppression.THRESHOLD),
                year=year,
                cohort=None,
            )
        )
        for cohort in sorted((c for c in cohorts if c.edition.year == year), key=lambda c: (c.name, c.pk)):
            groups.append(
                _group_figures(
                    "cohort",
                    f"cohort-{cohort.pk}",
                    cohort.name,
                    by_cohort[cohort.pk],
                    levels,
                    cohort_suppression[cohort.pk],
                    year=year,
                    cohort=cohort,
                )
            )
    return DigitalSkillsAggregates(
        programme=programme, year=year, threshold=disclosure.disclosure_threshold(), groups=groups
    )


# --- Time: estimated time of completed activities and connected time ----------------------------------


@dataclasses.dataclass(frozen=True)
class TimeSummary:
    """Two measures of a learner's time in a course, shown side by side.

    - estimated time of completed activities: each completed lesson at its estimated duration, and each
      live session at the minutes attended as confirmed by the facilitator (a lesson completed by attending
      a session counts through those minutes, not through its estimate);
    - connected time: what the heartbeats of the lessons in view measured (idle gaps left out, each
      unbroken stretch capped)."""

    estimated_minutes: int
    connected_seconds: int

    @property
    def connected_minutes(self) -> int:
        return round(self.connected_seconds / 60)


def completed_activity_minutes(
    lessons_done: Iterable[LessonPage | LessonOutline], attended_minutes: int
) -> int:
    return int(
        sum(
            lesson.estimated_minutes
            for lesson in lessons_done
            if lesson.completion_rule != CompletionRule.ATTENDANCE
        )
        + attended_minutes
    )


def connected_seconds_by(
    user_ids: Iterable[int], course_of_lesson: dict[int, int]
) -> dict[tuple[int, int], int]:
    """(user id, course id) -> connected seconds on the given lessons (lesson id -> course id), in one query."""
    totals: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        LessonTime.objects.filter(user_id__in=list(user_ids), lesson_id__in=list(course_of_lesson))
        .values("user_id", "lesson_id")
        .annotate(total=Sum("seconds"))
        .values_list("user_id", "lesson_id", "total")
    )
    for user_id, lesson_id, total in rows:
        totals[(user_id, course_of_lesson[lesson_id])] += int(total or 0)
    return dict(totals)


def _confirmed_present() -> Q:
    return Q(status=LiveAttendanceStatus.PRESENT, confirmed_at__isnull=False)


def attended_minutes_by(user_ids: Iterable[int], course_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(user id, course id) -> confirmed minutes attended at the course's live sessions, in one query."""
    rows = (
        LiveAttendance.objects.filter(
            _confirmed_present(), user_id__in=list(user_ids), session__course_id__in=list(course_ids)
        )
        .values("user_id", "session__course_id")
        .annotate(total=Sum("minutes_attended"))
        .values_list("user_id", "session__course_id", "total")
    )
    return {(user_id, course_id): int(total or 0) for user_id, course_id, total in rows}


def attended_live_minutes(user: Any, course: CoursePage) -> int:
    """Minutes a learner attended the live sessions of a course, as confirmed by their facilitators."""
    total = LiveAttendance.objects.filter(_confirmed_present(), user=user, session__course=course).aggregate(
        total=Sum("minutes_attended")
    )["total"]
    return int(total or 0)


def time_summaries(user: Any, progresses: Sequence[CourseProgress]) -> dict[int, TimeSummary]:
    """Course id -> one learner's time summary, for courses whose progress is computed: no query when the
    progress came from progress_for (which reads the time with the lessons), else two."""
    if not progresses or not getattr(user, "is_authenticated", False):
        return {}
    if all(state.connected_seconds is not None for progress in progresses for state in progress.lessons):
        connected = {
            (user.pk, progress.course.pk): sum(state.connected_seconds or 0 for state in progress.lessons)
            for progress in progresses
        }
    else:
        connected = connected_seconds_by(
            [user.pk],
            {state.lesson.pk: progress.course.pk for progress in progresses for state in progress.lessons},
        )
    if all(hasattr(progress.enrolment, "attended_minutes") for progress in progresses):
        attended = {
            (user.pk, progress.course.pk): int(getattr(progress.enrolment, "attended_minutes", 0) or 0)
            for progress in progresses
        }
    else:
        attended = attended_minutes_by([user.pk], [progress.course.pk for progress in progresses])
    return {
        progress.course.pk: TimeSummary(
            estimated_minutes=completed_activity_minutes(
                [state.lesson for state in progress.lessons if state.is_completed],
                attended.get((user.pk, progress.course.pk), 0),
            ),
            connected_seconds=connected.get((user.pk, progress.course.pk), 0),
        )
        for progress in progresses
    }


@dataclasses.dataclass(frozen=True)
class CourseTime:
    progress: CourseProgress
    time: TimeSummary


@dataclasses.dataclass(frozen=True)
class LearnerTime:
    """What staff see of one learner's time: per course, per day, live sessions and logins."""

    account: User
    courses: list[CourseTime]
    days: list[tuple[datetime.date, int]]
    attendances: list[LiveAttendance]
    logins: list[ConnectionLog]


def learner_time(account: User, *, days: int = 30, logins: int = 50) -> LearnerTime:
    """The caller has checked the learner is one they may see (access.visible_people)."""
    courses = list(
        live_courses().filter(enrolments__user=account).order_by("-enrolments__enrolled_at", "path")
    )
    progresses = catalogue_entries(account, courses)
    summaries = time_summaries(account, progresses)
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    per_day = list(
        LessonTime.objects.filter(user=account, activity_date__gte=since)
        .values("activity_date")
        .annotate(total=Sum("seconds"))
        .order_by("-activity_date")
        .values_list("activity_date", "total")
    )
    return LearnerTime(
        account=account,
        courses=[CourseTime(progress, summaries[progress.course.pk]) for progress in progresses],
        days=[(day, int(total or 0)) for day, total in per_day if total],
        attendances=list(
            LiveAttendance.objects.filter(user=account)
            .select_related("session__course")
            .order_by("-session__starts_at")[:50]
        ),
        logins=list(ConnectionLog.objects.filter(user=account)[:logins]),
    )


# --- Live sessions ---------------------------------------------------------------------------------

# Cohort members who may join their cohort's sessions.
JOINING_STATUSES = [EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]
# No session lasts longer (LiveSession.duration_minutes), so "not over yet" starts from this far back.
LONGEST_SESSION = datetime.timedelta(hours=12)


def eligible_sessions(user: Any) -> QuerySet[LiveSession]:
    """Sessions a learner may join: of live courses they are enrolled in, open to the whole course or to
    a cohort they are a current member of."""
    if not getattr(user, "is_authenticated", False):
        return LiveSession.objects.none()
    enrolled = CourseEnrolment.objects.filter(course_id=OuterRef("course_id"), user=user)
    return LiveSession.objects.filter(Exists(enrolled), course__live=True).filter(_open_to(user))


def _open_to(user: Any) -> Q:
    """Sessions open to the whole course, or to a cohort the user is a current member of."""
    member = Enrolment.objects.filter(
        cohort_id=OuterRef("cohort_id"),
        person__user=user,
        role=Enrolment.Role.MEMBER,
        status__in=JOINING_STATUSES,
    )
    return Q(cohort__isnull=True) | Q(Exists(member))


def managed_sessions(user: Any) -> QuerySet[LiveSession]:
    """Sessions a user runs: those of the cohorts they staff (access policy) and those they lead."""
    if not getattr(user, "is_authenticated", False):
        return LiveSession.objects.none()
    if access.sees_everything(user):
        return LiveSession.objects.all()
    return LiveSession.objects.filter(Q(cohort__in=access.staffed_cohorts(user)) | Q(facilitator=user))


def can_manage_session(user: Any, session: LiveSession) -> bool:
    return managed_sessions(user).filter(pk=session.pk).exists()


def roster_users(session: LiveSession) -> QuerySet[User]:
    """The learners of a session: enrolled in its course (and current members of its cohort, if any),
    plus anyone already recorded at it."""
    expected = User.objects.filter(course_enrolments__course_id=session.course_id)
    if session.cohort_id is not None:
        expected = expected.filter(
            person__enrolments__cohort_id=session.cohort_id,
            person__enrolments__role=Enrolment.Role.MEMBER,
            person__enrolments__status__in=JOINING_STATUSES,
        )
    return User.objects.filter(
        Q(pk__in=expected.values("pk"))
        | Q(pk__in=LiveAttendance.objects.filter(session=session).values("user_id"))
    ).order_by("last_name", "first_name", "username")


@dataclasses.dataclass(frozen=True)
class RosterRow:
    user: User
    attendance: LiveAttendance | None

    @property
    def has_arrived(self) -> bool:
        return self.attendance is not None and self.attendance.arrived_at is not None

    @property
    def has_signed(self) -> bool:
        return self.attendance is not None and self.attendance.signed_at is not None

    @property
    def is_present_by_default(self) -> bool:
        """Before confirmation, who joined or signed is proposed present; afterwards, what was confirmed."""
        if self.attendance is not None and self.attendance.confirmed_at is not None:
            return self.attendance.status == LiveAttendanceStatus.PRESENT
        return self.has_arrived or self.has_signed


def session_roster(session: LiveSession) -> list[RosterRow]:
    """The learners of a session with their arrival, signature and confirmation, in two queries."""
    users = list(roster_users(session))
    attendances = {row.user_id: row for row in LiveAttendance.objects.filter(session=session)}
    return [RosterRow(user=user, attendance=attendances.get(user.pk)) for user in users]


@dataclasses.dataclass(frozen=True)
class SessionEntry:
    """A session as one person sees it at a given moment."""

    session: LiveSession
    attendance: LiveAttendance | None
    now: datetime.datetime

    @property
    def is_open(self) -> bool:
        return self.session.is_open_at(self.now)

    @property
    def is_over(self) -> bool:
        return self.now >= self.session.ends_at

    @property
    def has_joined(self) -> bool:
        return self.attendance is not None and self.attendance.arrived_at is not None

    @property
    def has_signed(self) -> bool:
        return self.attendance is not None and self.attendance.signed_at is not None

    @property
    def is_confirmed_present(self) -> bool:
        return self.attendance is not None and self.attendance.is_confirmed_present

    @property
    def needs_confirmation(self) -> bool:
        return self.now >= self.session.starts_at and self.session.attendance_confirmed_at is None


def _entries(user: Any, sessions: Sequence[LiveSession], now: datetime.datetime) -> list[SessionEntry]:
    attendances: dict[int, LiveAttendance] = {}
    if sessions and getattr(user, "is_authenticated", False):
        attendances = {
            row.session_id: row
            for row in LiveAttendance.objects.filter(user=user, session__in=[s.pk for s in sessions])
        }
    return [SessionEntry(session, attendances.get(session.pk), now) for session in sessions]


def learner_sessions(
    user: Any,
    *,
    course: CoursePage | None = None,
    enrolment: CourseEnrolment | None = None,
    lesson: LessonPage | None = None,
    upcoming: bool = True,
    limit: int | None = None,
    now: datetime.datetime | None = None,
) -> list[SessionEntry]:
    """A learner's sessions (not over yet when `upcoming`), soonest first, with their own attendance.

    With the course and the learner's enrolment in it already read (the course page), the enrolment is
    not looked up again."""
    now = now or timezone.now()
    if course is not None and enrolment is not None and enrolment.course_id == course.pk:
        if not course.live:
            return []
        sessions = LiveSession.objects.filter(course=course)
        # Most courses have no session coming: a plain indexed look says so before the full query
        # (cohort membership, facilitators) is built.
        if upcoming and not sessions.filter(starts_at__gte=now - LONGEST_SESSION).exists():
            return []
        sessions = sessions.filter(_open_to(user))
    else:
        sessions = eligible_sessions(user)
    sessions = sessions.select_related("cohort", "facilitator")
    # With the course page in hand, no course page is read per session.
    sessions = sessions.filter(course=course) if course is not None else sessions.select_related("course")
    if lesson is not None:
        sessions = sessions.filter(lesson=lesson)
    if upcoming:
        sessions = sessions.filter(starts_at__gte=now - LONGEST_SESSION).order_by("starts_at", "pk")
        rows = [session for session in sessions if session.ends_at > now]
    else:
        rows = list(sessions.order_by("-starts_at", "-pk"))
    if course is not None:
        for session in rows:
            session.course = course
    return _entries(user, rows[:limit] if limit is not None else rows, now)


def lesson_sessions(
    user: Any, lesson: LessonPage, *, now: datetime.datetime | None = None
) -> list[SessionEntry]:
    """The sessions a lesson presents: a learner's own; for staff reading the lesson, every upcoming one."""
    now = now or timezone.now()
    if CourseEnrolment.objects.filter(user=user, course__live_sessions__lesson=lesson).exists():
        return learner_sessions(user, lesson=lesson, now=now)
    sessions = (
        LiveSession.objects.filter(lesson=lesson, starts_at__gte=now - LONGEST_SESSION)
        .filter(pk__in=managed_sessions(user).values("pk"))
        .select_related("course", "cohort", "facilitator")
        .order_by("starts_at")
    )
    return _entries(user, [session for session in sessions if session.ends_at > now], now)


def run_sessions(
    user: Any, *, past_days: int = 60, now: datetime.datetime | None = None
) -> list[SessionEntry]:
    """Sessions a facilitator runs from `past_days` ago, soonest first, with roster counts annotated."""
    now = now or timezone.now()
    sessions = list(
        managed_sessions(user)
        .filter(starts_at__gte=now - datetime.timedelta(days=past_days))
        .select_related("course", "cohort", "facilitator")
        .annotate(
            arrived_count=Count("attendances", filter=Q(attendances__arrived_at__isnull=False)),
            signed_count=Count("attendances", filter=Q(attendances__signed_at__isnull=False)),
            present_count=Count(
                "attendances",
                filter=Q(
                    attendances__status=LiveAttendanceStatus.PRESENT, attendances__confirmed_at__isnull=False
                ),
            ),
        )
        .order_by("starts_at", "pk")
    )
    return [SessionEntry(session, None, now) for session in sessions]


def hash_token(token: str) -> str:
    """What is stored of a calendar feed's secret: its SHA-256, hex-encoded."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_user(token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_sessions(
    user: Any, *, past_days: int = 90, now: datetime.datetime | None = None
) -> list[LiveSession]:
    """A person's calendar: the sessions they may join and those they lead, from `past_days` ago."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=past_days)
    ids = eligible_sessions(user).values("pk")
    return list(
        LiveSession.objects.filter(Q(pk__in=ids) | Q(facilitator=user), starts_at__gte=since)
        .select_related("course", "cohort", "facilitator")
        .order_by("starts_at", "pk")
    )


# --- Staff reports ---------------------------------------------------------------------------------


def is_provider_staff(user: Any, course: CoursePage) -> bool:
    """Staff of the course's training provider: accounts speaking for its organisation."""
    if not getattr(user, "is_authenticated", False) or course.provider_id is None:
        return False
    return PartnerContact.objects.filter(
        user=user, organisation__training_provider=course.provider_id
    ).exists()


def reportable_courses(user: Any) -> QuerySet[CoursePage]:
    """Courses whose report a user may open: every live course for the national team and for staff of
    cohorts (their figures cover their cohorts only), their own courses for a training provider's staff."""
    if not getattr(user, "is_authenticated", False):
        return cast(QuerySet[CoursePage], CoursePage.objects.none())
    if access.sees_everything(user) or access.staffed_cohorts(user).exists():
        return live_courses()
    return live_courses().filter(provider__organisation__contacts__user=user).distinct()


@dataclasses.dataclass(frozen=True)
class ReportRow:
    cohort: Cohort | None
    enrolled: int
    started: int
    completed: int
    # Medians among the learners who started; None when nobody did.
    median_connected_seconds: int | None
    median_estimated_minutes: int | None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def completion_percent(self) -> int | None:
        rate = self.completion_rate
        return None if rate is None else round(rate * 100)

    @property
    def median_connected_minutes(self) -> int | None:
        seconds = self.median_connected_seconds
        return None if seconds is None else round(seconds / 60)


@dataclasses.dataclass(frozen=True)
class CourseReport:
    course: CoursePage
    # The course's estimated duration: its live required lessons at their estimates.
    estimated_minutes: int
    lessons: int
    total: ReportRow
    cohorts: list[ReportRow]
    # Learners outside any cohort (open courses), shown to those who see the whole course only.
    without_cohort: ReportRow | None
    is_whole_course: bool


@dataclasses.dataclass(frozen=True)
class _LearnerFacts:
    completed: bool
    started: bool
    connected_seconds: int
    estimated_minutes: int


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if values else None


def _report_row(cohort: Cohort | None, facts: list[_LearnerFacts]) -> ReportRow:
    started = [fact for fact in facts if fact.started]
    return ReportRow(
        cohort=cohort,
        enrolled=len(facts),
        started=len(started),
        completed=sum(1 for fact in facts if fact.completed),
        median_connected_seconds=_median([fact.connected_seconds for fact in started]),
        median_estimated_minutes=_median([fact.estimated_minutes for fact in started]),
    )


def course_report(user: Any, course: CoursePage) -> CourseReport | None:
    """Enrolled, started, completed, completion rate and median times of a course, overall and per cohort,
    over the learners the user may see; None when they may see none. A fixed number of queries.

    A learner has started once they opened a lesson, completed one, or have connected time or attendance."""
    whole = access.sees_everything(user) or is_provider_staff(user, course)
    memberships = Enrolment.objects.filter(
        role=Enrolment.Role.MEMBER,
        status__in=STARTED_STATUSES,
        person__user__course_enrolments__course=course,
    )
    if not whole:
        staffed = access.staffed_cohorts(user)
        if not staffed.exists():
            return None
        memberships = memberships.filter(cohort__in=staffed)
    cohorts_of: dict[int, set[int]] = defaultdict(set)
    for user_id, cohort_id in memberships.values_list("person__user_id", "cohort_id").distinct():
        cohorts_of[user_id].add(cohort_id)
    enrolments = CourseEnrolment.objects.filter(course=course)
    if not whole:
        enrolments = enrolments.filter(user_id__in=memberships.values("person__user_id"))
    structure = course_structures([course])[course.pk]
    lesson_ids = [lesson.pk for lesson, _module in structure.lessons]
    done = dict(
        LessonCompletion.objects.filter(lesson_id__in=lesson_ids)
        .values("user_id")
        .annotate(
            minutes=Sum(
                "lesson__estimated_minutes", filter=~Q(lesson__completion_rule=CompletionRule.ATTENDANCE)
            ),
        )
        .values_list("user_id", "minutes")
    )
    connected = dict(
        LessonTime.objects.filter(lesson_id__in=lesson_ids)
        .values("user_id")
        .annotate(total=Sum("seconds"))
        .values_list("user_id", "total")
    )
    attended = dict(
        LiveAttendance.objects.filter(_confirmed_present(), session__course=course)
        .values("user_id")
        .annotate(total=Sum("minutes_attended"))
        .values_list("user_id", "total")
    )
    facts: dict[int, _LearnerFacts] = {}
    for user_id, completed_at, last_lesson_id in enrolments.values_list(
        "user_id", "completed_at", "last_lesson_id"
    ):
        seconds = int(connected.get(user_id) or 0)
        minutes = int(done.get(user_id) or 0) + int(attended.get(user_id) or 0)
        facts[user_id] = _LearnerFacts(
            completed=completed_at is not None,
            started=bool(last_lesson_id or user_id in done or seconds or user_id in attended),
            connected_seconds=seconds,
            estimated_minutes=minutes,
        )
    cohort_ids = {cohort_id for user_id in facts for cohort_id in cohorts_of.get(user_id, ())}
    cohorts = sorted(
        Cohort.objects.filter(pk__in=cohort_ids).select_related("edition"),
        key=lambda cohort: (-cohort.edition.year, cohort.name, cohort.pk),
    )
    members: dict[int, list[_LearnerFacts]] = defaultdict(list)
    outside: list[_LearnerFacts] = []
    for user_id, fact in facts.items():
        for cohort_id in cohorts_of.get(user_id, ()):
            members[cohort_id].append(fact)
        if not cohorts_of.get(user_id):
            outside.append(fact)
    return CourseReport(
        course=course,
        estimated_minutes=sum(
            lesson.estimated_minutes for lesson, _module in structure.lessons if lesson.is_required
        ),
        lessons=len(lesson_ids),
        total=_report_row(None, list(facts.values())),
        cohorts=[_report_row(cohort, members[cohort.pk]) for cohort in cohorts],
        without_cohort=_report_row(None, outside) if whole and outside else None,
        is_whole_course=whole,
    )


def revoked_badge_bits(list_number: int, size: int) -> list[int]:
    """Positions, within one Open Badges status list, of the revoked certificates (one query)."""
    start = list_number * size
    indexes = Certificate.objects.filter(
        status=CertificateStatus.REVOKED, badge_status_index__gte=start, badge_status_index__lt=start + size
    ).values_list("badge_status_index", flat=True)
    return sorted(int(index) - start for index in indexes if index is not None)


def badge_status_list_exists(list_number: int, size: int) -> bool:
    """Lists are published from the first one up to the last one holding a drawn position."""
    if list_number == 0:
        return True
    return Certificate.objects.filter(badge_status_index__gte=list_number * size).exists()
