import datetime
import io
from decimal import Decimal

from django.core.management import CommandError, call_command

import pytest

from programmes.choices import ConsentKind, EnrolmentStatus, ExitReason, OrganisationType
from programmes.imports import run_import
from programmes.imports.parsing import CellError, parse_amount, parse_bool, parse_date, parse_decimal
from programmes.models import (
    AuditEntry,
    Cohort,
    Commune,
    Consent,
    Edition,
    Enrolment,
    EnrolmentStatusChange,
    Guardian,
    Organisation,
    Partnership,
    Person,
)
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

COHORT_HEADER = "programme,edition,name,region,department,commune,qpv,rural,host_organisation,host_type,start_date,end_date"
PARTNER_HEADER = "programme,edition,cohort,organisation,organisation_type,role,contribution_eur"
PARTICIPANT_HEADER = (
    "programme,edition,cohort,first_name,last_name,birth_date,gender,email,phone,qpv_resident,status,"
    "status_date,exit_reason,guardian_name,guardian_email,guardian_phone,guardian_consent_date"
)


def write_csv(tmp_path, lines, *, encoding="utf-8", name="import.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def import_csv(kind, path, *options):
    out = io.StringIO()
    call_command("import_csv", kind, str(path), *options, stdout=out)
    return out.getvalue()


def refused(kind, path, *options):
    with pytest.raises(CommandError) as error:
        import_csv(kind, path, *options)
    return str(error.value)


# Reading cells


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-07-01", datetime.date(2024, 7, 1)),
        ("01/07/2024", datetime.date(2024, 7, 1)),
        ("1/7/2024", datetime.date(2024, 7, 1)),
        ("2024-07-01 00:00:00", datetime.date(2024, 7, 1)),
    ],
)
def test_dates_are_read_in_iso_and_french_forms(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2024", "07-01-2024", "juillet 2024"])
def test_wrong_dates_are_refused(typed):
    with pytest.raises(CellError):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1200.50", "1200.50"),
        ("1200,50", "1200.50"),
        ("1 200,50", "1200.50"),
        ("1\u00a0200,50", "1200.50"),
        ("1\u202f200,50 €", "1200.50"),
        ("1.200,50", "1200.50"),
        ("1,200.50", "1200.50"),
        ("500", "500"),
    ],
)
def test_decimals_are_read_with_a_point_or_a_comma_and_spaced_thousands(typed, expected):
    assert parse_decimal(typed) == Decimal(expected)


