"""The ESF participant file against a fixture whose right answer is known, for both indicator sets;
who may download it, and that each download is audit-logged."""

import csv
import datetime
import io

from django.conf import settings

import pytest
from openpyxl import load_workbook

from flashcoop.choices import (
    EmploymentSituation,
    FollowUpStatus,
    IscedLevel,
    Referrer,
    Situation,
    Wave,
    YesNoRefused,
)
from programmes.choices import ExitReason
from programmes.models import AuditEntry
from programmes.roles import Role
from tests.flashcoop.factories import (
    EntryProfileFactory,
    ExitFactory,
    FlashcoopCohortFactory,
    FlashcoopProgrammeFactory,
    FollowUpFactory,
    ParticipantFactory,
)
from tests.programmes.factories import (
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    PartnerContactFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db]

HEADER_2014 = (
    "id_participant;nom;prenom;sexe;date_naissance;age_entree;operation;departement;date_entree;"
    "situation_marche_travail_entree;niveau_education_entree;beneficiaire_minima_sociaux;residant_qpv;"
    "CO19_zone_rurale;CO16_handicap;prescripteur;date_sortie;sortie_fin_operation;motif_abandon;"
    "situation_sortie;suivi_6_mois_statut;situation_6_mois;CR06_emploi_6_mois"
)
HEADER_2021 = (
    "participant_id;nom;prenom;genre;date_naissance;age_entree;operation;departement;date_entree;"
    "statut_emploi_entree;niveau_cite_entree;minima_sociaux;quartier_prioritaire;EECO19_zone_rurale;"
    "EECO12_handicap;orienteur;date_sortie;parcours_complet;motif_sortie_anticipee;resultat_immediat;"
    "suivi_6_mois;situation_6_mois;EECR05_emploi_6_mois"
)


@pytest.fixture
def nantes():
    return FlashcoopCohortFactory(name="Flashcoop Nantes Nord", department=department("44"))


@pytest.fixture
def participants(nantes):
    """Aïcha completed and works at six months; Bruno refused most questions, left early, then was
    unreachable; Chloé only applied (not in the file)."""
    aicha = ParticipantFactory(
        cohort=nantes,
        person__first_name="Aïcha",
        person__last_name="Benali",
        person__gender="f",
        person__birth_date=datetime.date(1980, 5, 2),
    )
    EntryProfileFactory(
        enrolment=aicha,
        employment_status=EmploymentSituation.LONG_TERM_UNEMPLOYED,
        minimum_income=YesNoRefused.YES,
        education_level=IscedLevel.ISCED_0_2,
        qpv_resident=YesNoRefused.YES,
        rural=YesNoRefused.NO,
        disability=YesNoRefused.YES,
        disability_consent_date=datetime.date(2019, 3, 11),
        referrer=Referrer.EMPLOYMENT_AGENCY,
    )
    ExitFactory(enrolment=aicha, exit_date=datetime.date(2019, 3, 15), situation=Situation.JOB_SEARCHING)
    FollowUpFactory(
        enrolment=aicha, wave=Wave.M6, status=FollowUpStatus.ANSWERED, situation=Situation.JOINED_CAE
    )
    FollowUpFactory(enrolment=aicha, wave=Wave.M3, status=FollowUpStatus.ANSWERED, situation=Situation.OTHER)
    bruno = ParticipantFactory(
        cohort=nantes,
        status="withdrawn",
        exit_reason=ExitReason.HEALTH,
        person__first_name="Bruno",
        person__last_name="Caron",
        person__gender="m",
        person__birth_date=datetime.date(1990, 12, 1),
    )
    EntryProfileFactory(
        enrolment=bruno,
        employment_status=EmploymentSituation.REFUSED,
        minimum_income=YesNoRefused.REFUSED,
        education_level=IscedLevel.ISCED_3_4,
        qpv_resident=YesNoRefused.NO,
        rural=YesNoRefused.REFUSED,
        disability=YesNoRefused.REFUSED,
        referrer=Referrer.REFUSED,
    )
    ExitFactory(
        enrolment=bruno,
        exit_date=datetime.date(2019, 3, 12),
        is_completed=False,
        early_reason=ExitReason.HEALTH,
        situation=Situation.REFUSED,
    )
    FollowUpFactory(enrolment=bruno, wave=Wave.M6, status=FollowUpStatus.UNREACHABLE)
    ParticipantFactory(cohort=nantes, status="applied", person__last_name="Dupuis")
    return aicha, bruno


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory(programme=FlashcoopProgrammeFactory(), regions=[region("52")]).user


def rows_of(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:].strip().split("\r\n")


def test_the_esf_2014_2020_file_has_the_known_answer(client, coordinator, participants):
    aicha, bruno = participants
    client.force_login(coordinator)

    response = client.get("/flashcoop/export/esf.csv?edition=2019&version=esf-2014-2020")

    assert response.status_code == 200
    assert rows_of(response) == [
        HEADER_2014,
        f"{aicha.pk};Benali;Aïcha;F;1980-05-02;38;Flashcoop Nantes Nord;44;2019-03-11;"
        "CO02;CO09;1;1;0;1;pole_emploi;2019-03-15;1;;CR01;answered;cae;1",
        f"{bruno.pk};Caron;Bruno;H;1990-12-01;28;Flashcoop Nantes Nord;44;2019-03-11;"
        "refused;CO10;refused;0;refused;refused;refused;2019-03-12;0;health;refused;unreachable;;",
    ]


