from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from programmes.choices import Wave
from programmes.evaluation import services
from programmes.imports import run_import
from programmes.models import Answer, AuditEntry, Invitation, Response
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    department,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "questionnaire,wave,respondent,se1,se1:then,se2,first_job,heard,skills,hours,word,priorities"


@pytest.fixture
def member():
    return EnrolmentFactory(cohort=CohortFactory(name="CJS Nantes"), completed=True)


@pytest.fixture
def campaign(member):
    return ef.campaign([member.cohort])


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _answers(response: Response) -> dict[tuple[str, bool], Answer]:
    return {
        (answer.item.code, answer.is_retrospective): answer
        for answer in response.answers.select_related("item")
    }


def test_every_format_of_the_issue_is_read(member, campaign):
    file = _csv(
        f'journey,T1,P{member.person_id},a4,a1,a2,oui,school,sales|manual,"7,5",Great,learning>friends>money'
    )

    result = run_import("responses", file)

    assert result.ok, [str(error) for error in result.errors]
    assert result.created == 1
    response = Response.objects.get()
    assert (response.person, response.cohort, response.campaign) == (member.person, member.cohort, campaign)
    assert response.source == "import"
    assert response.submitted_at is not None
    answers = _answers(response)
    assert (answers[("se1", False)].option_codes, answers[("se1", False)].score) == (["a4"], 4)
    assert answers[("se1", True)].score == 1
    assert answers[("se2", False)].score == 2
    assert answers[("first_job", False)].option_codes == ["yes"]
    assert answers[("heard", False)].option_codes == ["school"]
    assert answers[("skills", False)].option_codes == ["sales", "manual"]
    assert answers[("hours", False)].number == Decimal("7.5")
    assert answers[("word", False)].text == "Great"
    assert answers[("priorities", False)].option_codes == ["learning", "friends", "money"]


def test_no_opinion_and_empty_cells(member, campaign):
    file = _csv(f"journey,T0,P{member.person_id},nsp,,a2,,,nsp,nsp,,")

    result = run_import("responses", file)

    assert result.ok, [str(error) for error in result.errors]
    answers = _answers(Response.objects.get())
    assert answers[("se1", False)].is_no_opinion
    assert answers[("skills", False)].is_no_opinion and answers[("skills", False)].option_codes == []
    assert answers[("hours", False)].is_no_opinion and answers[("hours", False)].number is None
    assert set(answers) == {("se1", False), ("se2", False), ("skills", False), ("hours", False)}


def test_anonymous_respondents_are_any_identifier(campaign):
    file = _csv("journey,T0,paper-017,a1,,,,,,,,", "journey,T0,paper-018,a2,,,,,,,,")

    result = run_import("responses", file)

    assert result.ok, [str(error) for error in result.errors]
    assert sorted(Response.objects.values_list("respondent_ref", "person")) == [
        ("paper-017", None),
        ("paper-018", None),
    ]


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_cell(member, campaign):
    file = _csv(
        f"journey,T1,P{member.person_id},a1,,,,,,,,",
        f"journey,T9,P{member.person_id},a1,,,,,,,,",
        "journey,T0,P999999,a1,,,,,,,,",
        "nope,T0,x1,,,,,,,,,",
        "journey,T0,x2,a7,,nsp,maybe,,sales|sales,lots,,money>learning",
        "journey,T0,x3,,a1,,,,,,,",
        f"journey,T1,P{member.person_id},a2,,,,,,,,",
    )

    result = run_import("responses", file)

    errors = [str(error) for error in result.errors]
    assert "line 3: wave: “T9” is not one of: T0, T1, M3, M6." in errors
    assert "line 4: respondent: No participant with the reference P999999 in your scope." in errors
    assert any(
        error.startswith("line 5: questionnaire: No published questionnaire “nope”") for error in errors
    )
    assert "line 6: se1: “a7” is not one of: a1, a2, a3, a4." in errors
    assert "line 6: se2: “No opinion” is not offered for this question." in errors
    assert "line 6: first_job: Answer yes or no." in errors
    assert "line 6: skills: Each option only once." in errors
    assert "line 6: hours: “lots” is not a number." in errors
    assert "line 6: priorities: Rank every option, each with a different rank." in errors
    assert "line 7: se1:then: “Before” answers are for retrospective questions at T1 only." in errors
    assert "line 8: respondent: Same row as line 2." in errors
    assert not Response.objects.exists()
    assert not result.outcomes


def test_reimporting_updates_the_same_responses(member, campaign):
    first = _csv(f"journey,T1,P{member.person_id},a1,,a2,yes,,,,Hello,")
    run_import("responses", first)

    same = run_import("responses", first)
    changed = run_import("responses", _csv(f"journey,T1,P{member.person_id},a3,,,yes,,,,,"))

    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    assert (changed.created, changed.updated) == (0, 1)
    response = Response.objects.get()
    answers = _answers(response)
    assert answers[("se1", False)].option_codes == ["a3"]
    assert ("se2", False) not in answers and ("word", False) not in answers


def test_an_import_closes_the_matching_invitation(member, campaign):
    invitation, _token = ef.invitation(member, campaign, wave=Wave.T1)

    run_import("responses", _csv(f"journey,T1,P{member.person_id},a1,,,,,,,,"))

    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    assert Invitation.objects.filter(submitted_at__isnull=True).count() == 0