def test_amounts_refuse_negative_values_and_fractions_of_cents():
    with pytest.raises(CellError):
        parse_amount("-5")
    with pytest.raises(CellError):
        parse_amount("5,555")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("Yes", True),
        ("true", True),
        ("1", True),
        ("non", False),
        ("No", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_booleans_are_read_in_french_and_english_in_any_case(typed, expected):
    assert parse_bool(typed) is expected


# Cohorts


def test_importing_cohorts_creates_them_with_their_edition_place_and_host(tmp_path):
    path = write_csv(
        tmp_path,
        [
            COHORT_HEADER,
            "cjs,2025,CJS Nantes Nord,52,44,nantes,oui,non,Coopérative Ohé,cae,2025-07-01,2025-08-29",
        ],
    )

    output = import_csv("cohorts", path)

    cohort = Cohort.objects.get(name="CJS Nantes Nord")
    assert cohort.edition == Edition.objects.get(programme__slug="cjs", year=2025)
    assert cohort.department.code == "44"
    assert (cohort.commune.name, cohort.commune.insee_code) == ("Nantes", "44109")
    assert cohort.commune.postcodes == "44000 44100 44200 44300"
    assert cohort.is_in_qpv is True
    assert cohort.is_rural is False
    assert (cohort.host.name, cohort.host.type) == ("Coopérative Ohé", OrganisationType.CAE)
    assert (cohort.start_date, cohort.end_date) == (datetime.date(2025, 7, 1), datetime.date(2025, 8, 29))
    assert "1 created" in output


def test_a_utf8_file_with_a_bom_semicolons_and_french_dates_and_booleans_is_read(tmp_path):
    path = write_csv(
        tmp_path,
        [
            COHORT_HEADER.replace(",", ";"),
            "CJS;2025;CJS Rezé;Pays de la Loire;Loire-Atlantique;Rezé;NON;Oui;;;01/07/2025;29/08/2025",
        ],
        encoding="utf-8-sig",
    )

    import_csv("cohorts", path)

    cohort = Cohort.objects.get(name="CJS Rezé")
    assert (cohort.is_in_qpv, cohort.is_rural) == (False, True)
    assert cohort.start_date == datetime.date(2025, 7, 1)
    assert cohort.commune.insee_code == "44143"


def test_a_windows_1252_file_with_accents_is_read(tmp_path):
    path = write_csv(
        tmp_path,
        [
            COHORT_HEADER.replace(",", ";"),
            "cjs;2025;CJS Créteil;Île-de-France;Val-de-Marne;Créteil;oui;non;Mairie de Créteil;"
            "LOCAL AUTHORITY;;",
        ],
        encoding="cp1252",
    )

    import_csv("cohorts", path)

    cohort = Cohort.objects.get(name="CJS Créteil")
    assert cohort.commune.insee_code == "94028"
    assert cohort.host.name == "Mairie de Créteil"


@pytest.mark.parametrize(
    ("typed_region", "department", "region_code"),
    [
        ("ile de france", "75", "11"),
        ("ILE-DE-FRANCE", "Paris", "11"),
        ("PROVENCE ALPES COTE D'AZUR", "13", "93"),
        ("provence-alpes-côte d\u2019azur", "bouches du rhone", "93"),
        ("Auvergne-Rhône-Alpes", "69", "84"),
        ("auvergne rhone alpes", "Rhône", "84"),
        ("84", "69", "84"),
        ("", "Loire-Atlantique (44)", "52"),
    ],
)
def test_regions_and_departments_are_found_by_code_or_by_name_typed_loosely(
    tmp_path, typed_region, department, region_code
):
    path = write_csv(tmp_path, [COHORT_HEADER, f'cjs,2025,CJS test,"{typed_region}",{department},,,,,,,'])

    import_csv("cohorts", path)

    assert Cohort.objects.get(name="CJS test").department.region.code == region_code


def test_a_department_outside_the_region_is_refused(tmp_path):
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS Nantes,Bretagne,44,,,,,,,"])

    message = refused("cohorts", path)

    assert "line 2: department: " in message
    assert "Bretagne" in message
    assert not Cohort.objects.exists()


def test_one_bad_row_in_the_middle_writes_nothing_and_names_its_line_and_column(tmp_path):
    path = write_csv(
        tmp_path,
        [
            COHORT_HEADER,
            "cjs,2025,CJS A,52,44,,,,Coop A,cae,2025-07-01,",
            "cjs,2025,CJS B,52,44,,,,Coop B,cae,2025-13-45,",
            "cjs,2025,CJS C,52,44,,,,Coop C,cae,2025-07-01,",
        ],
    )

    message = refused("cohorts", path)

    assert "line 3: start_date: " in message
    assert "line 2" not in message
    assert "line 4" not in message
    assert not Cohort.objects.exists()
    assert not Organisation.objects.exists()
    assert not Edition.objects.filter(year=2025).exists()


def test_every_bad_row_is_reported(tmp_path):
    path = write_csv(
        tmp_path,
        [
            COHORT_HEADER,
            "cjs,2025,CJS A,52,44,,peut-être,,,,,",
            "cjs,2025,CJS B,52,44,,,,,,,",
            "nope,2025,CJS C,Atlantis,44,,,,,weird,,",
            "cjs,2025,CJS D,52,44,,,,,,2025-08-01,2025-07-01",
        ],
    )

    message = refused("cohorts", path)

    assert "line 2: qpv: " in message
    assert "line 4: programme: " in message
    assert "line 4: region: " in message
    assert "line 4: host_type: " in message
    assert "line 5: end_date: " in message
    assert "line 3" not in message
    assert not Cohort.objects.exists()


def test_missing_and_unknown_columns_are_named(tmp_path):
    path = write_csv(tmp_path, ["programme,edition,nom,departement", "cjs,2025,CJS A,44"])

    message = refused("cohorts", path)

    assert "name, department" in message
    assert "nom, departement" in message


def test_headers_are_matched_ignoring_case_and_spaces(tmp_path):
    path = write_csv(
        tmp_path, ["Programme,Edition,Name,Department,Start Date", "cjs,2025,CJS A,44,2025-07-01"]
    )

    import_csv("cohorts", path)

    assert Cohort.objects.get(name="CJS A").start_date == datetime.date(2025, 7, 1)


def test_reimporting_cohorts_updates_them_instead_of_duplicating(tmp_path):
    first = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,Nantes,,,Coop A,cae,2025-07-01,"])
    import_csv("cohorts", first)
    second = write_csv(
        tmp_path,
        [COHORT_HEADER, "CJS,2025,cjs a,52,44,nantes,oui,,coop a,,2025-07-02,2025-08-30"],
        name="again.csv",
    )

    output = import_csv("cohorts", second)
    again = import_csv("cohorts", second)

    cohort = Cohort.objects.get()
    assert cohort.name == "CJS A"
    assert cohort.is_in_qpv is True
    assert cohort.start_date == datetime.date(2025, 7, 2)
    assert Organisation.objects.count() == 1
    assert Commune.objects.count() == 1
    assert "0 created, 1 updated" in output
    assert "0 created, 0 updated, 1 unchanged" in again


def test_a_dry_run_writes_nothing_and_says_what_would_change(tmp_path):
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,Nantes,,,Coop A,cae,,"])

    output = import_csv("cohorts", path, "--dry-run")

    assert "line 2: to create: CJS A" in output
    assert "1 to create" in output
    assert not Cohort.objects.exists()
    assert not Organisation.objects.exists()
    assert not Commune.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_real_import_is_recorded_in_the_audit_log(tmp_path):
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,,,,,,,"])

    import_csv("cohorts", path)

    entry = AuditEntry.objects.get(action="import.cohorts")
    assert entry.details == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}


