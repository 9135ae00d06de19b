"""National-scale data for benchmarks (`generate_scale_data --scale S`).

At S=1 the network holds 10 editions of 200 CJS with 15 members each (30,000 people), 100 Flashcoops,
300,000 attendance rows and the volumes the apps add through `register_scale_generator` (contracts,
lesson progress, questionnaire answers). Smaller S shrinks every volume for quick runs.

Rows go in with bulk inserts: PostgreSQL's COPY for the large tables, `executemany` elsewhere, so
S=1 builds in minutes. People are fictional (fixed name lists, seeded random generator, no e-mail
address that could reach anyone).
"""

import datetime
import io
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from programmes import geography
from programmes.choices import (
    AttendanceStatus,
    CohortStatus,
    EnrolmentStatus,
    ExitReason,
    Gender,
    OrganisationType,
    SessionKind,
)
from programmes.models import (
    Attendance,
    Cohort,
    Commune,
    Department,
    Edition,
    Enrolment,
    Organisation,
    Person,
    Programme,
    Session,
    User,
)
from programmes.roles import Role
from programmes.text import normalise

MARKER_ORGANISATION = "Réseau national de référence (données d'échelle)"
EDITIONS = 10
CJS_PER_EDITION = 200
MEMBERS_PER_CJS = 15
FLASHCOOPS = 100
MEMBERS_PER_FLASHCOOP = 10
SESSIONS_PER_CJS = 10
SCALE_PASSWORD = "essaim-bench"  # benchmark accounts on a throwaway database  # nosec B105

FIRST_NAMES = [
    "Lina", "Yanis", "Inès", "Adam", "Jade", "Noah", "Léa", "Rayan", "Chloé", "Mohamed", "Manon", "Enzo",
    "Sarah", "Lucas", "Camille", "Ibrahim", "Zoé", "Hugo", "Maëlys", "Nathan", "Aya", "Théo", "Emma",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Diallo", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Traoré",
    "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Benali",
]  # fmt: skip


@dataclass
class ScaleContext:
    """What the core generator made, for the apps' generators to hang their rows on."""

    scale: float
    rng: random.Random
    cjs_cohort_ids: list[int] = field(default_factory=list)
    flashcoop_cohort_ids: list[int] = field(default_factory=list)
    # (enrolment id, cohort id, user id) of every CJS member.
    members: list[tuple[int, int, int]] = field(default_factory=list)
    editions: dict[int, int] = field(default_factory=dict)  # CJS edition id -> year
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, national: int, minimum: int = 1) -> int:
        return max(minimum, round(national * self.scale))


ScaleGenerator = Callable[[ScaleContext], dict[str, int]]
_generators: list[tuple[int, ScaleGenerator]] = []


def register_scale_generator(generator: ScaleGenerator, *, order: int = 100) -> ScaleGenerator:
    """Apps add their volumes (contracts, lesson progress, answers...) from AppConfig.ready()."""
    if all(existing is not generator for _order, existing in _generators):
        _generators.append((order, generator))
    return generator


