"""LMS volumes for `generate_scale_data`: 50 courses of 20 lessons at S=1 and about 1,000,000
lesson-progress rows.

A cohort is trained together, as "Enrol the whole cohort" does: its members follow the same two courses
(the network's 50 courses shared out between the cohorts) and are mostly through them; one member in five
has also enrolled on their own in a third, open course and started it."""

import datetime

from django.utils import timezone

from lms.choices import CompletionRule
from lms.demo import seed_courses_catalogue_and_provider
from lms.models import CourseEnrolment, CoursePage, LessonCompletion, LessonPage, ModulePage
from programmes.scale import ScaleContext, insert_rows

COURSES = 50
MODULES_PER_COURSE = 4
LESSONS_PER_MODULE = 5


def generate(context: ScaleContext) -> dict[str, int]:
    catalogue, provider = seed_courses_catalogue_and_provider()
    course_count = context.count(COURSES)
    courses: list[tuple[int, list[int]]] = []
    for number in range(1, course_count + 1):
        course = CoursePage(
            title=f"Parcours de référence {number:02d}",
            slug=f"parcours-reference-{number:02d}",
            summary="Un parcours de référence pour mesurer la plateforme à l'échelle nationale.",
            objectives=[{"type": "objective", "value": "Mesurer"}],
            estimated_hours=5,
            has_certificate=False,
            is_open=True,
            provider=provider,
        )
        catalogue.add_child(instance=course)
        lesson_ids: list[int] = []
        for module_number in range(1, MODULES_PER_COURSE + 1):
            module = ModulePage(title=f"Module {module_number}", slug=f"module-{module_number}")
            course.add_child(instance=module)
            for lesson_number in range(1, LESSONS_PER_MODULE + 1):
                lesson = LessonPage(
                    title=f"Séquence {module_number}.{lesson_number}",
                    slug=f"sequence-{lesson_number}",
                    estimated_minutes=15,
                    completion_rule=CompletionRule.VIEW,
                    body=[{"type": "paragraph", "value": "<p>Contenu de référence.</p>"}],
                )
                module.add_child(instance=lesson)
                lesson_ids.append(lesson.pk)
        courses.append((course.pk, lesson_ids))

    rng = context.rng
    now = timezone.now()
    start = now - datetime.timedelta(days=120)
    enrolment_rows = []
    completion_rows = []
    cohort_rank: dict[int, int] = {}
    for index, (_enrolment_id, cohort_id, user_id) in enumerate(context.members):
        rank = cohort_rank.setdefault(cohort_id, len(cohort_rank))
        followed = [(2 * rank + offset) % len(courses) for offset in (0, 1)]
        if index % 5 == 0:
            followed.append((2 * rank + 2 + index) % len(courses))
        for position, course_index in enumerate(dict.fromkeys(followed)):
            course_id, lesson_ids = courses[course_index]
            if position < 2:
                done = min(len(lesson_ids), int(rng.triangular(8, len(lesson_ids), len(lesson_ids))))
            else:
                done = rng.randint(0, 5)
            completed_at = start + datetime.timedelta(days=done + 5) if done == len(lesson_ids) else None
            enrolment_rows.append(
                (user_id, course_id, start, completed_at, start + datetime.timedelta(days=done),
                 lesson_ids[done - 1] if done else None)
            )  # fmt: skip
            completion_rows.extend(
                (user_id, lesson_id, start + datetime.timedelta(days=day))
                for day, lesson_id in enumerate(lesson_ids[:done])
            )
    enrolments = insert_rows(
        CourseEnrolment,
        ["user_id", "course_id", "enrolled_at", "completed_at", "seen_at", "last_lesson_id"],
        enrolment_rows,
    )
    completions = insert_rows(LessonCompletion, ["user_id", "lesson_id", "completed_at"], completion_rows)
    return {"courses": len(courses), "course_enrolments": enrolments, "lesson_completions": completions}