def test_a_commune_missing_from_the_reference_list_is_still_accepted(tmp_path):
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,Lieu-dit Imaginaire,,,,,,"])

    import_csv("cohorts", path)

    commune = Cohort.objects.get().commune
    assert (commune.name, commune.insee_code, commune.department.code) == ("Lieu-dit Imaginaire", "", "44")


def test_host_organisations_are_matched_ignoring_case_and_accents(tmp_path):
    existing = OrganisationFactory(name="Coopérative Élan", type=OrganisationType.CAE)
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,,,,COOPERATIVE ELAN,local authority,,"])

    import_csv("cohorts", path)

    assert Cohort.objects.get().host == existing
    assert Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.type == OrganisationType.CAE


def test_organisation_type_codes_may_be_typed_with_spaces(tmp_path):
    path = write_csv(tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,,,,Ville de Rezé,Local Authority,,"])

    import_csv("cohorts", path)

    assert Cohort.objects.get().host.type == OrganisationType.LOCAL_AUTHORITY


def test_an_optional_status_column_sets_the_cohort_status(tmp_path):
    path = write_csv(tmp_path, ["programme,edition,name,department,status", "cjs,2025,CJS A,44,Running"])

    import_csv("cohorts", path)

    assert Cohort.objects.get().status == "running"


def test_a_coordinator_may_only_import_cohorts_of_their_regions():
    coordinator = CoordinatorScopeFactory(regions=[region("52")]).user
    content = "\n".join([COHORT_HEADER, "cjs,2025,CJS A,52,44,,,,,,,", "cjs,2025,CJS B,53,35,,,,,,,"])

    result = run_import("cohorts", content.encode(), by=coordinator)

    assert [str(error) for error in result.errors] == ["line 3: region: outside your scope"]
    assert not Cohort.objects.exists()


def test_the_national_team_may_import_everywhere():
    content = "\n".join([COHORT_HEADER, "cjs,2025,CJS B,53,35,,,,,,,"])

    result = run_import("cohorts", content.encode(), by=UserFactory(role="fabrique"))

    assert result.ok
    assert result.created == 1


def test_a_binary_file_is_refused():
    result = run_import("cohorts", b"\x89PNG\r\n\x1a\n\x00\x00")

    assert not result.ok
    assert not Cohort.objects.exists()


# Partners


def test_importing_partners_creates_organisations_and_reads_french_amounts(tmp_path):
    cohort = CohortFactory(name="CJS Nantes", edition__year=2025)
    existing = OrganisationFactory(name="Crédit Coopératif")
    path = write_csv(
        tmp_path,
        [
            PARTNER_HEADER.replace(",", ";"),
            "cjs;2025;cjs nantes;credit cooperatif;company;Economic sponsor;1 200,50",
            "cjs;2025;CJS Nantes;Ville de Nantes;local_authority;municipality;2\u00a0500",
            "cjs;2025;CJS Nantes;Fondation Élan;foundation;funder;",
        ],
    )

    import_csv("partners", path)

    partnerships = {p.organisation.name: p for p in Partnership.objects.filter(cohort=cohort)}
    assert partnerships["Crédit Coopératif"].organisation == existing
    assert partnerships["Crédit Coopératif"].role == "economic_sponsor"
    assert partnerships["Crédit Coopératif"].contribution_eur == Decimal("1200.50")
    assert partnerships["Ville de Nantes"].organisation.type == OrganisationType.LOCAL_AUTHORITY
    assert partnerships["Ville de Nantes"].contribution_eur == Decimal("2500.00")
    assert partnerships["Fondation Élan"].contribution_eur is None


def test_reimporting_partners_updates_them_instead_of_duplicating(tmp_path):
    CohortFactory(name="CJS Nantes", edition__year=2025)
    import_csv(
        "partners",
        write_csv(tmp_path, [PARTNER_HEADER, "cjs,2025,CJS Nantes,Ville de Nantes,,municipality,100"]),
    )

    output = import_csv(
        "partners",
        write_csv(
            tmp_path, [PARTNER_HEADER, "cjs,2025,CJS Nantes,VILLE DE NANTES,,Municipality,150"], name="b.csv"
        ),
    )

    partnership = Partnership.objects.get()
    assert partnership.contribution_eur == Decimal("150.00")
    assert Organisation.objects.filter(name__iexact="ville de nantes").count() == 1
    assert "0 created, 1 updated" in output


def test_partners_of_an_unknown_cohort_are_refused(tmp_path):
    path = write_csv(tmp_path, [PARTNER_HEADER, "cjs,2025,CJS Nowhere,Ville de Nantes,,municipality,100"])

    message = refused("partners", path)

    assert "line 2: cohort: " in message
    assert not Organisation.objects.exists()


def test_a_wrong_role_and_a_negative_amount_are_refused(tmp_path):
    CohortFactory(name="CJS Nantes", edition__year=2025)
    path = write_csv(tmp_path, [PARTNER_HEADER, "cjs,2025,CJS Nantes,Ville de Nantes,,mayor,-100"])

    message = refused("partners", path)

    assert "line 2: role: " in message
    assert "line 2: contribution_eur: " in message


# Participants


@pytest.fixture
def cohort():
    return CohortFactory(name="CJS Nantes", edition__year=2025, start_date=datetime.date(2025, 7, 1))


def participant(
    *,
    first="Léa",
    last="Martin",
    birth="2004-03-15",
    status="active",
    exit_reason="",
    guardian=",,,",
    cohort="CJS Nantes",
):
    return (
        f"cjs,2025,{cohort},{first},{last},{birth},f,lea@example.org,06 00 00 00 00,oui,{status},"
        f"2025-07-01,{exit_reason},{guardian}"
    )


def test_importing_participants_creates_people_enrolments_and_their_history(tmp_path, cohort):
    path = write_csv(tmp_path, [PARTICIPANT_HEADER, participant()])

    import_csv("participants", path)

    enrolment = Enrolment.objects.get(cohort=cohort)
    person = enrolment.person
    assert (person.first_name, person.last_name, person.birth_date) == (
        "Léa",
        "Martin",
        datetime.date(2004, 3, 15),
    )
    assert (person.gender, person.email, person.is_qpv_resident) == ("f", "lea@example.org", True)
    assert (enrolment.status, enrolment.status_date) == (EnrolmentStatus.ACTIVE, datetime.date(2025, 7, 1))
    change = EnrolmentStatusChange.objects.get(enrolment=enrolment)
    assert (change.from_status, change.to_status) == ("", EnrolmentStatus.ACTIVE)


def test_reimporting_participants_sets_the_new_status_and_records_the_change(tmp_path, cohort):
    import_csv("participants", write_csv(tmp_path, [PARTICIPANT_HEADER, participant()]))

    output = import_csv(
        "participants",
        write_csv(
            tmp_path,
            [
                PARTICIPANT_HEADER,
                participant(first="LEA", last="martin", birth="15/03/2004", status="completed"),
            ],
            name="b.csv",
        ),
    )

    enrolment = Enrolment.objects.get()
    assert Person.objects.count() == 1
    assert enrolment.person.first_name == "Léa"
    assert enrolment.status == EnrolmentStatus.COMPLETED
    changes = list(enrolment.status_changes.values_list("from_status", "to_status"))
    assert changes == [("", "active"), ("active", "completed")]
    assert "0 created, 1 updated" in output


def test_an_import_sets_the_status_without_walking_the_lifecycle(tmp_path, cohort):
    enrolment = EnrolmentFactory(
        cohort=cohort,
        completed=True,
        person=PersonFactory(first_name="Léa", last_name="Martin", birth_date=datetime.date(2004, 3, 15)),
    )

    import_csv("participants", write_csv(tmp_path, [PARTICIPANT_HEADER, participant(status="enrolled")]))

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.status_changes.get().from_status == EnrolmentStatus.COMPLETED


def test_the_same_person_in_two_cohorts_is_one_person(tmp_path, cohort):
    CohortFactory(name="CJS Rezé", edition__year=2025)
    path = write_csv(
        tmp_path, [PARTICIPANT_HEADER, participant(), participant(cohort="CJS Rezé", first="lea")]
    )

    import_csv("participants", path)

    assert Person.objects.count() == 1
    assert Enrolment.objects.count() == 2


def test_a_free_text_exit_reason_is_kept_as_other_with_a_note(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            PARTICIPANT_HEADER,
            participant(status="withdrawn", exit_reason="Déménage à Lyon avec sa famille"),
            participant(first="Hugo", status="Withdrawn", exit_reason="Found job"),
        ],
    )

    import_csv("participants", path)

    lea = Enrolment.objects.get(person__first_name="Léa")
    assert (lea.exit_reason, lea.exit_note) == (ExitReason.OTHER, "Déménage à Lyon avec sa famille")
    hugo = Enrolment.objects.get(person__first_name="Hugo")
    assert (hugo.exit_reason, hugo.exit_note) == (ExitReason.FOUND_JOB, "")


