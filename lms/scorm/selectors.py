"""Reads of SCORM packages: who may open a lesson's content, what the player needs to launch each SCO
(resume included), and the attempts for exports."""

import dataclasses
from typing import Any

from django.db.models import QuerySet

from lms import selectors as lms_selectors
from lms.choices import ScormCompletion, ScormVersion
from lms.models import CourseEnrolment, CoursePage, LessonPage, ScormAttempt, ScormSco
from lms.scorm import runtime


def enrolment_for_lesson(user: Any, lesson: LessonPage) -> CourseEnrolment | None:
    """The learner's enrolment in the course of a published lesson; None when they may record nothing."""
    if not getattr(user, "is_authenticated", False) or not lesson.live:
        return None
    course = lms_selectors.course_of(lesson)
    return lms_selectors.enrolment_in(user, course) if course is not None else None


def may_open_content(user: Any, lesson: LessonPage) -> bool:
    """The same rule as the lesson page: enrolled learners of a published lesson, and the course's editors."""
    if not getattr(user, "is_authenticated", False):
        return False
    course = lms_selectors.course_of(lesson)
    if course is None:
        return False
    if lesson.live and lms_selectors.enrolment_in(user, course) is not None:
        return True
    return lms_selectors.is_course_editor(user, course)


def launch_cmi(*, user: Any, sco: ScormSco, version: str, attempt: ScormAttempt | None) -> dict[str, Any]:
    """The CMI data the run-time starts from (scorm-again's loadFromJSON): who the learner is, the
    mastery score and, on a return, where they were (location, suspend data, status, score, total time)."""
    name = ", ".join(part for part in (user.last_name, user.first_name) if part) or user.get_username()
    saved = attempt.cmi if attempt is not None and isinstance(attempt.cmi, dict) else {}
    resumes = attempt is not None and bool(attempt.location or attempt.suspend_data)
    total_time = runtime.format_time(attempt.total_seconds if attempt is not None else 0, version)
    if version == ScormVersion.SCORM_12:
        core: dict[str, Any] = {
            "student_id": str(user.pk),
            "student_name": name[:255],
            "entry": "resume" if resumes else "ab-initio",
            "total_time": total_time,
        }
        saved_core = saved.get("core")
        status = str(saved_core.get("lesson_status") or "") if isinstance(saved_core, dict) else ""
        if status in {"passed", "completed", "failed", "incomplete", "browsed"}:
            core["lesson_status"] = status
        if attempt is not None and attempt.location:
            core["lesson_location"] = attempt.location
        if attempt is not None and attempt.score_raw is not None:
            core["score"] = _score_12(attempt)
        data: dict[str, Any] = {"core": core}
        if attempt is not None and attempt.suspend_data:
            data["suspend_data"] = attempt.suspend_data
        if sco.mastery_score is not None:
            data["student_data"] = {"mastery_score": _plain(sco.mastery_score)}
        return {"cmi": data}
    data = {
        "learner_id": str(user.pk),
        "learner_name": name[:255],
        "entry": "resume" if resumes else "ab-initio",
        "total_time": total_time,
    }
    if attempt is not None:
        if attempt.location:
            data["location"] = attempt.location
        if attempt.suspend_data:
            data["suspend_data"] = attempt.suspend_data
        if attempt.completion_status != ScormCompletion.NOT_ATTEMPTED:
            data["completion_status"] = attempt.completion_status
        if attempt.success_status != "unknown":
            data["success_status"] = attempt.success_status
        score = {
            key: _plain(value)
            for key, value in (
                ("scaled", attempt.score_scaled),
                ("raw", attempt.score_raw),
                ("min", attempt.score_min),
                ("max", attempt.score_max),
            )
            if value is not None
        }
        if score:
            data["score"] = score
    if sco.mastery_score is not None:
        data["scaled_passing_score"] = _plain(sco.mastery_score)
    return {"cmi": data}


def _plain(value: Any) -> str:
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _score_12(attempt: ScormAttempt) -> dict[str, str]:
    return {
        key: _plain(value)
        for key, value in (("raw", attempt.score_raw), ("min", attempt.score_min), ("max", attempt.score_max))
        if value is not None
    }


@dataclasses.dataclass(frozen=True)
class ScoEntry:
    sco: ScormSco
    attempt: ScormAttempt | None


def lesson_scos(user: Any, lesson: LessonPage) -> list[ScoEntry]:
    """The SCOs of the lesson's package in order, each with the learner's attempt (two queries)."""
    if lesson.scorm_package_id is None:
        return []
    scos = list(ScormSco.objects.filter(package_id=lesson.scorm_package_id).order_by("position", "pk"))
    attempts: dict[int, ScormAttempt] = {}
    if getattr(user, "is_authenticated", False):
        attempts = {
            attempt.sco_id: attempt
            for attempt in ScormAttempt.objects.filter(user=user, lesson=lesson, sco__in=scos)
        }
    return [ScoEntry(sco=sco, attempt=attempts.get(sco.pk)) for sco in scos]


def attempts_for_export(*, course: CoursePage | None = None, user: Any = None) -> QuerySet[ScormAttempt]:
    """Per-learner SCO attempts for exports (xAPI statements, reports), oldest first, joined with their
    user, SCO, package and lesson. Filtered by course (its lessons) and/or learner; the caller applies
    the access policy (programmes.access) to the users it may show.

    Fields of each ScormAttempt, normalised across SCORM 1.2 and 2004:
    - `completion_status`: "not_attempted" | "incomplete" | "completed" (lms.choices.ScormCompletion;
      SCORM 1.2 `passed` and `failed` count as completed). Once completed it stays completed.
    - `success_status`: "unknown" | "passed" | "failed" (ScormSuccess), kept apart from completion;
      a pass, once reached, is kept.
    - `score_raw`, `score_min`, `score_max`: floats or None, as the content reported them;
      `score_scaled`: float in [-1, 1] or None (SCORM 1.2: raw within min..max, 0..100 by default).
    - `total_seconds`: time of every session (each counted once, capped per session);
      `previous_seconds` + `session_seconds` make it up.
    - `started_at` (first commit), `updated_at` (last commit applied), `completed_at` (first time
      completed, or None).
    - `sco.identifier`/`sco.title`/`sco.package.version` ("1.2" | "2004")/`sco.package.uuid`, `lesson`
      (a LessonPage; its course is its ancestor), `user`.
    - `location`, `suspend_data`, `cmi`: the content's own resume data; opaque, not for export."""
    attempts = ScormAttempt.objects.select_related("user", "sco", "sco__package", "lesson").order_by(
        "started_at", "pk"
    )
    if course is not None:
        attempts = attempts.filter(lesson__in=LessonPage.objects.descendant_of(course))
    if user is not None:
        attempts = attempts.filter(user=user)
    return attempts
