"""Reads of the core that views, API, admin and tasks share."""

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from programmes import access
from programmes.choices import STARTED_STATUSES, AttendanceStatus, ConsentKind, EnrolmentStatus
from programmes.models import (
    Attendance,
    Cohort,
    Consent,
    Edition,
    Enrolment,
    Guardian,
    Partnership,
    Programme,
    Region,
    Session,
    User,
)
from programmes.models.people import ADULT_AGE, age_on
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


def consecutive_absences(enrolment_ids: list[int], *, cohort: Cohort | None = None) -> dict[int, int]:
    """For each enrolment, the number of absences (excused or not) since their last presence, in one query.

    With the members' cohort, the query reads that cohort's sessions only, instead of joining every
    session of the network."""
    streaks: dict[int, int] = defaultdict(int)
    closed: set[int] = set()
    attendance = Attendance.objects.filter(enrolment_id__in=enrolment_ids)
    if cohort is not None:
        attendance = attendance.filter(session__cohort=cohort)
    rows = attendance.order_by("enrolment_id", "-session__date", "-session__start_time").values_list(
        "enrolment_id", "status"
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


# --- Front-office spaces: coordinator dashboard, facilitator cohort pages, exports -------------------

CURRENT_MEMBER_STATUSES = [EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE]
DROPPED_OUT_STATUSES = [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EXCLUDED]


@dataclasses.dataclass(frozen=True)
class DashboardScope:
    """What the coordinator dashboard shows: the chosen programme, edition and region, and the choices."""

    programmes: list[Programme]
    years: list[int]
    regions: list[Region]
    programme: Programme | None
    year: int | None
    region: Region | None

    @property
    def query(self) -> dict[str, str]:
        """The filters as GET parameters (for export links)."""
        params = {}
        if self.programme is not None:
            params["programme"] = self.programme.slug
        if self.year is not None:
            params["year"] = str(self.year)
        if self.region is not None:
            params["region"] = self.region.code
        return params


def dashboard_scope(
    user: Any, *, programme_slug: str = "", year: str = "", region_code: str = ""
) -> DashboardScope:
    """Resolve the dashboard filters against what the user may see; unknown values fall back to defaults.

    Defaults: the first programme in scope, its latest edition, every region of the scope.
    """
    staffed = access.staffed_cohorts(user)
    if access.sees_everything(user):
        programmes = list(Programme.objects.order_by("name"))
    else:
        programmes = list(
            Programme.objects.filter(
                Q(coordinator_scopes__user=user) | Q(pk__in=staffed.values("edition__programme_id"))
            )
            .distinct()
            .order_by("name")
        )
    programme = next(
        (p for p in programmes if p.slug == programme_slug), programmes[0] if programmes else None
    )
    if programme is None:
        return DashboardScope(programmes, [], [], None, None, None)

    years = list(Edition.objects.filter(programme=programme).order_by("-year").values_list("year", flat=True))
    chosen_year = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)

    if access.sees_everything(user):
        regions = list(Region.objects.order_by("name"))
    else:
        regions = list(
            Region.objects.filter(
                Q(coordinator_scopes__user=user, coordinator_scopes__programme=programme)
                | Q(pk__in=staffed.filter(edition__programme=programme).values("department__region_id"))
            )
            .distinct()
            .order_by("name")
        )
    region = next((r for r in regions if r.code == region_code), None)
    return DashboardScope(programmes, years, regions, programme, chosen_year, region)


def dashboard_cohorts(user: Any, scope: DashboardScope) -> QuerySet[Cohort]:
    """The staffed cohorts of the chosen edition and region, with what the cohort table needs."""
    if scope.programme is None or scope.year is None:
        return Cohort.objects.none()
    cohorts = access.staffed_cohorts(user).filter(
        edition__programme=scope.programme, edition__year=scope.year
    )
    if scope.region is not None:
        cohorts = cohorts.filter(department__region=scope.region)
    return with_table_figures(cohorts).order_by("name")


