"""One importer per kind of file. Each reads every row first (`parse`), then, only when no row was
refused, writes them all in one transaction (`apply`). A dry run does the writes and rolls them back,
so its report is exactly what the real run would do.

Matching rules (re-importing a file updates what it created, never duplicates it):
- cohorts: programme + edition + cohort name (case and accents ignored);
- partners: cohort + organisation name (case and accents ignored) + role;
- participants: cohort + first name + last name + birth date. The person is looked for among everyone
  with that birth date and those names (case and accents ignored), so someone who joins a second
  cohort keeps one file; when several match, the one already in the cohort wins, else the oldest.

An empty optional cell is a missing value: a new row gets the default, an existing one keeps what it
has (an import never erases what someone typed in the application).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import access, audit, figures
from programmes.choices import (
    STATUSES_NEEDING_GUARDIAN,
    CohortStatus,
    ConsentKind,
    EnrolmentStatus,
    ExitReason,
    Gender,
    OrganisationType,
    PartnershipRole,
)
from programmes.geography import find_commune
from programmes.imports.parsing import (
    CellError,
    Row,
    Table,
    check_columns,
    choice_of,
    lookup_in,
    parse_amount,
    parse_bool,
    parse_date,
    parse_email,
    parse_year,
    text_of,
)
from programmes.imports.results import CREATED, UNCHANGED, UPDATED, ImportResult, RowError, RowOutcome
from programmes.models import (
    Cohort,
    Commune,
    Consent,
    CoordinatorScope,
    Department,
    Edition,
    Enrolment,
    EnrolmentStatusChange,
    Guardian,
    Organisation,
    Partnership,
    Person,
    Programme,
    Region,
)
from programmes.models.enrolments import EXIT_STATUSES
from programmes.models.people import ADULT_AGE, age_on
from programmes.roles import Role, role_names
from programmes.text import normalise

PlanT = TypeVar("PlanT")


def assign(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the given values (None means missing: keep what is there) and say whether anything changed."""
    changed = False
    for name, value in values.items():
        if value is None:
            continue
        # A new row has no related objects to compare with yet (reading them would raise).
        if instance.pk is None or getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


class References:
    """Programmes, regions, departments and cohorts as typed in files, loaded once per import."""

    def __init__(self) -> None:
        self.programmes = lookup_in(
            Programme.objects.all(), codes=lambda item: [item.slug], names=lambda item: [item.name]
        )
        self.regions = lookup_in(
            Region.objects.all(),
            codes=lambda item: [item.code, item.code.lstrip("0")],
            names=lambda item: [item.name],
        )
        self.departments = lookup_in(
            Department.objects.select_related("region"),
            codes=lambda item: [item.code, item.code.lstrip("0")],
            names=lambda item: [item.name],
        )
        self._cohorts: dict[tuple[int, int], dict[str, Cohort]] = {}

    def programme(self, value: str) -> Programme:
        if found := self.programmes.get(normalise(value)):
            return found
        raise CellError(
            _("No programme “%(value)s” (use one of: %(codes)s).")
            % {"value": value, "codes": ", ".join(sorted({item.slug for item in self.programmes.values()}))}
        )

    def region(self, value: str) -> Region:
        if found := self.regions.get(normalise(value)):
            return found
        raise CellError(_("No region “%(value)s” (give its INSEE code or its name).") % {"value": value})

    def department(self, value: str) -> Department:
        # "Loire-Atlantique (44)", as the application writes it, is read as the code in brackets.
        if match := re.fullmatch(r".*\(\s*(\w{1,3})\s*\)", value):
            value = match.group(1)
        if found := self.departments.get(normalise(value)):
            return found
        raise CellError(_("No department “%(value)s” (give its INSEE code or its name).") % {"value": value})

    def cohort(self, programme: Programme, year: int, name: str) -> Cohort | None:
        key = (programme.pk, year)
        if key not in self._cohorts:
            cohorts = Cohort.objects.filter(edition__programme=programme, edition__year=year).select_related(
                "edition__programme", "department__region"
            )
            self._cohorts[key] = {normalise(cohort.name): cohort for cohort in cohorts}
        return self._cohorts[key].get(normalise(name))


