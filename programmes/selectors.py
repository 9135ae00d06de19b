"""Reads of the core that views, API, admin and tasks share."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from programmes import access
from programmes.choices import AttendanceStatus, EnrolmentStatus
from programmes.models import Attendance, Cohort, Enrolment, User
from programmes.roles import Role, role_names

# The first role a user holds in this order decides where they land after logging in.
START_PAGES: list[tuple[str, str]] = [
    (Role.FABRIQUE, "wagtailadmin_home"),
    (Role.COORDINATOR, "programmes:coordinator_home"),
    (Role.FACILITATOR, "programmes:facilitator_home"),
    (Role.PARTNER, "programmes:partner_home"),
    (Role.LEARNER, "lms:learner_home"),
]
ABSENCE_ALERT_STREAK = 3


def start_url_for(user: User) -> str:
    """The page a user lands on after logging in: their role's own space."""
    if user.is_superuser:
        return reverse("wagtailadmin_home")
    roles = role_names(user)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name)
    return reverse("account")


def cohort_list(user: User) -> QuerySet[Cohort]:
    """Visible cohorts with what every list shows, in a fixed number of queries."""
    return (
        access.visible_cohorts(user)
        .select_related("edition__programme", "department__region", "commune", "host")
        .annotate(
            members_count=Count(
                "enrolments",
                filter=Q(
                    enrolments__status__in=[
                        EnrolmentStatus.ENROLLED,
                        EnrolmentStatus.ACTIVE,
                        EnrolmentStatus.COMPLETED,
                        EnrolmentStatus.WITHDRAWN,
                        EnrolmentStatus.EXCLUDED,
                    ]
                ),
                distinct=True,
            ),
            partners_count=Count("partnerships__organisation", distinct=True),
        )
    )


def consecutive_absences(enrolment_ids: list[int]) -> dict[int, int]:
    """For each enrolment, the number of absences (excused or not) since their last presence, in one query."""
    streaks: dict[int, int] = defaultdict(int)
    closed: set[int] = set()
    rows = (
        Attendance.objects.filter(enrolment_id__in=enrolment_ids)
        .order_by("enrolment_id", "-session__date", "-session__start_time")
        .values_list("enrolment_id", "status")
    )
    for enrolment_id, status in rows:
        if enrolment_id in closed:
            continue
        if status == AttendanceStatus.PRESENT:
            closed.add(enrolment_id)
        else:
            streaks[enrolment_id] += 1
    return dict(streaks)


def members_of(cohort: Cohort) -> QuerySet[Enrolment]:
    return cohort.enrolments.select_related("person").prefetch_related(
        "person__guardians", "person__consents"
    )