def _count_per_cohort(queryset: QuerySet[Any], cohort_field: str = "cohort") -> Coalesce:
    """A correlated COUNT for each cohort row (no join fan-out between the counted tables)."""
    counted = (
        queryset.filter(**{cohort_field: OuterRef("pk")})
        .order_by()
        .values(cohort_field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_table_figures(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Cohorts with places and the counts of the cohort table, each one a subquery."""
    members = Enrolment.objects.filter(role=Enrolment.Role.MEMBER, status__in=STARTED_STATUSES)
    attendance = Attendance.objects.all()
    return cohorts.select_related("edition__programme", "department__region", "commune", "host").annotate(
        started_count=_count_per_cohort(members),
        dropped_out_count=_count_per_cohort(members.filter(status__in=DROPPED_OUT_STATUSES)),
        attendance_recorded=_count_per_cohort(attendance, "session__cohort"),
        attendance_present=_count_per_cohort(
            attendance.filter(status=AttendanceStatus.PRESENT), "session__cohort"
        ),
        partner_organisations=Coalesce(
            Subquery(
                Partnership.objects.filter(cohort=OuterRef("pk"))
                .order_by()
                .values("cohort")
                .annotate(total=Count("organisation", distinct=True))
                .values("total"),
                output_field=IntegerField(),
            ),
            0,
        ),
    )


@dataclasses.dataclass(frozen=True)
class CohortAlerts:
    minors_without_guardian: int = 0
    absence_streaks: int = 0

    @property
    def total(self) -> int:
        return self.minors_without_guardian + self.absence_streaks


def cohort_alerts(cohort_ids: list[int]) -> dict[int, CohortAlerts]:
    """Per cohort: current members who are minors lacking a guardian's contact or authorisation, and
    members absent at their last ABSENCE_ALERT_STREAK sessions or more. Two queries whatever the size."""
    guardian_contact = Guardian.objects.filter(person_id=OuterRef("person_id")).exclude(email="", phone="")
    authorisation = Consent.objects.filter(
        person_id=OuterRef("person_id"),
        kind=ConsentKind.GUARDIAN_AUTHORISATION,
        withdrawn_date__isnull=True,
    )
    rows = (
        Enrolment.objects.filter(
            cohort_id__in=cohort_ids, role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES
        )
        .annotate(has_contact=Exists(guardian_contact), has_authorisation=Exists(authorisation))
        .order_by()
        .values_list(
            "pk",
            "cohort_id",
            "person__birth_date",
            "cohort__start_date",
            "cohort__edition__year",
            "has_contact",
            "has_authorisation",
            "person__erased_at",
        )
    )
    members_by_cohort: dict[int, list[int]] = defaultdict(list)
    minors: dict[int, int] = defaultdict(int)
    for (
        pk,
        cohort_id,
        birth_date,
        start_date,
        edition_year,
        has_contact,
        has_authorisation,
        erased_at,
    ) in rows:
        members_by_cohort[cohort_id].append(pk)
        reference_date = start_date or datetime.date(edition_year, 7, 1)  # Cohort.reference_date
        is_minor = birth_date is not None and age_on(birth_date, reference_date) < ADULT_AGE
        # An erased minor's guardian is anonymised on purpose: nobody is left to call.
        if is_minor and erased_at is None and not (has_contact and has_authorisation):
            minors[cohort_id] += 1
    streaks = consecutive_absences([pk for pks in members_by_cohort.values() for pk in pks])
    return {
        cohort_id: CohortAlerts(
            minors_without_guardian=minors[cohort_id],
            absence_streaks=sum(
                1 for pk in members_by_cohort[cohort_id] if streaks.get(pk, 0) >= ABSENCE_ALERT_STREAK
            ),
        )
        for cohort_id in cohort_ids
    }


@dataclasses.dataclass(frozen=True)
class CohortRow:
    """One line of the coordinator's cohort table (and of its exports): aggregates, never a name."""

    cohort: Cohort
    members: int
    retained: int
    partners: int
    attendance_recorded: int
    attendance_present: int
    alerts: CohortAlerts

    @property
    def retention(self) -> float | None:
        return round(self.retained / self.members, 4) if self.members else None

    @property
    def attendance_rate(self) -> float | None:
        return (
            round(self.attendance_present / self.attendance_recorded, 4) if self.attendance_recorded else None
        )


def cohort_table(cohorts: QuerySet[Cohort]) -> list[CohortRow]:
    """The cohort table of the dashboard and exports, from cohorts passed through `with_table_figures`."""
    annotated: list[Any] = list(cohorts)  # carries the annotations, which the model type does not know
    alerts = cohort_alerts([cohort.pk for cohort in annotated])
    return [
        CohortRow(
            cohort=cohort,
            members=cohort.started_count,
            retained=cohort.started_count - cohort.dropped_out_count,
            partners=cohort.partner_organisations,
            attendance_recorded=cohort.attendance_recorded,
            attendance_present=cohort.attendance_present,
            alerts=alerts[cohort.pk],
        )
        for cohort in annotated
    ]


def staffed_cohort_list(user: Any) -> QuerySet[Cohort]:
    """The cohorts a user runs (a facilitator's assignments, a coordinator's scope), latest first."""
    return with_table_figures(access.staffed_cohorts(user)).order_by("-edition__year", "name")


def current_members(cohort: Cohort) -> QuerySet[Enrolment]:
    """Members on the attendance sheet: enrolled or active, by name."""
    return (
        cohort.enrolments.filter(role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def cohort_sessions(cohort: Cohort) -> QuerySet[Session]:
    """A cohort's sessions, latest first, with how many marks were recorded and how many were present."""
    return cohort.sessions.annotate(
        marks_count=Count("attendances"),
        present_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
    ).order_by("-date", "-start_time", "-pk")