def test_an_import_never_overwrites_an_answer_given_online(member, campaign):
    Response.objects.create(
        questionnaire=campaign.questionnaire,
        wave=Wave.T1,
        person=member.person,
        cohort=member.cohort,
        source="link",
        submitted_at="2018-09-01T10:00:00Z",
    )

    result = run_import("responses", _csv(f"journey,T1,P{member.person_id},a1,,,,,,,,"))

    assert [str(error) for error in result.errors] == [
        "line 2: This respondent already answered this wave online."
    ]


def test_dry_run_reports_and_writes_nothing(member, campaign):
    result = run_import("responses", _csv(f"journey,T1,P{member.person_id},a1,,,,,,,,"), dry_run=True)

    assert result.ok and result.created == 1
    assert not Response.objects.exists()


def test_the_command_line_import_and_its_errors(tmp_path, member, campaign):
    good = tmp_path / "good.csv"
    good.write_bytes(
        _csv(f"journey;T0;P{member.person_id};a1;;;;;;;;".replace(",", ";"), header=HEADER.replace(",", ";"))
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("journey,T0,x,a9,,,,,,,,"))

    call_command("import_csv", "responses", str(good))
    with pytest.raises(CommandError, match="line 2: se1: “a9” is not one of"):
        call_command("import_csv", "responses", str(bad))

    assert Response.objects.count() == 1
    assert AuditEntry.objects.filter(action="import.responses").count() == 1


def test_unknown_columns_are_refused(member, campaign):
    result = run_import(
        "responses", _csv("journey,T0,x,a1", header="questionnaire,wave,respondent,se1,colour")
    )

    assert next(str(error) for error in result.errors).startswith("line 1: unknown columns: colour")


def test_a_participant_in_several_cohorts_needs_the_cohort_column(member, campaign):
    EnrolmentFactory(
        person=member.person, cohort=CohortFactory(name="CJS Angers", edition=member.cohort.edition)
    )
    campaign.cohorts.add(
        *campaign.cohorts.all(), member.person.enrolments.exclude(cohort=member.cohort).get().cohort
    )
    campaign.save()
    row = f"journey,T0,P{member.person_id},a1"

    without = run_import("responses", _csv(row, header="questionnaire,wave,respondent,se1"))
    with_cohort = run_import(
        "responses", _csv(row + ",CJS Angers", header="questionnaire,wave,respondent,se1,cohort")
    )

    assert [str(error) for error in without.errors] == [
        "line 2: cohort: This participant is in several cohorts: name the cohort."
    ]
    assert with_cohort.ok
    assert Response.objects.get().cohort.name == "CJS Angers"


def test_a_coordinator_imports_only_for_the_cohorts_of_their_scope(member, campaign, roles):
    coordinator = CoordinatorScopeFactory(
        programme=member.cohort.edition.programme
    ).user  # region 52: Nantes is in it
    elsewhere = EnrolmentFactory(
        cohort=CohortFactory(name="CJS Lille", department=department("59")), completed=True
    )
    header = "questionnaire,wave,respondent,se1,cohort"

    refused = run_import(
        "responses",
        _csv(f"journey,T0,P{elsewhere.person_id},a1,", "journey,T0,anon-1,a1,", header=header),
        by=coordinator,
    )
    accepted = run_import(
        "responses",
        _csv(f"journey,T0,P{member.person_id},a1,", "journey,T0,anon-1,a1,CJS Nantes", header=header),
        by=coordinator,
    )

    assert [str(error) for error in refused.errors] == [
        f"line 2: respondent: No participant with the reference P{elsewhere.person_id} in your scope.",
        "line 3: cohort: Name one of your cohorts: anonymous answers are filed under a cohort.",
    ]
    assert accepted.ok, [str(error) for error in accepted.errors]
    assert set(Response.objects.values_list("cohort__name", flat=True)) == {"CJS Nantes"}


def test_a_specific_version_can_be_named(member, campaign):
    changed = ef.spec()
    changed["items"][0]["text"] = "Changed"
    services.import_questionnaire(data=changed, publish=True)

    run_import(
        "responses", _csv(f"journey@1,T0,P{member.person_id},a1", header="questionnaire,wave,respondent,se1")
    )
    run_import(
        "responses", _csv(f"journey,T1,P{member.person_id},a1", header="questionnaire,wave,respondent,se1")
    )

    assert sorted(Response.objects.values_list("wave", "questionnaire__version")) == [("T0", 1), ("T1", 2)]


def test_a_coordinator_uploads_paper_responses_from_their_space(client, member, campaign, roles):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(CoordinatorScopeFactory(programme=member.cohort.edition.programme).user)
    assert "questionnaire, wave, respondent, cohort" in client.get("/coordinate/import/").content.decode()
    file = SimpleUploadedFile(
        "paper.csv", _csv(f"journey,T1,P{member.person_id},a1,,,,,,,,"), content_type="text/csv"
    )

    preview = client.post("/coordinate/import/", {"kind": "responses", "file": file})
    client.post("/coordinate/import/confirm/", {"digest": preview.context["digest"]})

    assert preview.context["result"].created == 1
    assert Response.objects.get().person == member.person
