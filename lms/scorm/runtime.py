"""What a commit of the run-time means, the same for SCORM 1.2 and 2004: completion and success kept apart,
the score, the session time. Pure functions over the CMI tree that scorm-again sends (`{"cmi": {...}}`)."""

import dataclasses
import math
import re
from typing import Any

from lms.choices import ScormCompletion, ScormSuccess, ScormVersion

# SCORM 1.2 CMITimespan: HHHH:MM:SS.SS (hours on 2 to 4 digits).
TIMESPAN_12 = re.compile(r"^(\d{1,4}):([0-5]?\d):([0-5]?\d(?:\.\d{1,2})?)$")
# SCORM 2004 timeinterval (ISO 8601 duration): P[yY][mM][dD][T[hH][mM][s[.s]S]].
DURATION_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
# As SCORM 2004 reckons them for durations: a year of 365 days, a month of 30.
DURATION_UNITS = (365 * 86400, 30 * 86400, 86400, 3600, 60, 1)


def parse_session_time(value: Any, version: str) -> int | None:
    """Seconds of a session time in either version's format (rounded down); None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if version == ScormVersion.SCORM_12:
        match = TIMESPAN_12.match(text)
        if match is None:
            return None
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + math.floor(float(seconds))
    match = DURATION_2004.match(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        return None
    total = sum(float(part) * unit for part, unit in zip(match.groups(), DURATION_UNITS, strict=True) if part)
    return math.floor(total)


def format_time(seconds: int, version: str) -> str:
    """A total time in the version's format, to hand back to the content on resume."""
    seconds = max(0, int(seconds))
    if version == ScormVersion.SCORM_12:
        hours, rest = divmod(seconds, 3600)
        return f"{min(hours, 9999):04d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"PT{seconds}S"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _get(tree: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)
    return tree


@dataclasses.dataclass(frozen=True)
class State:
    """What one commit says, in Essaim's terms."""

    completion: str
    success: str
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None
    session_seconds: int | None
    location: str
    suspend_data: str


def _scaled(raw: float | None, low: float | None, high: float | None) -> float | None:
    """SCORM 1.2 has no scaled score: the raw score within its range (0 to 100 when none is given)."""
    if raw is None:
        return None
    low = 0.0 if low is None else low
    high = 100.0 if high is None else high
    if high <= low:
        return None
    return max(-1.0, min(1.0, (raw - low) / (high - low)))


def _status_12(lesson_status: Any) -> tuple[str, str]:
    status = str(lesson_status or "").strip().lower()
    if status == "passed":
        return ScormCompletion.COMPLETED, ScormSuccess.PASSED
    if status == "failed":
        return ScormCompletion.COMPLETED, ScormSuccess.FAILED
    if status == "completed":
        return ScormCompletion.COMPLETED, ScormSuccess.UNKNOWN
    if status in ("incomplete", "browsed"):
        return ScormCompletion.INCOMPLETE, ScormSuccess.UNKNOWN
    return ScormCompletion.NOT_ATTEMPTED, ScormSuccess.UNKNOWN


def _status_2004(completion: Any, success: Any) -> tuple[str, str]:
    completion = str(completion or "").strip().lower()
    success = str(success or "").strip().lower()
    normalised_completion = {
        "completed": ScormCompletion.COMPLETED,
        "incomplete": ScormCompletion.INCOMPLETE,
    }.get(completion, ScormCompletion.NOT_ATTEMPTED)
    normalised_success = {"passed": ScormSuccess.PASSED, "failed": ScormSuccess.FAILED}.get(
        success, ScormSuccess.UNKNOWN
    )
    return normalised_completion, normalised_success


def read_state(cmi: Any, version: str) -> State:
    """The normalised state of a CMI tree of either version; unknown or missing values are left empty."""
    if version == ScormVersion.SCORM_12:
        core = _get(cmi, "core") or {}
        completion, success = _status_12(_get(core, "lesson_status"))
        raw, low, high = (_number(_get(core, "score", key)) for key in ("raw", "min", "max"))
        return State(
            completion=completion,
            success=success,
            score_raw=raw,
            score_min=low,
            score_max=high,
            score_scaled=_scaled(raw, low, high),
            session_seconds=parse_session_time(_get(core, "session_time"), version),
            location=str(_get(core, "lesson_location") or "")[:1000],
            suspend_data=str(_get(cmi, "suspend_data") or ""),
        )
    completion, success = _status_2004(_get(cmi, "completion_status"), _get(cmi, "success_status"))
    raw, low, high, scaled = (_number(_get(cmi, "score", key)) for key in ("raw", "min", "max", "scaled"))
    if scaled is not None:
        scaled = max(-1.0, min(1.0, scaled))
    elif raw is not None and low is not None and high is not None:
        scaled = _scaled(raw, low, high)
    return State(
        completion=completion,
        success=success,
        score_raw=raw,
        score_min=low,
        score_max=high,
        score_scaled=scaled,
        session_seconds=parse_session_time(_get(cmi, "session_time"), version),
        location=str(_get(cmi, "location") or "")[:1000],
        suspend_data=str(_get(cmi, "suspend_data") or ""),
    )