def test_leaving_without_a_reason_is_refused(tmp_path, cohort):
    path = write_csv(tmp_path, [PARTICIPANT_HEADER, participant(status="excluded")])

    message = refused("participants", path)

    assert "line 2: exit_reason: " in message
    assert not Person.objects.exists()


def test_a_minor_without_a_guardian_and_consent_is_refused(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            PARTICIPANT_HEADER,
            participant(first="Adulte"),
            participant(first="Mineure", birth="2009-09-01"),
            participant(first="Attente", birth="2009-09-01", status="waitlisted"),
        ],
    )

    message = refused("participants", path)

    assert "line 3: guardian_email: " in message
    assert "line 3: guardian_consent_date: " in message
    assert "line 2" not in message
    assert "line 4" not in message
    assert not Person.objects.exists()


def test_a_minor_with_a_guardian_and_consent_is_enrolled_with_both_recorded(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            PARTICIPANT_HEADER,
            participant(birth="2009-09-01", guardian="Sophie Martin,sophie@example.org,,20/06/2025"),
        ],
    )

    import_csv("participants", path)

    person = Person.objects.get()
    guardian = Guardian.objects.get(person=person)
    assert (guardian.name, guardian.email) == ("Sophie Martin", "sophie@example.org")
    consent = Consent.objects.get(person=person)
    assert (consent.kind, consent.given_date) == (
        ConsentKind.GUARDIAN_AUTHORISATION,
        datetime.date(2025, 6, 20),
    )
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE


