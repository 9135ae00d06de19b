"""The SCORM player's endpoints: the package's files, served under an isolated path with a sandboxing
policy (ESSAIM_SCORM_CSP) to the people who may open the lesson, and the run-time's commits.

A commit carries a signed launch token issued with the lesson page (learner, lesson, SCO, session): it
stands in for the CSRF token, which a beacon sent while the page closes cannot carry in a header. A
learner who is not enrolled, or another learner's token, gets 404."""

import json
import mimetypes
import secrets
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from lms.models import CourseEnrolment, LessonPage, ScormSco
from lms.scorm import selectors, services
from programmes.security import rate_for, too_many_requests

TOKEN_SALT = "lms.scorm.launch"  # a signing namespace, not a secret  # nosec B105
TOKEN_MAX_AGE = 24 * 3600
MAX_COMMIT_BYTES = 512 * 1024
# Content types the browser must not guess (SecurityMiddleware adds nosniff to every answer).
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".htm": "text/html",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt",
}


def launch_token(*, user: Any, lesson: LessonPage, sco: ScormSco) -> str:
    """A signed token for one launch of a SCO by a learner; each token opens a new session."""
    return signing.dumps(
        {"u": user.pk, "l": lesson.pk, "s": sco.pk, "k": secrets.token_urlsafe(12)}, salt=TOKEN_SALT
    )


def content_url(lesson: LessonPage, sco: ScormSco) -> str:
    url = reverse("lms:scorm_content", args=[lesson.pk, sco.launch_path])
    return f"{url}?{sco.parameters}" if sco.parameters else url


def player_context(
    request: HttpRequest, lesson: LessonPage, enrolment: CourseEnrolment | None
) -> dict[str, Any]:
    """What the lesson page hands the player script (as JSON): the SCOs with their address and, for an
    enrolled learner, a launch token and the data to resume from. Staff reading it run it untracked."""
    package = lesson.scorm_package
    if package is None or lesson.pk is None:  # the preview of a lesson not saved yet: no address to serve
        return {}
    entries = selectors.lesson_scos(request.user, lesson)
    tracked = enrolment is not None and not getattr(request, "is_preview", False)
    scos = []
    for entry in entries:
        attempt = entry.attempt if tracked else None
        scos.append(
            {
                "id": entry.sco.pk,
                "title": entry.sco.title,
                "url": content_url(lesson, entry.sco),
                "token": launch_token(user=request.user, lesson=lesson, sco=entry.sco) if tracked else "",
                "cmi": selectors.launch_cmi(
                    user=request.user, sco=entry.sco, version=package.version, attempt=attempt
                ),
                "completion": attempt.completion_status if attempt else "not_attempted",
                "success": attempt.success_status if attempt else "unknown",
                "score": attempt.score_scaled if attempt else None,
                "seconds": attempt.total_seconds if attempt else 0,
            }
        )
    start = next((index for index, sco in enumerate(scos) if sco["completion"] != "completed"), 0)
    return {
        "version": package.version,
        "commitUrl": reverse("lms:scorm_commit") if tracked else "",
        "start": start,
        "scos": scos,
    }


@require_GET
@xframe_options_sameorigin
def content(request: HttpRequest, lesson_id: int, path: str) -> FileResponse:
    """One file of the lesson's package, for the people who may open the lesson; 404 for anyone else."""
    lesson = get_object_or_404(LessonPage.objects.select_related("scorm_package"), pk=lesson_id)
    if lesson.scorm_package is None or not selectors.may_open_content(request.user, lesson):
        raise Http404
    root = services.content_root(lesson.scorm_package).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    response = FileResponse(target.open("rb"), content_type=_content_type(target))
    response["Cache-Control"] = "private, no-store"
    return response


def _content_type(target: Path) -> str:
    content_type = CONTENT_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
    content_type = content_type or "application/octet-stream"
    if content_type.startswith("text/") or content_type in {"application/json", "application/xml"}:
        content_type += "; charset=utf-8"
    return content_type


def _answer(ok: bool, status: int = 200, **extra: Any) -> JsonResponse:
    # The shape scorm-again expects: {"result": true|false, "errorCode": 0 | SCORM error}.
    return JsonResponse({"result": ok, "errorCode": 0 if ok else 101, **extra}, status=status)


def _same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


@csrf_exempt  # the signed launch token does its work (a beacon cannot send the CSRF header)
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    """A commit of the run-time: `{"token", "session", "sequence", "cmi"}` as JSON (the body of a
    fetch, an XHR or a beacon)."""
    if not request.user.is_authenticated:
        return _answer(False, status=403)
    if not _same_origin(request):
        return _answer(False, status=403)
    if is_ratelimited(
        request,
        group="essaim.scorm_commit",
        key=lambda _group, req: str(req.user.pk),
        rate=rate_for("scorm_commit"),
        method=ALL,
        increment=True,
    ):
        return too_many_requests(request)
    if len(request.body) > MAX_COMMIT_BYTES:
        return _answer(False, status=413)
    try:
        payload = json.loads(request.body)
        claims = signing.loads(str(payload["token"]), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        suffix = str(payload.get("session", ""))[:16]
        sequence = int(payload["sequence"])
        cmi = payload["cmi"]
    except (ValueError, KeyError, TypeError, signing.BadSignature):
        return _answer(False, status=400)
    if not isinstance(cmi, dict) or sequence < 1 or claims.get("u") != request.user.pk:
        raise Http404
    lesson = LessonPage.objects.filter(pk=claims.get("l")).first()
    sco = ScormSco.objects.filter(pk=claims.get("s")).first()
    if lesson is None or sco is None:
        raise Http404
    enrolment = selectors.enrolment_for_lesson(request.user, lesson)
    if enrolment is None:
        raise Http404
    try:
        result = services.record_commit(
            enrolment=enrolment,
            lesson=lesson,
            sco=sco,
            session_key=f"{claims['k']}.{suffix}",
            sequence=sequence,
            cmi=cmi,
        )
    except ValidationError:
        return _answer(False, status=400)
    attempt = result.attempt
    return _answer(
        True,
        applied=result.is_applied,
        completion=attempt.completion_status,
        success=attempt.success_status,
        score=attempt.score_scaled,
        seconds=attempt.total_seconds,
        lessonCompleted=result.is_lesson_completed,
    )
