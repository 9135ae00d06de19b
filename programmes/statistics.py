"""Statistics of the programme core, computed in one place for the dashboard, the API, the home page
figures and the impact reports.

Every figure is an SQL aggregate: the number of queries stays the same whatever the number of cohorts.
Apps that hang their own data off cohorts (cjs: turnover, contracts, hours) add their figures through
`register_contributor`, so this module never imports them.
"""

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, GreaterThan

from programmes.choices import (
    STARTED_STATUSES,
    AttendanceStatus,
    EnrolmentStatus,
    Gender,
    OrganisationType,
)
from programmes.models import Attendance, Cohort, Enrolment, Organisation, Partnership, Programme, Region

# A contributor receives the cohorts counted and returns extra keys for the response.
Contributor = Callable[[QuerySet[Cohort]], dict[str, Any]]

_contributors: list[tuple[str | None, Contributor]] = []

KNOWN_GENDERS = [Gender.FEMALE, Gender.MALE, Gender.OTHER]
DROPOUT_STATUSES = [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EXCLUDED]


@dataclasses.dataclass(frozen=True)
class EditionStatistics:
    """The core figures of one programme edition (the keys are a public contract: keep them stable)."""

    cohorts: int
    regions: int
    departments: int
    communes: int
    new_communes: int
    cohorts_in_qpv: int
    host_cae_share: float | None
    local_partners: int
    participants: int
    girls_share: float | None
    qpv_residents_share: float | None
    mean_age: float | None
    completion_rate: float | None
    dropout_rate: float | None
    attendance_rate: float | None


def register_contributor(programme_slug: str | None, func: Contributor) -> Contributor:
    """Add figures to the statistics of one programme (or of every programme when the slug is None).

    Call it from the contributing app's `AppConfig.ready()`; it returns `func` unchanged.
    """
    _contributors.append((programme_slug, func))
    return func


def unregister_contributor(programme_slug: str | None, func: Contributor) -> None:
    _contributors.remove((programme_slug, func))


@contextmanager
def contributor(programme_slug: str | None, func: Contributor) -> Iterator[Contributor]:
    """A contributor registered for the duration of a block (tests, one-off scripts)."""
    register_contributor(programme_slug, func)
    try:
        yield func
    finally:
        unregister_contributor(programme_slug, func)


def share(numerator: int, denominator: int) -> float | None:
    """A share in 0..1 rounded to 4 decimals, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def counted_cohorts(
    *,
    programme: Programme,
    edition_year: int,
    cohorts: QuerySet[Cohort] | None = None,
    region: Region | None = None,
) -> QuerySet[Cohort]:
    """The cohorts the statistics of an edition are about: not cancelled, in the caller's scope and region."""
    queryset = Cohort.objects.not_cancelled().filter(edition__programme=programme, edition__year=edition_year)
    if cohorts is not None:
        queryset = queryset.filter(pk__in=cohorts.values("pk"))
    if region is not None:
        queryset = queryset.filter(department__region=region)
    return queryset


def edition_statistics(
    *,
    programme: Programme,
    edition_year: int,
    cohorts: QuerySet[Cohort] | None = None,
    region: Region | None = None,
) -> dict[str, Any]:
    """The figures of one programme edition, over the cohorts the caller may count (all when None)."""
    counted = counted_cohorts(programme=programme, edition_year=edition_year, cohorts=cohorts, region=region)
    figures = {
        **_cohort_figures(counted, programme=programme, edition_year=edition_year),
        "local_partners": _local_partners(counted),
        **_participant_figures(counted),
        "attendance_rate": _attendance_rate(counted),
    }
    result = dataclasses.asdict(EditionStatistics(**figures))
    for slug, func in list(_contributors):
        if slug is None or slug == programme.slug:
            extra = func(counted)
            clashes = result.keys() & extra.keys()
            if clashes:
                raise ValueError(f"Statistics contributor {func!r} overrides {sorted(clashes)}.")
            result.update(extra)
    return result


def scoped_edition_statistics(
    user: Any, *, programme: Programme, edition_year: int, region: Region | None = None
) -> dict[str, Any]:
    """edition_statistics over the cohorts a user staffs, computed once per data generation and scope."""
    from programmes import access, figures

    def compute() -> dict[str, Any]:
        cohorts = None if access.sees_everything(user) else access.staffed_cohorts(user)
        return edition_statistics(
            programme=programme, edition_year=edition_year, cohorts=cohorts, region=region
        )

    key = ("edition_statistics", figures.scope_key(user), programme.pk, edition_year, region and region.pk)
    return figures.cached(key, compute)