def test_a_known_minor_keeps_the_guardian_already_recorded(tmp_path, cohort):
    guardian_line = "Sophie Martin,,06 11 22 33 44,2025-06-20"
    import_csv(
        "participants",
        write_csv(tmp_path, [PARTICIPANT_HEADER, participant(birth="2009-09-01", guardian=guardian_line)]),
    )

    import_csv(
        "participants",
        write_csv(
            tmp_path, [PARTICIPANT_HEADER, participant(birth="2009-09-01", status="completed")], name="b.csv"
        ),
    )

    assert Enrolment.objects.get().status == EnrolmentStatus.COMPLETED
    assert Guardian.objects.count() == 1
    assert Consent.objects.count() == 1


def test_a_coordinator_may_only_import_participants_of_cohorts_in_their_scope(cohort):
    coordinator = CoordinatorScopeFactory(regions=[region("53")]).user
    content = "\n".join([PARTICIPANT_HEADER, participant()])

    result = run_import("participants", content.encode(), by=coordinator)

    assert [str(error) for error in result.errors] == ["line 2: cohort: outside your scope"]


def test_a_row_repeating_an_earlier_one_is_refused(tmp_path):
    path = write_csv(
        tmp_path, [COHORT_HEADER, "cjs,2025,CJS A,52,44,,,,,,,", "cjs,2025,cjs  a,52,44,,oui,,,,,"]
    )

    message = refused("cohorts", path)

    assert "line 3: name: " in message
    assert "line 2" in message.split("line 3: name: ")[1]