def registered_scale_generators() -> list[ScaleGenerator]:
    return [generator for _order, generator in sorted(_generators, key=lambda item: item[0])]


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain tuples fast: COPY on PostgreSQL, executemany in chunks elsewhere. Returns the count.

    `columns` are database column names (e.g. "user_id"); no model save() or signal runs. `rows` must
    not query the database while it is consumed (a COPY holds the connection)."""
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        table_sql = connection.ops.quote_name(table)  # a model's table, quoted by the backend
        sql = f"INSERT INTO {table_sql} ({quoted}) VALUES ({placeholders})"  # values are params  # nosec B608
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 5000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def already_generated() -> bool:
    return Organisation.objects.filter(name=MARKER_ORGANISATION).exists()


def generate(scale: float, *, seed: int = 2018, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Build the network at `scale` and return the volumes written, per kind of row."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    context = ScaleContext(scale=scale, rng=random.Random(seed))  # fictional data  # nosec B311
    volumes: dict[str, int] = {}
    with transaction.atomic():
        volumes.update(_generate_core(context, progress))
        for generator in registered_scale_generators():
            progress(f"{generator.__module__}.{generator.__name__}…")
            volumes.update(generator(context))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return volumes


def _communes(count: int) -> list[Commune]:
    """The most populous communes of the reference geography, as rows (only named communes are)."""
    by_code, _by_department = geography._records()
    departments = {department.code: department for department in Department.objects.all()}
    records = sorted(
        (record for record in by_code.values() if record.department_code in departments),
        key=lambda record: -record.population,
    )[:count]
    existing = set(Commune.objects.values_list("insee_code", flat=True))
    taken = set(Commune.objects.values_list("department__code", "name"))
    Commune.objects.bulk_create(
        Commune(
            name=record.name,
            department=departments[record.department_code],
            insee_code=record.code,
            postcodes=record.postcodes[:200],
        )
        for record in records
        if record.code not in existing and (record.department_code, record.name) not in taken
    )
    codes = [record.code for record in records]
    return list(
        Commune.objects.filter(insee_code__in=codes).select_related("department").order_by("insee_code")
    )


def _generate_core(context: ScaleContext, progress: Callable[[str], None]) -> dict[str, int]:
    rng = context.rng
    cjs, _created = Programme.objects.get_or_create(slug="cjs", defaults={"name": "CJS"})
    flashcoop, _created = Programme.objects.get_or_create(slug="flashcoop", defaults={"name": "Flashcoop"})
    this_year = timezone.localdate().year
    communes = _communes(2000)
    marker = Organisation.objects.create(name=MARKER_ORGANISATION, type=OrganisationType.ASSOCIATION)
    hosts = [
        marker,
        *Organisation.objects.bulk_create(
            Organisation(name=name, normalised_name=normalise(name), type=OrganisationType.CAE)
            for name in (f"CAE de référence {index:03d}" for index in range(1, 101))
        ),
    ]

    progress("cohorts…")
    cohorts: list[Cohort] = []
    per_edition = context.count(CJS_PER_EDITION)
    for offset in range(EDITIONS):
        year = this_year - EDITIONS + offset
        edition, _created = Edition.objects.get_or_create(programme=cjs, year=year)
        context.editions[edition.pk] = year
        for index in range(per_edition):
            commune = communes[(offset * per_edition + index) % len(communes)]
            start = datetime.date(year, 7, 1)
            cohorts.append(
                Cohort(
                    edition=edition,
                    name=f"CJS {commune.name} réf. {index + 1:03d}",
                    department=commune.department,
                    commune=commune,
                    is_in_qpv=rng.random() < 0.75,
                    is_rural=rng.random() < 0.15,
                    host=hosts[index % len(hosts)],
                    start_date=start,
                    end_date=start + datetime.timedelta(days=60),
                    status=CohortStatus.CLOSED if year < this_year else CohortStatus.RUNNING,
                )
            )
    flash_edition, _created = Edition.objects.get_or_create(programme=flashcoop, year=this_year - 1)
    for index in range(context.count(FLASHCOOPS)):
        commune = communes[-(index + 1) % len(communes)]
        start = datetime.date(this_year - 1, 3, 1) + datetime.timedelta(days=7 * (index % 30))
        cohorts.append(
            Cohort(
                edition=flash_edition,
                name=f"Flashcoop {commune.name} réf. {index + 1:03d}",
                department=commune.department,
                commune=commune,
                host=hosts[index % len(hosts)],
                start_date=start,
                end_date=start + datetime.timedelta(days=4),
                status=CohortStatus.CLOSED,
            )
        )
    Cohort.objects.bulk_create(cohorts, batch_size=2000)
    created = list(
        Cohort.objects.filter(host__in=hosts).values_list("pk", "edition__programme_id", "start_date")
    )
    context.cjs_cohort_ids = [pk for pk, programme_id, _start in created if programme_id == cjs.pk]
    context.flashcoop_cohort_ids = [
        pk for pk, programme_id, _start in created if programme_id == flashcoop.pk
    ]
    starts = {pk: start for pk, _programme_id, start in created}

    progress("people and accounts…")
    password = make_password(SCALE_PASSWORD)
    now = timezone.now()
    seats = [(pk, MEMBERS_PER_CJS) for pk in context.cjs_cohort_ids]
    seats += [(pk, MEMBERS_PER_FLASHCOOP) for pk in context.flashcoop_cohort_ids]
    total_people = sum(size for _pk, size in seats)
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    insert_rows(
        User,
        ["username", "password", "first_name", "last_name", "email", "is_staff", "is_superuser",
         "is_active", "date_joined"],
        (
            (f"ref-{index:06d}", password, FIRST_NAMES[index % len(FIRST_NAMES)],
             LAST_NAMES[index % len(LAST_NAMES)], "", False, False, True, now)
            for index in range(total_people)
        ),
    )  # fmt: skip
    user_ids = list(
        User.objects.filter(username__startswith="ref-", pk__gte=first_user)
        .order_by("username")
        .values_list("pk", flat=True)
    )
    learner = Group.objects.get(name=Role.LEARNER)
    insert_rows(User.groups.through, ["user_id", "group_id"], ((user_id, learner.pk) for user_id in user_ids))
    genders = [Gender.FEMALE, Gender.MALE, Gender.FEMALE, Gender.MALE, Gender.OTHER]
    people_rows = []
    for index, user_id in enumerate(user_ids):
        people_rows.append(
            (FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)],
             datetime.date(this_year - 17 - index % 8, 1 + index % 12, 1 + index % 28),
             genders[index % len(genders)], "", "", rng.random() < 0.7, "", "", user_id, now, now)
        )  # fmt: skip
    insert_rows(
        Person,
        ["first_name", "last_name", "birth_date", "gender", "email", "phone", "is_qpv_resident",
         "education_level", "employment_status", "user_id", "created_at", "updated_at"],
        people_rows,
    )  # fmt: skip
    person_of_user = dict(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "pk"))

    progress("enrolments…")
    enrolment_rows = []
    position = 0
    for cohort_id, size in seats:
        for _seat in range(size):
            user_id = user_ids[position]
            position += 1
            withdrawn = rng.random() < 0.15
            status = EnrolmentStatus.WITHDRAWN if withdrawn else EnrolmentStatus.COMPLETED
            reason = ExitReason.SCHEDULE if withdrawn else ""
            enrolment_rows.append(
                (person_of_user[user_id], cohort_id, "member", status, starts[cohort_id], reason, "")
            )
    insert_rows(
        Enrolment,
        ["person_id", "cohort_id", "role", "status", "status_date", "exit_reason", "exit_note"],
        enrolment_rows,
    )
    enrolments = list(
        Enrolment.objects.filter(cohort_id__in=context.cjs_cohort_ids + context.flashcoop_cohort_ids)
        .order_by("cohort_id", "pk")
        .values_list("pk", "cohort_id", "person__user_id")
    )
    cjs_ids = set(context.cjs_cohort_ids)
    context.members = [row for row in enrolments if row[1] in cjs_ids]

    progress("sessions and attendance…")
    session_rows = []
    for cohort_id in context.cjs_cohort_ids:
        for day in range(SESSIONS_PER_CJS):
            session_rows.append(
                (cohort_id, starts[cohort_id] + datetime.timedelta(days=day * 5), SessionKind.WORK, "")
            )
    insert_rows(Session, ["cohort_id", "date", "kind", "title"], session_rows)
    sessions_of: dict[int, list[int]] = {}
    for pk, cohort_id in Session.objects.filter(cohort_id__in=context.cjs_cohort_ids).values_list(
        "pk", "cohort_id"
    ):
        sessions_of.setdefault(cohort_id, []).append(pk)
    statuses = [AttendanceStatus.PRESENT] * 8 + [AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED]
    attendance = insert_rows(
        Attendance,
        ["session_id", "enrolment_id", "status"],
        (
            (session_id, enrolment_id, statuses[(enrolment_id + session_id) % len(statuses)])
            for enrolment_id, cohort_id, _user_id in context.members
            for session_id in sessions_of.get(cohort_id, [])
        ),
    )
    return {
        "cohorts": len(cohorts),
        "people": len(user_ids),
        "enrolments": len(enrolment_rows),
        "sessions": len(session_rows),
        "attendance": attendance,
    }


def as_csv(rows: Iterable[Sequence[Any]]) -> str:
    """A small helper for benchmarks that build import files."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write(",".join(str(value) for value in row) + "\n")
    return buffer.getvalue()