def _cohort_figures(counted: QuerySet[Cohort], *, programme: Programme, edition_year: int) -> dict[str, Any]:
    # Communes already reached by the programme in an earlier edition, whoever's scope they are in.
    earlier_communes = (
        Cohort.objects.not_cancelled()
        .filter(edition__programme=programme, edition__year__lt=edition_year, commune__isnull=False)
        .values("commune_id")
    )
    row = counted.aggregate(
        cohorts=Count("pk"),
        regions=Count("department__region", distinct=True),
        departments=Count("department", distinct=True),
        communes=Count("commune", distinct=True),
        new_communes=Count("commune", distinct=True, filter=~Q(commune_id__in=earlier_communes)),
        cohorts_in_qpv=Count("pk", filter=Q(is_in_qpv=True)),
        cae_hosted=Count("pk", filter=Q(host__type=OrganisationType.CAE)),
    )
    cae_hosted = row.pop("cae_hosted")
    return {**row, "host_cae_share": share(cae_hosted, row["cohorts"])}


def _local_partners(counted: QuerySet[Cohort]) -> int:
    """Organisations involved in any role, hosts included, each counted once."""
    partners = Partnership.objects.filter(cohort__in=counted).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=counted.values("host_id")) | Q(pk__in=partners)).count()


def _age_at_reference_date() -> Any:
    """SQL for `age_on(person.birth_date, cohort.reference_date)` on an enrolment row."""
    # The reference date is the start date, else 1 July of the edition's year (Cohort.reference_date).
    reference_year = Coalesce(
        ExtractYear("cohort__start_date"), F("cohort__edition__year"), output_field=IntegerField()
    )
    reference_month = Coalesce(ExtractMonth("cohort__start_date"), Value(7), output_field=IntegerField())
    reference_day = Coalesce(ExtractDay("cohort__start_date"), Value(1), output_field=IntegerField())
    birth_month = ExtractMonth("person__birth_date")
    birth_day = ExtractDay("person__birth_date")
    birthday_still_to_come = Case(
        When(GreaterThan(birth_month, reference_month), then=Value(1)),
        When(Exact(birth_month, reference_month) & GreaterThan(birth_day, reference_day), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return reference_year - ExtractYear("person__birth_date") - birthday_still_to_come


def _participant_figures(counted: QuerySet[Cohort]) -> dict[str, Any]:
    started = Enrolment.objects.filter(
        cohort__in=counted, role=Enrolment.Role.MEMBER, status__in=STARTED_STATUSES
    )
    row = started.aggregate(
        participants=Count("person", distinct=True),
        girls=Count("person", distinct=True, filter=Q(person__gender=Gender.FEMALE)),
        known_gender=Count("person", distinct=True, filter=Q(person__gender__in=KNOWN_GENDERS)),
        qpv_residents=Count("person", distinct=True, filter=Q(person__is_qpv_resident=True)),
        known_residence=Count("person", distinct=True, filter=Q(person__is_qpv_resident__isnull=False)),
        completed=Count("person", distinct=True, filter=Q(status=EnrolmentStatus.COMPLETED)),
        dropped_out=Count("person", distinct=True, filter=Q(status__in=DROPOUT_STATUSES)),
        # Over enrolments, not people: an age belongs to a cohort's reference date.
        mean_age=Avg(_age_at_reference_date(), filter=Q(person__birth_date__isnull=False)),
    )
    participants = row["participants"]
    mean_age = row["mean_age"]
    return {
        "participants": participants,
        "girls_share": share(row["girls"], row["known_gender"]),
        "qpv_residents_share": share(row["qpv_residents"], row["known_residence"]),
        "mean_age": None if mean_age is None else round(float(mean_age), 1),
        "completion_rate": share(row["completed"], participants),
        "dropout_rate": share(row["dropped_out"], participants),
    }


def _attendance_rate(counted: QuerySet[Cohort]) -> float | None:
    row = Attendance.objects.filter(session__cohort__in=counted).aggregate(
        recorded=Count("pk"), present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT))
    )
    return share(row["present"], row["recorded"])