def test_a_row_with_more_cells_than_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, ["programme,edition,name,department", "cjs,2025,CJS A,44,surprise"])

    message = refused("cohorts", path)

    assert "line 2: " in message
    assert not Cohort.objects.exists()


def test_line_numbers_count_blank_lines_and_multiline_cells(tmp_path):
    path = write_csv(
        tmp_path,
        ["programme,edition,name,department", "", 'cjs,2025,"CJS\nA",44', "cjs,2025,CJS B,nowhere"],
    )

    message = refused("cohorts", path)

    assert "line 5: department: " in message


def test_rows_the_database_refuses_are_each_reported_and_nothing_is_written(cohort, monkeypatch):
    """New people are checked row by row but written in bulk, without a savepoint per row (the fast
    path); when the database refuses something, the import starts again with a savepoint per row and
    immediate writes, so that every refused row is named, and it still writes nothing."""
    from programmes.imports.importers import ParticipantImporter

    existing = PersonFactory(last_name="Existing")
    seen_modes = []

    def refuse(plan):
        if plan.last_name.startswith("Refused"):
            # A real refusal by the database (a duplicate primary key), which breaks the transaction.
            Person.objects.create(pk=existing.pk, first_name="Twin", last_name="Twin")

    original_defer = ParticipantImporter.defer_new_person
    original_save = ParticipantImporter.save_enrolment

    def defer_new_person(self, person, plan, description):
        seen_modes.append("bulk")
        refuse(plan)
        return original_defer(self, person, plan, description)

    def save_enrolment(self, person, plan, *, is_new=False):
        seen_modes.append("row by row")
        refuse(plan)
        return original_save(self, person, plan, is_new=is_new)

    monkeypatch.setattr(ParticipantImporter, "defer_new_person", defer_new_person)
    monkeypatch.setattr(ParticipantImporter, "save_enrolment", save_enrolment)
    rows = [
        participant(first="Léa", last="Martin"),
        participant(first="Jo", last="Refused-one"),
        participant(first="Sam", last="Durand"),
        participant(first="Ali", last="Refused-two"),
    ]

    result = run_import("participants", "\n".join([PARTICIPANT_HEADER, *rows]).encode())

    assert [(error.line, "Could not be saved" in error.message) for error in result.errors] == [
        (3, True),
        (5, True),
    ]
    assert seen_modes[:2] == ["bulk", "bulk"] and seen_modes[-4:] == ["row by row"] * 4
    assert list(Person.objects.all()) == [existing]
    assert not Enrolment.objects.exists()


def test_new_people_are_written_in_bulk_with_their_guardian_consent_enrolment_and_history(
    cohort, django_assert_max_num_queries
):
    rows = [
        participant(
            first=f"Prénom{index}", last=f"Nom{index}", guardian="Parent,parent@example.org,,2025-06-01"
        )
        for index in range(40)
    ]

    with django_assert_max_num_queries(40):
        result = run_import("participants", "\n".join([PARTICIPANT_HEADER, *rows]).encode())

    assert (result.errors, result.created) == ([], 40)
    enrolment = Enrolment.objects.select_related("person").get(person__last_name="Nom7")
    assert (enrolment.cohort, enrolment.status) == (cohort, EnrolmentStatus.ACTIVE)
    assert enrolment.person.guardians.get().email == "parent@example.org"
    assert enrolment.person.consents.get().given_date == datetime.date(2025, 6, 1)
    assert EnrolmentStatusChange.objects.filter(to_status=EnrolmentStatus.ACTIVE).count() == 40