def test_the_esf_plus_2021_2027_file_has_the_known_answer(client, coordinator, participants):
    aicha, bruno = participants
    client.force_login(coordinator)

    response = client.get("/flashcoop/export/esf.csv?edition=2019&version=esf-plus-2021-2027")

    assert rows_of(response) == [
        HEADER_2021,
        f"{aicha.pk};Benali;Aïcha;F;1980-05-02;38;Flashcoop Nantes Nord;44;2019-03-11;"
        "EECO02;EECO08;1;1;0;1;france_travail;2019-03-15;oui;;EECR01;answered;cae;oui",
        f"{bruno.pk};Caron;Bruno;M;1990-12-01;28;Flashcoop Nantes Nord;44;2019-03-11;"
        "refused;EECO09;refused;0;refused;refused;refused;2019-03-12;non;health;refused;unreachable;;",
    ]


def test_the_edition_chooses_its_indicator_set_by_default(client, coordinator, participants):
    client.force_login(coordinator)

    response = client.get("/flashcoop/export/esf.csv?edition=2019")

    assert rows_of(response)[0] == HEADER_2014
    assert "esf-2014-2020" in response["Content-Disposition"]


def test_an_unknown_indicator_set_is_a_bad_request(client, coordinator, participants):
    client.force_login(coordinator)

    assert client.get("/flashcoop/export/esf.csv?edition=2019&version=esf-1990").status_code == 400


def test_the_xlsx_file_has_the_same_cells(client, coordinator, participants):
    aicha, _bruno = participants
    client.force_login(coordinator)

    response = client.get("/flashcoop/export/esf.xlsx?edition=2019&version=esf-plus-2021-2027")

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER_2021.split(";")
    assert values[1][:3] == [aicha.pk, "Benali", "Aïcha"]
    assert values[1][9:12] == ["EECO02", "EECO08", "1"]
    assert values[1][4].date() == datetime.date(1980, 5, 2)
    assert len(values) == 3


def test_each_download_is_audit_logged(client, coordinator, participants):
    client.force_login(coordinator)

    client.get("/flashcoop/export/esf.csv?edition=2019&version=esf-2014-2020")
    client.get("/flashcoop/export/esf.xlsx?edition=2019")

    entries = AuditEntry.objects.filter(action="export.esf").order_by("pk")
    assert [(entry.actor, entry.details["format"], entry.details["rows"]) for entry in entries] == [
        (coordinator, "csv", 2),
        (coordinator, "xlsx", 2),
    ]
    assert entries[0].details["version"] == "esf-2014-2020"


def test_a_coordinator_exports_only_the_flashcoops_of_their_scope(client, coordinator, participants):
    elsewhere = FlashcoopCohortFactory(name="Flashcoop Lille Moulins", department=department("59"))
    ParticipantFactory(cohort=elsewhere, person__last_name="Lefebvre")
    client.force_login(coordinator)

    lines = rows_of(client.get("/flashcoop/export/esf.csv?edition=2019"))

    assert len(lines) == 3
    assert not any("Lefebvre" in line for line in lines)


def test_a_cjs_coordinator_of_the_same_region_exports_nothing(client, participants):
    cjs_coordinator = CoordinatorScopeFactory(regions=[region("52")]).user
    client.force_login(cjs_coordinator)

    assert len(rows_of(client.get("/flashcoop/export/esf.csv?edition=2019"))) == 1


def test_the_national_team_exports_everything(client, participants):
    FlashcoopCohortFactory(name="Flashcoop Lille Moulins", department=department("59"))
    ParticipantFactory(cohort__name="Flashcoop Lyon Mermoz", person__last_name="Lefebvre")
    client.force_login(UserFactory(role=Role.FABRIQUE))

    lines = rows_of(client.get("/flashcoop/export/esf.csv?edition=2019"))

    assert len(lines) == 4
    assert any("Lefebvre" in line for line in lines)


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTNER, Role.LEARNER])
def test_facilitators_partners_and_learners_may_not_export(client, participants, role):
    user = UserFactory(role=role)
    if role == Role.FACILITATOR:
        FacilitatorAssignmentFactory(user=user, cohort=participants[0].cohort)
    if role == Role.PARTNER:
        PartnerContactFactory(user=user, organisation=participants[0].cohort.host)

    for url in ["/flashcoop/export/esf.csv?edition=2019", "/flashcoop/export/esf.xlsx?edition=2019"]:
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="export.esf").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, participants):
    response = client.get("/flashcoop/export/esf.csv?edition=2019")

    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL) or "/accounts/login/" in response["Location"]


def test_the_mapping_covers_every_code_of_both_sets():
    from flashcoop import choices
    from flashcoop.esf import INDICATOR_SETS

    coded = {
        "employment_status": choices.EmploymentSituation,
        "education_level": choices.IscedLevel,
        "minimum_income": choices.YesNoRefused,
        "qpv_resident": choices.YesNoRefused,
        "rural": choices.YesNoRefused,
        "disability": choices.YesNoRefused,
        "referrer": choices.Referrer,
        "exit_situation": choices.Situation,
        "m6_situation": choices.Situation,
    }
    for indicator_set in INDICATOR_SETS.values():
        for key, codes in coded.items():
            assert set(codes.values) <= set(indicator_set["values"][key]), (indicator_set["label"], key)
        assert list(indicator_set["columns"]) == list(INDICATOR_SETS["esf-2014-2020"]["columns"])


def test_csv_cells_are_quoted_when_needed(client, coordinator, nantes):
    ParticipantFactory(cohort=nantes, person__last_name="Martin; Durand")
    client.force_login(coordinator)

    response = client.get("/flashcoop/export/esf.csv?edition=2019")

    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][1] == "Martin; Durand"
