"""SCORM results as xAPI statements: one per learner and SCO, registered with lms.xapi at start-up.

The verb follows the normalised statuses: passed or failed when the content reported a success status,
completed when it only reported completion, attempted otherwise. The statement id changes with the
status, score and time, so a later export adds the new state and keeps the earlier one in the LRS."""

from collections.abc import Iterable
from typing import Any

from lms import xapi
from lms.choices import ScormCompletion, ScormSuccess
from lms.models import CoursePage, ScormAttempt
from lms.scorm.selectors import attempts_for_export


def _verb(attempt: ScormAttempt) -> str:
    if attempt.success_status == ScormSuccess.PASSED:
        return "passed"
    if attempt.success_status == ScormSuccess.FAILED:
        return "failed"
    if attempt.completion_status == ScormCompletion.COMPLETED:
        return "completed"
    return "attempted"


def _result(attempt: ScormAttempt) -> dict[str, Any]:
    result: dict[str, Any] = {
        "completion": attempt.completion_status == ScormCompletion.COMPLETED,
        "duration": xapi.duration(attempt.total_seconds),
    }
    if attempt.success_status != ScormSuccess.UNKNOWN:
        result["success"] = attempt.success_status == ScormSuccess.PASSED
    score: dict[str, float] = {}
    if attempt.score_scaled is not None and -1 <= attempt.score_scaled <= 1:
        score["scaled"] = round(attempt.score_scaled, 4)
    if attempt.score_raw is not None:
        bounds = {"min": attempt.score_min, "max": attempt.score_max}
        low = bounds["min"] if bounds["min"] is not None else attempt.score_raw
        high = bounds["max"] if bounds["max"] is not None else attempt.score_raw
        if low <= attempt.score_raw <= high:  # xAPI: raw lies within min and max when they are given
            score["raw"] = attempt.score_raw
            score.update({name: value for name, value in bounds.items() if value is not None})
    if score:
        result["score"] = score
    return result


def scorm_statements(*, course: CoursePage | None, user: Any | None) -> Iterable[xapi.Statement]:
    tree = xapi.CourseTree(course=course, user=user)
    registrations = tree.registrations(user)
    attempts = xapi.exported_rows(attempts_for_export().filter(lesson_id__in=tree.lesson_ids), user)
    for attempt in attempts.exclude(completion_status=ScormCompletion.NOT_ATTEMPTED):
        lesson_course = tree.course_of_lesson[attempt.lesson_id]
        yield xapi.statement(
            id=xapi.statement_id(
                "scorm-attempt",
                attempt.pk,
                attempt.completion_status,
                attempt.success_status,
                attempt.score_scaled,
                attempt.total_seconds,
            ),
            user=attempt.user,
            verb_name=_verb(attempt),
            object=xapi.activity("scorm-sco", attempt.sco_id, attempt.sco.title),
            when=attempt.updated_at,
            result=_result(attempt),
            context=xapi.context(
                parent=tree.lesson_activity(attempt.lesson_id),
                grouping=[tree.course_activity(lesson_course)],
                registration=registrations.get((attempt.user_id, lesson_course.pk)),
            ),
        )


xapi.register_statement_source("scorm", scorm_statements)