class Scope:
    """Where the importing user may write: everywhere from the command line and for the national
    team; a coordinator, in the regions of their scope for each programme (DESIGN §4)."""

    def __init__(self, user: Any) -> None:
        self.unrestricted = user is None or access.sees_everything(user)
        self.pairs: set[tuple[int, int]] = set()
        if not self.unrestricted and Role.COORDINATOR in role_names(user):
            self.pairs = set(
                CoordinatorScope.objects.filter(user=user, regions__isnull=False).values_list(
                    "programme_id", "regions"
                )
            )

    def allows(self, programme_id: int, region_id: int) -> bool:
        return self.unrestricted or (programme_id, region_id) in self.pairs

    def allows_cohort(self, cohort: Cohort) -> bool:
        return self.allows(cohort.edition.programme_id, cohort.department.region_id)


class Importer(Generic[PlanT]):
    """Reads rows into plans, then applies them. Subclasses say which columns, how to read a row,
    which key makes two rows the same thing, and how to write one plan."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    required_columns: ClassVar[tuple[str, ...]]
    # Where a row repeating an earlier one is reported.
    key_column: ClassVar[str]
    # Model field → file column, to report what a model's full_clean() refuses at the right cell.
    field_columns: ClassVar[dict[str, str]] = {}

    def __init__(self, *, by: Any = None) -> None:
        self.by = by
        self.refs = References()
        self.scope = Scope(by)

    @property
    def actor(self) -> Any:
        return self.by if getattr(self.by, "is_authenticated", False) else None

    def parse(self, row: Row) -> PlanT | None:
        raise NotImplementedError

    def key(self, plan: PlanT) -> Hashable:
        raise NotImplementedError

    def apply(self, plan: PlanT) -> tuple[str, str]:
        """Write one plan; return the action (created, updated, unchanged) and what the row is."""
        raise NotImplementedError

    def run(self, table: Table, *, dry_run: bool) -> ImportResult:
        result = ImportResult(kind=self.kind, dry_run=dry_run, rows=len(table.rows))
        result.errors = check_columns(table, known=self.columns, required=self.required_columns)
        if result.errors:
            return result
        plans: list[tuple[int, PlanT]] = []
        seen: dict[Hashable, int] = {}
        for line, cells in table.rows:
            row = Row(line, cells)
            if "__extra__" in cells:
                row.error("", _("This line has more cells than the header has columns."))
            plan = self.parse(row)
            if plan is not None and not row.errors:
                key = self.key(plan)
                if key in seen:
                    row.error(self.key_column, _("Same row as line %(line)s.") % {"line": seen[key]})
                else:
                    seen[key] = line
                    plans.append((line, plan))
            result.errors.extend(row.errors)
        if result.errors:
            return result
        try:
            # Fast path: no savepoint per row. A row the database refuses breaks the transaction...
            self._apply_all(plans, result, dry_run=dry_run, savepoints=False)
        except DatabaseError:
            # ...so everything is rolled back and done again with one savepoint per row, which lets
            # every refused row be reported with its line.
            result.errors, result.outcomes = [], []
            self.forget_applied()
            self._apply_all(plans, result, dry_run=dry_run, savepoints=True)
        if result.errors:
            result.outcomes = []
        return result

    # Set by run(): apply() may keep new rows for flush() (no savepoint per row) or must write them now.
    defer_writes = False

    def forget_applied(self) -> None:
        """Drop what apply() remembered of rows written in a transaction that was rolled back."""

    def flush(self) -> None:
        """Write what apply() deferred (bulk inserts); a refusal raises DatabaseError."""

    @transaction.atomic
    def _apply_all(
        self, plans: list[tuple[int, PlanT]], result: ImportResult, *, dry_run: bool, savepoints: bool
    ) -> None:
        self.defer_writes = not savepoints
        for line, plan in plans:
            try:
                if savepoints:
                    with transaction.atomic():
                        action, description = self.apply(plan)
                else:
                    action, description = self.apply(plan)
            except ValidationError as error:
                result.errors.extend(self._errors_from(line, error))
            except DatabaseError as error:
                if not savepoints:
                    raise
                result.errors.append(
                    RowError(line, "", _("Could not be saved: %(error)s") % {"error": error})
                )
            else:
                result.outcomes.append(RowOutcome(line, action, description))
        if not result.errors:
            self.flush()
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            audit.record(
                actor=self.by,
                action=f"import.{self.kind}",
                rows=result.rows,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )

    def _errors_from(self, line: int, error: ValidationError) -> list[RowError]:
        if not hasattr(error, "error_dict"):
            return [RowError(line, "", message) for message in error.messages]
        return [
            RowError(line, self.field_columns.get(field, ""), message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]

    # Shared readers

    def read_cohort(self, row: Row) -> Cohort | None:
        """The existing cohort named by the programme, edition and cohort columns, if in scope."""
        programme = row.get("programme", self.refs.programme, required=True)
        year = row.get("edition", parse_year, required=True)
        name = row.get("cohort", required=True)
        if programme is None or year is None or name is None:
            return None
        cohort = self.refs.cohort(programme, year, name)
        if cohort is None:
            row.error(
                "cohort",
                _("No cohort “%(name)s” in %(programme)s %(year)s: import it with the cohorts first.")
                % {"name": name, "programme": programme.slug, "year": year},
            )
            return None
        if not self.scope.allows_cohort(cohort):
            row.error("cohort", _("outside your scope"))
            return None
        return cohort

    def read_organisation_name(self, row: Row, column: str, *, required: bool) -> str | None:
        name: str | None = row.get(column, text_of(200), required=required)
        if name is not None and not normalise(name):
            row.error(column, _("“%(value)s” is not an organisation name.") % {"value": name})
            return None
        return name

    def organisation(self, name: str, type_: str | None) -> Organisation:
        """The organisation of that name (case and accents ignored), created with the type if new.
        An existing organisation keeps its type: other cohorts and partners rely on it."""
        found = Organisation.objects.filter(normalised_name=normalise(name)).first()
        if found is not None:
            return found
        return Organisation.objects.create(name=name, type=type_ or OrganisationType.OTHER)


# Cohorts


@dataclass
class CohortPlan:
    programme: Programme
    year: int
    name: str
    department: Department
    commune: str | None
    is_in_qpv: bool | None
    is_rural: bool | None
    host_name: str | None
    host_type: str | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    status: str | None
    cohort: Cohort | None


class CohortImporter(Importer[CohortPlan]):
    """Cohorts with their place and host organisation; the edition is created when new."""

    kind = "cohorts"
    columns = (
        "programme",
        "edition",
        "name",
        "region",
        "department",
        "commune",
        "qpv",
        "rural",
        "host_organisation",
        "host_type",
        "start_date",
        "end_date",
        "status",
    )
    required_columns = ("programme", "edition", "name", "department")
    key_column = "name"
    field_columns = {
        "name": "name",
        "department": "department",
        "commune": "commune",
        "host": "host_organisation",
        "start_date": "start_date",
        "end_date": "end_date",
        "status": "status",
    }

    def parse(self, row: Row) -> CohortPlan | None:
        programme = row.get("programme", self.refs.programme, required=True)
        year = row.get("edition", parse_year, required=True)
        name = row.get("name", text_of(150), required=True)
        region = row.get("region", self.refs.region)
        department = row.get("department", self.refs.department, required=True)
        if region is not None and department is not None and department.region_id != region.pk:
            row.error(
                "department",
                _("%(department)s is not in %(region)s.") % {"department": department, "region": region},
            )
        commune = row.get("commune", text_of(150))
        is_in_qpv = row.get("qpv", parse_bool)
        is_rural = row.get("rural", parse_bool)
        host_name = self.read_organisation_name(row, "host_organisation", required=False)
        host_type = row.get("host_type", choice_of(OrganisationType))
        start_date = row.get("start_date", parse_date)
        end_date = row.get("end_date", parse_date)
        if start_date and end_date and end_date < start_date:
            row.error("end_date", _("The end date cannot be before the start date."))
        status = row.get("status", choice_of(CohortStatus))
        if programme is None or year is None or name is None or department is None:
            return None
        cohort = self.refs.cohort(programme, year, name)
        if not self.scope.allows(programme.pk, department.region_id) or (
            cohort is not None and not self.scope.allows_cohort(cohort)
        ):
            row.error("region", _("outside your scope"))
        return CohortPlan(
            programme=programme,
            year=year,
            name=name,
            department=department,
            commune=commune,
            is_in_qpv=is_in_qpv,
            is_rural=is_rural,
            host_name=host_name,
            host_type=host_type,
            start_date=start_date,
            end_date=end_date,
            status=status,
            cohort=cohort,
        )

    def key(self, plan: CohortPlan) -> Hashable:
        return (plan.programme.pk, plan.year, normalise(plan.name))

    def apply(self, plan: CohortPlan) -> tuple[str, str]:
        edition, _created = Edition.objects.get_or_create(programme=plan.programme, year=plan.year)
        values = {
            "department": plan.department,
            "commune": self.commune(plan.commune, plan.department) if plan.commune else None,
            "host": self.organisation(plan.host_name, plan.host_type) if plan.host_name else None,
            "is_in_qpv": plan.is_in_qpv,
            "is_rural": plan.is_rural,
            "start_date": plan.start_date,
            "end_date": plan.end_date,
            "status": plan.status,
        }
        description = f"{plan.name} · {plan.programme.slug} {plan.year} · {plan.department}"
        cohort = plan.cohort
        if cohort is None:
            # Only a new cohort takes the name as typed: a known one keeps the spelling it has.
            cohort = Cohort(edition=edition, name=plan.name)
            assign(cohort, values)
            action = CREATED
        else:
            action = UPDATED if assign(cohort, values) else UNCHANGED
        if action != UNCHANGED:
            cohort.full_clean()
            cohort.save()
        return action, description

    def commune(self, typed: str, department: Department) -> Commune:
        """The commune of that name in the department: the one already known, else a new one with its
        INSEE code and postcodes from the reference list (blank when the list does not know it)."""
        record = find_commune(typed, department.code)
        if record is not None:
            known = Commune.objects.filter(insee_code=record.code).first()
            if known is not None:
                return known
        name = record.name if record is not None else typed
        commune = next(
            (
                commune
                for commune in Commune.objects.filter(department=department)
                if normalise(commune.name) == normalise(name)
            ),
            None,
        )
        if commune is None:
            commune = Commune(name=name, department=department)
        if commune.pk is None or (record is not None and not commune.insee_code):
            commune.insee_code = record.code if record is not None else ""
            commune.postcodes = record.postcodes if record is not None else ""
            commune.full_clean()
            commune.save()
        return commune


# Partners


@dataclass
class PartnerPlan:
    cohort: Cohort
    organisation_name: str
    organisation_type: str | None
    role: str
    contribution_eur: Any
    in_kind: str | None


class PartnerImporter(Importer[PartnerPlan]):
    """The local committee of existing cohorts: organisations, their role and contribution."""

    kind = "partners"
    columns = (
        "programme",
        "edition",
        "cohort",
        "organisation",
        "organisation_type",
        "role",
        "contribution_eur",
        "in_kind",
    )
    required_columns = ("programme", "edition", "cohort", "organisation", "role")
    key_column = "organisation"
    field_columns = {
        "organisation": "organisation",
        "role": "role",
        "contribution_eur": "contribution_eur",
        "in_kind": "in_kind",
    }

    def parse(self, row: Row) -> PartnerPlan | None:
        cohort = self.read_cohort(row)
        organisation_name = self.read_organisation_name(row, "organisation", required=True)
        organisation_type = row.get("organisation_type", choice_of(OrganisationType))
        role = row.get("role", choice_of(PartnershipRole), required=True)
        contribution_eur = row.get("contribution_eur", parse_amount)
        in_kind = row.get("in_kind")
        if cohort is None or organisation_name is None or role is None:
            return None
        return PartnerPlan(
            cohort=cohort,
            organisation_name=organisation_name,
            organisation_type=organisation_type,
            role=role,
            contribution_eur=contribution_eur,
            in_kind=in_kind,
        )

    def key(self, plan: PartnerPlan) -> Hashable:
        return (plan.cohort.pk, normalise(plan.organisation_name), plan.role)

    def apply(self, plan: PartnerPlan) -> tuple[str, str]:
        organisation = self.organisation(plan.organisation_name, plan.organisation_type)
        values = {"contribution_eur": plan.contribution_eur, "in_kind": plan.in_kind}
        partnership = Partnership.objects.filter(
            cohort=plan.cohort, organisation=organisation, role=plan.role
        ).first()
        if partnership is None:
            partnership = Partnership(cohort=plan.cohort, organisation=organisation, role=plan.role)
            assign(partnership, values)
            action = CREATED
        else:
            action = UPDATED if assign(partnership, values) else UNCHANGED
        if action != UNCHANGED:
            partnership.full_clean()
            partnership.save()
        description = f"{organisation} · {PartnershipRole(plan.role).label} · {plan.cohort}"
        return action, description


# Participants


@dataclass
class ParticipantPlan:
    cohort: Cohort
    first_name: str
    last_name: str
    birth_date: datetime.date
    gender: str | None
    email: str | None
    phone: str | None
    is_qpv_resident: bool | None
    status: str
    status_date: datetime.date | None
    exit_reason: str | None
    exit_note: str | None
    guardian_name: str | None
    guardian_email: str | None
    guardian_phone: str | None
    consent_date: datetime.date | None
    person: Person | None

    @property
    def person_key(self) -> tuple[str, str, datetime.date]:
        return (normalise(self.first_name), normalise(self.last_name), self.birth_date)


def parse_exit_reason(value: str) -> tuple[str, str | None]:
    """A reason code (or label), or free text kept as 'other' with the text as the note."""
    try:
        return choice_of(ExitReason)(value), None
    except CellError:
        return ExitReason.OTHER, value


class ParticipantImporter(Importer[ParticipantPlan]):
    """People, their enrolment in an existing cohort with its status, and a minor's guardian and
    authorisation. The status is set as given (the file mirrors the spreadsheet; it does not walk the
    lifecycle), and every change of status is written to the enrolment's history."""

    kind = "participants"
    columns = (
        "programme",
        "edition",
        "cohort",
        "first_name",
        "last_name",
        "birth_date",
        "gender",
        "email",
        "phone",
        "qpv_resident",
        "status",
        "status_date",
        "exit_reason",
        "guardian_name",
        "guardian_email",
        "guardian_phone",
        "guardian_consent_date",
    )
    required_columns = ("programme", "edition", "cohort", "first_name", "last_name", "birth_date", "status")
    key_column = "last_name"
    field_columns = {
        "first_name": "first_name",
        "last_name": "last_name",
        "birth_date": "birth_date",
        "gender": "gender",
        "email": "email",
        "phone": "phone",
        "status": "status",
        "status_date": "status_date",
        "exit_reason": "exit_reason",
        "exit_note": "exit_reason",
        "name": "guardian_name",
        "given_date": "guardian_consent_date",
    }

    def __init__(self, *, by: Any = None) -> None:
        super().__init__(by=by)
        # Birth date -> (normalised first name, normalised last name) -> people, in pk order.
        self._people_born: dict[datetime.date, dict[tuple[str, str], list[Person]]] = {}
        self._created_people: dict[tuple[str, str, datetime.date], Person] = {}
        # New people checked and waiting to be written in bulk (flush), with what comes with them.
        self._deferred: list[
            tuple[Person, list[Guardian], list[Consent], Enrolment, EnrolmentStatusChange]
        ] = []
        self._deferred_guardians: list[Guardian] = []
        self._deferred_consents: list[Consent] = []
        self._guardian_given: dict[tuple[str, str, datetime.date], tuple[bool, bool]] = {}

    def parse(self, row: Row) -> ParticipantPlan | None:
        cohort = self.read_cohort(row)
        first_name = row.get("first_name", text_of(100), required=True)
        last_name = row.get("last_name", text_of(100), required=True)
        birth_date = row.get("birth_date", parse_date, required=True)
        if birth_date is not None and not datetime.date(1900, 1, 1) <= birth_date <= timezone.localdate():
            row.error(
                "birth_date",
                _("“%(value)s” is not a plausible birth date.") % {"value": row.raw("birth_date")},
            )
        gender = row.get("gender", choice_of(Gender))
        email = row.get("email", parse_email)
        phone = row.get("phone", text_of(30))
        is_qpv_resident = row.get("qpv_resident", parse_bool)
        status = row.get("status", choice_of(EnrolmentStatus), required=True)
        status_date = row.get("status_date", parse_date)
        exit_reason, exit_note = row.get("exit_reason", parse_exit_reason) or (None, None)
        guardian_name = row.get("guardian_name", text_of(200))
        guardian_email = row.get("guardian_email", parse_email)
        guardian_phone = row.get("guardian_phone", text_of(30))
        consent_date = row.get("guardian_consent_date", parse_date)
        if cohort is None or first_name is None or last_name is None or birth_date is None or status is None:
            return None
        person = self.match_person(first_name, last_name, birth_date, cohort)
        enrolment = self.enrolment_of(person, cohort)
        if status in EXIT_STATUSES and not exit_reason and not (enrolment and enrolment.exit_reason):
            row.error("exit_reason", _("Give the reason why this person left."))
        guardians = list(person.guardians.all()) if person else []
        if (guardian_email or guardian_phone) and not guardian_name and len(guardians) != 1:
            row.error("guardian_name", _("Give the guardian's name with their contact."))
        # What the database or an earlier row of this file already says about the guardian counts too.
        person_key = (normalise(first_name), normalise(last_name), birth_date)
        earlier_contact, earlier_consent = self._guardian_given.get(person_key, (False, False))
        has_contact = bool(
            guardian_email or guardian_phone or earlier_contact or any(g.has_contact for g in guardians)
        )
        has_consent = bool(
            consent_date
            or earlier_consent
            or any(
                consent.kind == ConsentKind.GUARDIAN_AUTHORISATION and consent.is_active
                for consent in (person.consents.all() if person else [])
            )
        )
        self._guardian_given[person_key] = (has_contact, has_consent)
        if status in STATUSES_NEEDING_GUARDIAN and age_on(birth_date, cohort.reference_date) < ADULT_AGE:
            if not has_contact:
                row.error("guardian_email", _("A minor needs a guardian's contact (e-mail or phone)."))
            if not has_consent:
                row.error(
                    "guardian_consent_date", _("A minor needs the guardian's authorisation, with its date.")
                )
        return ParticipantPlan(
            cohort=cohort,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            gender=gender,
            email=email,
            phone=phone,
            is_qpv_resident=is_qpv_resident,
            status=status,
            status_date=status_date,
            exit_reason=exit_reason,
            exit_note=exit_note,
            guardian_name=guardian_name,
            guardian_email=guardian_email,
            guardian_phone=guardian_phone,
            consent_date=consent_date,
            person=person,
        )

    def forget_applied(self) -> None:
        self._created_people.clear()
        self._deferred.clear()

    def flush(self) -> None:
        """Bulk insert the new people of the file, then their guardians, consents, enrolments and the
        first step of each enrolment's history: a few queries per thousand rows, not five per row."""
        if not self._deferred:
            return
        people = Person.objects.bulk_create([person for person, *_rest in self._deferred], batch_size=1000)
        guardians, consents, enrolments = [], [], []
        for person, (_person, person_guardians, person_consents, enrolment, _change) in zip(
            people, self._deferred, strict=True
        ):
            for item in (*person_guardians, *person_consents, enrolment):
                item.person = person
            guardians.extend(person_guardians)
            consents.extend(person_consents)
            enrolments.append(enrolment)
        Guardian.objects.bulk_create(guardians, batch_size=1000)
        Consent.objects.bulk_create(consents, batch_size=1000)
        Enrolment.objects.bulk_create(enrolments, batch_size=1000)
        changes = []
        for enrolment, (*_rest, change) in zip(enrolments, self._deferred, strict=True):
            change.enrolment = enrolment
            changes.append(change)
        EnrolmentStatusChange.objects.bulk_create(changes, batch_size=1000)
        self._deferred.clear()
        figures.data_changed()  # bulk inserts send no signal

    def match_person(
        self, first_name: str, last_name: str, birth_date: datetime.date, cohort: Cohort
    ) -> Person | None:
        if birth_date not in self._people_born:
            by_name: dict[tuple[str, str], list[Person]] = defaultdict(list)
            for person in (
                Person.objects.filter(birth_date=birth_date)
                .prefetch_related("guardians", "consents", "enrolments")
                .order_by("pk")
            ):
                by_name[(normalise(person.first_name), normalise(person.last_name))].append(person)
            self._people_born[birth_date] = by_name
        matches = self._people_born[birth_date].get((normalise(first_name), normalise(last_name)), [])
        in_cohort = [
            person for person in matches if any(e.cohort_id == cohort.pk for e in person.enrolments.all())
        ]
        return next(iter(in_cohort or matches), None)

    @staticmethod
    def enrolment_of(person: Person | None, cohort: Cohort) -> Enrolment | None:
        if person is None:
            return None
        return next((e for e in person.enrolments.all() if e.cohort_id == cohort.pk), None)

    def key(self, plan: ParticipantPlan) -> Hashable:
        return (plan.cohort.pk, *plan.person_key)

    def apply(self, plan: ParticipantPlan) -> tuple[str, str]:
        description = (
            f"{plan.first_name} {plan.last_name} · {plan.cohort} · {EnrolmentStatus(plan.status).label}"
        )
        person_values = {
            "gender": plan.gender,
            "email": plan.email,
            "phone": plan.phone,
            "is_qpv_resident": plan.is_qpv_resident,
        }
        # Fetched again: the copy read while checking carries cached guardians and consents.
        person = (
            Person.objects.get(pk=plan.person.pk)
            if plan.person is not None
            else self._created_people.get(plan.person_key)
        )
        if person is not None and person.pk is None:
            # Met again in this file (another cohort) while still waiting to be written: write now.
            self.flush()
        # A person new to the database has no guardian, consent or enrolment yet: nothing to look up,
        # and nothing to check for uniqueness (the fast path that keeps large files quick).
        is_new = person is None
        if person is None:
            # Only a new person takes the names as typed: a known one keeps the spelling it has.
            person = Person(first_name=plan.first_name, last_name=plan.last_name, birth_date=plan.birth_date)
            assign(person, person_values)
            changed = True
        else:
            changed = assign(person, person_values)
        if is_new and self.defer_writes:
            return self.defer_new_person(person, plan, description)
        if changed:
            person.full_clean(exclude=["user"], validate_unique=not is_new)
            person.save()
            self._created_people.setdefault(plan.person_key, person)
        changed |= self.save_guardian(person, plan, is_new=is_new)
        changed |= self.save_consent(person, plan, is_new=is_new)
        enrolment_created, enrolment_changed = self.save_enrolment(person, plan, is_new=is_new)
        if enrolment_created:
            return CREATED, description
        return (UPDATED if changed or enrolment_changed else UNCHANGED), description

    def defer_new_person(self, person: Person, plan: ParticipantPlan, description: str) -> tuple[str, str]:
        """Check a new person and what comes with them as save_* would, and keep them for flush()."""
        person.full_clean(exclude=["user"], validate_unique=False)
        guardians: list[Guardian] = []
        consents: list[Consent] = []
        if plan.guardian_name or plan.guardian_email or plan.guardian_phone:
            guardian = Guardian()
            assign(
                guardian,
                {"name": plan.guardian_name, "email": plan.guardian_email, "phone": plan.guardian_phone},
            )
            guardian.full_clean(exclude=["person"], validate_unique=False)
            guardians.append(guardian)
        if plan.consent_date is not None:
            consent = Consent(kind=ConsentKind.GUARDIAN_AUTHORISATION)
            assign(consent, {"given_date": plan.consent_date, "given_by": plan.guardian_name})
            consent.full_clean(exclude=["person"], validate_unique=False)
            consents.append(consent)
        enrolment = Enrolment(cohort=plan.cohort)
        assign(
            enrolment,
            {
                "status": plan.status,
                "status_date": plan.status_date or timezone.localdate(),
                "exit_reason": plan.exit_reason,
                "exit_note": plan.exit_note,
            },
        )
        enrolment.full_clean(exclude=["person", "cohort"], validate_unique=False, validate_constraints=False)
        change = EnrolmentStatusChange(
            from_status="", to_status=plan.status, changed_date=enrolment.status_date, changed_by=self.actor
        )
        self._deferred.append((person, guardians, consents, enrolment, change))
        self._created_people.setdefault(plan.person_key, person)
        return CREATED, description

    def save_guardian(self, person: Person, plan: ParticipantPlan, *, is_new: bool = False) -> bool:
        if not (plan.guardian_name or plan.guardian_email or plan.guardian_phone):
            return False
        guardians = [] if is_new else list(person.guardians.all())
        if plan.guardian_name:
            guardian = next(
                (g for g in guardians if normalise(g.name) == normalise(plan.guardian_name)), None
            )
        else:
            guardian = guardians[0] if len(guardians) == 1 else None
        if guardian is None:
            guardian = Guardian(person=person)
        values = {"name": plan.guardian_name, "email": plan.guardian_email, "phone": plan.guardian_phone}
        if not assign(guardian, values):
            return False
        # The person was just written in this transaction: no need to check that it exists.
        guardian.full_clean(exclude=["person"] if is_new else None, validate_unique=not is_new)
        guardian.save()
        return True

    def save_consent(self, person: Person, plan: ParticipantPlan, *, is_new: bool = False) -> bool:
        if plan.consent_date is None:
            return False
        consent = (
            None
            if is_new
            else person.consents.filter(
                kind=ConsentKind.GUARDIAN_AUTHORISATION, withdrawn_date__isnull=True
            ).first()
        )
        if consent is None:
            consent = Consent(person=person, kind=ConsentKind.GUARDIAN_AUTHORISATION)
        values = {"given_date": plan.consent_date, "given_by": plan.guardian_name}
        if not assign(consent, values):
            return False
        consent.full_clean(exclude=["person"] if is_new else None, validate_unique=not is_new)
        consent.save()
        return True

    def save_enrolment(
        self, person: Person, plan: ParticipantPlan, *, is_new: bool = False
    ) -> tuple[bool, bool]:
        """Create or update the enrolment, setting the status as given; (created, changed)."""
        on = plan.status_date or timezone.localdate()
        enrolment = None if is_new else Enrolment.objects.filter(person=person, cohort=plan.cohort).first()
        previous = enrolment.status if enrolment is not None else ""
        created = enrolment is None
        if enrolment is None:
            enrolment = Enrolment(person=person, cohort=plan.cohort)
        values = {
            "status": plan.status,
            "status_date": on if plan.status != previous else plan.status_date,
            "exit_reason": plan.exit_reason,
            "exit_note": plan.exit_note,
        }
        changed = assign(enrolment, values)
        if not changed:
            return False, False
        if is_new:
            # A new person cannot be enrolled twice, and the cohort and person were just read or
            # written: the checks left are the model's rules (clean) and the database constraints.
            enrolment.full_clean(
                exclude=["person", "cohort"], validate_unique=False, validate_constraints=False
            )
        else:
            enrolment.full_clean()
        enrolment.save()
        if plan.status != previous:
            EnrolmentStatusChange.objects.create(
                enrolment=enrolment,
                from_status=previous,
                to_status=plan.status,
                changed_date=enrolment.status_date,
                changed_by=self.actor,
            )
        return created, True
