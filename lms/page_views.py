"""How course, module and lesson pages answer: enrolled learners read, others are sent to enrol.

Called from the pages' serve(); kept out of the models so that they stay declarations. Every answer
is personal (progress, answers), so none may be cached.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from wagtail.models import Page

from lms import open_badges, selectors, services
from lms.models import CourseEnrolment, CoursePage, LessonPage, ModulePage
from lms.scorm import views as scorm_views


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def _gate(
    request: HttpRequest, page: Page, course: CoursePage | None
) -> tuple[HttpResponse | None, CourseEnrolment | None]:
    """(refusal, enrolment): previews and course editors pass without an enrolment."""
    if getattr(request, "is_preview", False):
        return None, None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path()), None
    if course is None:
        raise PermissionDenied
    enrolment = selectors.enrolment_in(request.user, course)
    if enrolment is not None or selectors.is_course_editor(request.user, course):
        return None, enrolment
    if course.is_open and course.live:
        messages.info(request, _("Enrol in this course to open its lessons."))
        return HttpResponseRedirect(course.url), None
    response = TemplateResponse(
        request, "lms/not_enrolled.html", {"page": page, "course": course}, status=403
    )
    return response, None


def serve_course(course: CoursePage, request: HttpRequest) -> HttpResponse:
    """The overview: anyone may read it; enrolled learners also see their progress and continue."""
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return _private(redirect_to_login(request.get_full_path()))
        if request.POST.get("action") == "enrol":
            try:
                services.enrol_in_course(course=course, user=user, by=user)
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("You are enrolled. Here is your first lesson."))
        return _private(HttpResponseRedirect(course.url))
    progress = selectors.course_progress(user, course)
    context = course.get_context(request)
    context.update(
        {
            "progress": progress,
            "new_lessons": progress.new_lessons,
            "can_read": progress.is_enrolled
            or getattr(request, "is_preview", False)
            or selectors.is_course_editor(user, course),
            "certificate": selectors.certificate_of(user, course)
            if progress.enrolment is not None and progress.enrolment.completed_at is not None
            else None,
            "open_badges_available": open_badges.is_available(),
        }
    )
    if progress.enrolment is not None:
        context["sessions"] = selectors.learner_sessions(user, course=course, enrolment=progress.enrolment)
        context["time"] = selectors.time_summaries(user, [progress])[course.pk]
    # The visit date only serves to announce lessons added since: write it when there was news
    # (an equivalent rule that spares a write on every visit).
    if progress.enrolment is not None and progress.new_lessons and not getattr(request, "is_preview", False):
        services.mark_course_seen(enrolment=progress.enrolment)
    return _private(TemplateResponse(request, course.get_template(request), context))


def serve_module(module: ModulePage, request: HttpRequest) -> HttpResponse:
    course = selectors.course_of(module)
    refusal, _enrolment = _gate(request, module, course)
    if refusal is not None:
        return _private(refusal)
    assert course is not None or getattr(request, "is_preview", False)  # type narrowing  # nosec B101
    context = module.get_context(request)
    if course is not None:
        progress = selectors.course_progress(request.user, course)
        context.update({"course": course, "progress": progress, "lessons": progress.lessons_of(module)})
    return _private(TemplateResponse(request, module.get_template(request), context))


def _quiz_answers(request: HttpRequest, lesson: LessonPage) -> dict[str, list[str]]:
    prefix = "question-"
    return {key[len(prefix) :]: request.POST.getlist(key) for key in request.POST if key.startswith(prefix)}


def _post_lesson(
    request: HttpRequest, lesson: LessonPage, enrolment: CourseEnrolment | None
) -> tuple[HttpResponse | None, dict[str, Any]]:
    """Mark done or submit the quiz; (redirect, None) on success, (None, form state) to show errors."""
    if enrolment is None:
        raise PermissionDenied
    action = request.POST.get("action")
    if action == "mark_done":
        try:
            services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Lesson completed."))
        return HttpResponseRedirect(lesson.url), {}
    if action == "quiz":
        answers = _quiz_answers(request, lesson)
        try:
            attempt = services.submit_quiz_attempt(enrolment=enrolment, lesson=lesson, answers=answers)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                return None, {
                    "errors": {key: msgs[0] for key, msgs in error.message_dict.items()},
                    "answers": answers,
                }
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(lesson.url), {}
        return HttpResponseRedirect(f"{lesson.url}?attempt={attempt.pk}#quiz-result"), {}
    return HttpResponseRedirect(lesson.url), {}


def _quiz_state(
    request: HttpRequest,
    lesson: LessonPage,
    course: CoursePage | None,
    enrolment: CourseEnrolment | None,
    form: dict[str, Any],
) -> dict[str, Any] | None:
    if lesson.quiz_id is None:
        return None
    quiz = selectors.quiz_with_questions(lesson.quiz_id)
    if quiz is None:
        return None
    errors, answers = form.get("errors", {}), form.get("answers", {})
    items = []
    for question in quiz.questions.all():
        key = str(question.pk)
        chosen = set(answers.get(key, []))
        items.append(
            {
                "question": question,
                "error": errors.get(key, ""),
                "choices": [(choice, str(choice.pk) in chosen) for choice in question.choices.all()],
            }
        )
    state: dict[str, Any] = {
        "quiz": quiz,
        "items": items,
        "errors": [item for item in items if item["error"]],
        "can_submit": enrolment is not None,
        "is_read_only": enrolment is None,
        "pass_mark": services.pass_mark_of(quiz, course) if course is not None else quiz.pass_mark,
    }
    if enrolment is not None:
        attempts = list(selectors.attempts_of(request.user, lesson))
        state["attempts"] = attempts
        state["is_passed"] = any(attempt.is_passed for attempt in attempts)
        state["attempts_left"] = services.attempts_left(quiz=quiz, enrolment=enrolment, lesson=lesson)
        state["can_submit"] = state["attempts_left"] != 0
        shown = request.GET.get("attempt", "")
        attempt = next((a for a in attempts if str(a.pk) == shown), None)
        if attempt is not None:
            state["attempt"] = attempt
            state["attempt_percent"] = round(attempt.score * 100)
            state["feedback"] = selectors.attempt_feedback(attempt, quiz)
    return state


def serve_lesson(lesson: LessonPage, request: HttpRequest) -> HttpResponse:
    course = selectors.course_of(lesson)
    refusal, enrolment = _gate(request, lesson, course)
    if refusal is not None:
        return _private(refusal)
    form: dict[str, Any] = {}
    if request.method == "POST":
        redirect, form = _post_lesson(request, lesson, enrolment)
        if redirect is not None:
            return _private(redirect)
    elif enrolment is not None:
        services.record_lesson_visit(enrolment=enrolment, lesson=lesson)
    context = lesson.get_context(request)
    context["course"] = course
    context["quiz_state"] = _quiz_state(request, lesson, course, enrolment, form)
    context["enrolment"] = enrolment
    if lesson.scorm_package_id is not None:
        context["scorm_player"] = scorm_views.player_context(request, lesson, enrolment)
    # Heartbeats measure the connected time of enrolled learners (not of previews or staff reading).
    context["tracks_time"] = enrolment is not None and not getattr(request, "is_preview", False)
    context["heartbeat_seconds"] = settings.ESSAIM_LMS_HEARTBEAT_SECONDS
    if request.user.is_authenticated and lesson.pk:
        context["live_sessions"] = selectors.lesson_sessions(request.user, lesson)
        context["has_virtual_class_block"] = any(
            block["type"] == "virtual_class" for block in lesson.body.raw_data
        )
    if course is not None:
        progress = selectors.course_progress(request.user, course)
        previous, following = progress.neighbours(lesson)
        state = next((s for s in progress.lessons if s.lesson.pk == lesson.pk), None)
        context.update(
            {
                "progress": progress,
                "previous_lesson": previous,
                "next_lesson": following,
                "is_completed": state is not None and state.is_completed,
            }
        )
    status = 400 if form.get("errors") else 200
    return _private(TemplateResponse(request, lesson.get_template(request), context, status=status))
