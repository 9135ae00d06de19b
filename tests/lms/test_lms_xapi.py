"""Learning records as xAPI statements: shape (a JSON schema of the 1.0.3 rules written here), content per
record kind, deterministic ids, pseudonymous actors, scope of the course and learner files, audit, API,
the source registry and flat query counts."""

import json
import re
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import jsonschema
import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import services, xapi
from lms.choices import CompletionRule
from lms.models import CourseEnrolment, LessonCompletion, LessonTime, QuizAttempt, TrainingProvider
from programmes.models import AuditEntry
from tests.lms import factories
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    OrganisationFactory,
    PartnerContactFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

BASE = "https://essaim.example.org"

# --- A JSON schema of the xAPI 1.0.3 statement rules these exports must follow (written for these tests) --

IRI = {"type": "string", "pattern": r"^[a-z][a-z0-9+.-]*://[^\s]+$"}
UUID = {
    "type": "string",
    "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
}
LANGUAGE_MAP = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string", "minLength": 1},
}
ISO_DURATION = r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"
ACTIVITY = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "objectType": {"const": "Activity"},
        "id": IRI,
        "definition": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                "name": LANGUAGE_MAP,
                "description": LANGUAGE_MAP,
                "type": IRI,
                "moreInfo": IRI,
            },
        },
    },
}
ACTIVITY_LIST = {"type": "array", "minItems": 1, "items": ACTIVITY}
STATEMENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "actor", "verb", "object", "timestamp"],
    "additionalProperties": False,
    "properties": {
        "id": UUID,
        "actor": {
            "type": "object",
            # The only identifier allowed here is an account: no mbox, mbox_sha1sum or openid.
            "required": ["objectType", "account"],
            "additionalProperties": False,
            "properties": {
                "objectType": {"const": "Agent"},
                "name": {"type": "string"},
                "account": {
                    "type": "object",
                    "required": ["homePage", "name"],
                    "additionalProperties": False,
                    "properties": {"homePage": IRI, "name": {"type": "string", "minLength": 1}},
                },
            },
        },
        "verb": {
            "type": "object",
            "required": ["id", "display"],
            "additionalProperties": False,
            "properties": {"id": IRI, "display": LANGUAGE_MAP},
        },
        "object": ACTIVITY,
        "result": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                "score": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                        "raw": {"type": "number"},
                        "min": {"type": "number"},
                        "max": {"type": "number"},
                    },
                },
                "success": {"type": "boolean"},
                "completion": {"type": "boolean"},
                "response": {"type": "string"},
                "duration": {"type": "string", "pattern": ISO_DURATION},
            },
        },
        "context": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                "registration": UUID,
                "contextActivities": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        "parent": ACTIVITY_LIST,
                        "grouping": ACTIVITY_LIST,
                        "category": ACTIVITY_LIST,
                        "other": ACTIVITY_LIST,
                    },
                },
                "platform": {"type": "string", "minLength": 1},
                "language": {"type": "string", "pattern": r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"},
            },
        },
        "timestamp": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
        },
        # A Learning Record Provider that sets the version sets 1.0.0 (xAPI 1.0.3, part two, 2.4.10).
        "version": {"const": "1.0.0"},
    },
}


def _no_nulls(value, path="statement"):
    if value is None:
        raise AssertionError(f"{path} is null")
    if isinstance(value, dict):
        assert value, f"{path} is an empty object"
        for key, item in value.items():
            _no_nulls(item, f"{path}.{key}")
    if isinstance(value, list):
        for index, item in enumerate(value):
            _no_nulls(item, f"{path}[{index}]")


def assert_valid(statements):
    assert statements
    for item in statements:
        jsonschema.validate(item, STATEMENT_SCHEMA)
        _no_nulls(item)
        uuid.UUID(item["id"])
        score = item.get("result", {}).get("score")
        if score and {"raw", "min", "max"} <= score.keys():
            assert score["min"] <= score["raw"] <= score["max"]
        assert item["object"]["id"].startswith(BASE + "/xapi/activities/")
        assert item["actor"]["account"]["homePage"] == BASE + "/"
    ids = [item["id"] for item in statements]
    assert len(ids) == len(set(ids))


# --- Fixture ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def xapi_settings(settings):
    settings.ESSAIM_XAPI_BASE_URL = BASE
    settings.ESSAIM_XAPI_PSEUDONYM_KEY = "test-pseudonym-key"
    settings.ESSAIM_XAPI_ACTOR_NAMES = False


@pytest.fixture
def network():
    """A course (a lesson to view, a quiz lesson, a lesson completed by attending a virtual class) followed
    by a1 (cohort A: everything, a failed then a passed quiz, 50 minutes attended, 650 s connected: the
    course is completed) and b1 (cohort B: the first lesson and a passed quiz)."""
    course = factories.course(title="Créer sa coopérative")
    module = factories.module(course, title="Les bases")
    first = factories.lesson(module, title="Une voix par personne", estimated_minutes=10)
    a_quiz = factories.quiz(title="Quiz des bases")
    quiz_lesson = factories.lesson(module, title="Fixer un prix", rule=CompletionRule.QUIZ, quiz=a_quiz)
    live = factories.lesson(module, title="Classe virtuelle", rule=CompletionRule.ATTENDANCE)
    cohort_a = FacilitatorAssignmentFactory(cohort__name="CJS Nantes")
    cohort_b = FacilitatorAssignmentFactory(
        cohort=CohortFactory(name="CJS Rennes", department=department("35"))
    )
    a1 = factories.member_learner(cohort_a.cohort, course, first_name="Aminata", last_name="Diallo")
    b1 = factories.member_learner(cohort_b.cohort, course, first_name="Brendan", last_name="Le Goff")
    enrolment_a = CourseEnrolment.objects.get(user=a1, course=course)
    enrolment_b = CourseEnrolment.objects.get(user=b1, course=course)
    services.complete_lesson(enrolment=enrolment_a, lesson=first)
    services.submit_quiz_attempt(
        enrolment=enrolment_a, lesson=quiz_lesson, answers=factories.wrong_answers(a_quiz)
    )
    services.submit_quiz_attempt(
        enrolment=enrolment_a, lesson=quiz_lesson, answers=factories.right_answers(a_quiz)
    )
    LessonTime.objects.create(user=a1, lesson=first, activity_date=timezone.localdate(), seconds=650)
    session = factories.live_session(
        course, cohort=cohort_a.cohort, lesson=live, title="Classe du lundi", starts_in_minutes=-120
    )
    services.confirm_attendance(
        session=session, marks={a1.pk: services.AttendanceMark("present", 50)}, by=cohort_a.user
    )
    services.complete_lesson(enrolment=enrolment_b, lesson=first)
    services.submit_quiz_attempt(
        enrolment=enrolment_b, lesson=quiz_lesson, answers=factories.right_answers(a_quiz)
    )
    return {
        "course": course,
        "module": module,
        "first": first,
        "quiz_lesson": quiz_lesson,
        "quiz": a_quiz,
        "live": live,
        "session": session,
        "a": cohort_a,
        "b": cohort_b,
        "a1": a1,
        "b1": b1,
    }


def by_verb(statements):
    found: dict[str, list] = {}
    for item in statements:
        found.setdefault(item["verb"]["id"].rsplit("/", 1)[-1], []).append(item)
    return found


def actors(statements):
    return {item["actor"]["account"]["name"] for item in statements}


# --- Statements -----------------------------------------------------------------------------------------


def test_a_learners_statements_follow_the_xapi_rules_and_cover_every_record(network):
    a1 = network["a1"]

    statements = xapi.learner_export(learner=a1)

    assert_valid(statements)
    verbs = by_verb(statements)
    assert sorted(verbs) == ["attended", "completed", "failed", "passed"]
    assert {item["verb"]["id"] for item in statements} <= {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
        "http://adlnet.gov/expapi/verbs/failed",
        "http://adlnet.gov/expapi/verbs/attended",
    }
    for item in statements:
        assert set(item["verb"]["display"]) == {"en", "fr"}
        assert item["context"]["platform"] == "Essaim"
    # Lessons completed: the viewed one, the quiz lesson (passed) and the live one (attended), then the course.
    completed = {item["object"]["definition"]["type"]: item for item in verbs["completed"]}
    assert len(verbs["completed"]) == 4
    course_done = completed["http://adlnet.gov/expapi/activities/course"]
    assert course_done["object"]["id"] == f"{BASE}/xapi/activities/course/{network['course'].pk}"
    assert course_done["object"]["definition"]["name"] == {"fr": "Créer sa coopérative"}
    assert actors(statements) == {xapi.pseudonym(a1.pk)}


def test_a_lesson_completed_sits_in_its_module_and_course_with_the_connected_time(network):
    statements = xapi.learner_export(learner=network["a1"])

    lesson = next(
        item
        for item in by_verb(statements)["completed"]
        if item["object"]["id"] == f"{BASE}/xapi/activities/lesson/{network['first'].pk}"
    )

    assert lesson["object"]["definition"] == {
        "name": {"fr": "Une voix par personne"},
        "type": "http://adlnet.gov/expapi/activities/lesson",
    }
    assert lesson["result"] == {"completion": True, "duration": "PT10M50S"}
    activities = lesson["context"]["contextActivities"]
    assert [parent["id"] for parent in activities["parent"]] == [
        f"{BASE}/xapi/activities/module/{network['module'].pk}"
    ]
    assert activities["parent"][0]["definition"]["type"] == "http://adlnet.gov/expapi/activities/module"
    assert [group["id"] for group in activities["grouping"]] == [
        f"{BASE}/xapi/activities/course/{network['course'].pk}"
    ]
    completion = LessonCompletion.objects.get(user=network["a1"], lesson=network["first"])
    assert lesson["timestamp"] == xapi.timestamp(completion.completed_at)
    assert lesson["timestamp"].endswith("Z")


def test_quiz_attempts_are_passed_or_failed_with_their_score(network):
    statements = by_verb(xapi.learner_export(learner=network["a1"]))
    attempts = list(QuizAttempt.objects.filter(user=network["a1"]).order_by("pk"))

    failed, passed = statements["failed"][0], statements["passed"][0]

    assert failed["result"]["success"] is False and passed["result"]["success"] is True
    assert failed["result"]["score"] == {
        "scaled": round(attempts[0].score, 4),
        "raw": round(attempts[0].score * 100, 2),
        "min": 0,
        "max": 100,
    }
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert passed["object"]["id"] == f"{BASE}/xapi/activities/quiz/{network['quiz'].pk}"
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == (
        f"{BASE}/xapi/activities/lesson/{network['quiz_lesson'].pk}"
    )


def test_a_live_session_attended_carries_the_confirmed_minutes(network):
    attended = by_verb(xapi.learner_export(learner=network["a1"]))["attended"]

    assert len(attended) == 1
    item = attended[0]
    assert item["object"]["id"] == f"{BASE}/xapi/activities/live-session/{network['session'].pk}"
    assert item["object"]["definition"] == {
        "name": {"fr": "Classe du lundi"},
        "type": "http://adlnet.gov/expapi/activities/meeting",
    }
    assert item["result"] == {"completion": True, "duration": "PT50M"}
    assert item["timestamp"] == xapi.timestamp(network["session"].starts_at)
    assert item["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/lesson/{network['live'].pk}")


def test_statements_of_one_enrolment_share_its_registration(network):
    statements = xapi.learner_export(learner=network["a1"])
    enrolment = CourseEnrolment.objects.get(user=network["a1"], course=network["course"])

    assert {item["context"]["registration"] for item in statements} == {xapi.registration_id(enrolment.pk)}


def test_ids_are_the_same_at_every_export_and_change_with_the_facts(network):
    first = xapi.learner_export(learner=network["a1"])
    second = xapi.learner_export(learner=network["a1"])

    assert first == second
    services.confirm_attendance(
        session=network["session"],
        marks={network["a1"].pk: services.AttendanceMark("present", 40)},
        by=network["a"].user,
    )
    corrected = xapi.learner_export(learner=network["a1"])
    assert by_verb(corrected)["attended"][0]["id"] != by_verb(first)["attended"][0]["id"]
    assert {item["id"] for item in by_verb(corrected)["passed"]} == {
        item["id"] for item in by_verb(first)["passed"]
    }


def test_ids_depend_on_the_installation(network, settings):
    before = {item["id"] for item in xapi.learner_export(learner=network["a1"])}

    settings.ESSAIM_XAPI_BASE_URL = "https://autre.example.org"

    assert before.isdisjoint({item["id"] for item in xapi.learner_export(learner=network["a1"])})


def test_actors_carry_no_email_and_no_name_by_default(network):
    a1 = network["a1"]

    text = json.dumps(xapi.learner_export(learner=a1), ensure_ascii=False)

    assert a1.email and a1.email not in text
    assert "Aminata" not in text and "Diallo" not in text and a1.username not in text
    assert "mbox" not in text and "openid" not in text
    assert re.fullmatch(r"[0-9a-f]{32}", xapi.pseudonym(a1.pk))
    assert xapi.pseudonym(a1.pk) != xapi.pseudonym(network["b1"].pk)


def test_the_pseudonym_depends_on_the_key(network, settings):
    before = xapi.pseudonym(network["a1"].pk)

    settings.ESSAIM_XAPI_PSEUDONYM_KEY = "another key"

    assert xapi.pseudonym(network["a1"].pk) != before


def test_names_only_when_the_setting_asks_for_them(network, settings):
    settings.ESSAIM_XAPI_ACTOR_NAMES = True

    statements = xapi.learner_export(learner=network["a1"])

    assert_valid(statements)
    assert {item["actor"]["name"] for item in statements} == {"Aminata Diallo"}
    assert network["a1"].email not in json.dumps(statements)


def _break(statement, path, value):
    target = statement
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return statement


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("verb",), KeyError),
        (("id",), "not-a-uuid"),
        (("version",), "1.0.3"),
        (("actor", "mbox"), "mailto:learner@example.org"),
        (("object", "id"), "/xapi/activities/lesson/1"),
        (("verb", "display"), {"english": "passed"}),
        (("result", "score", "scaled"), 1.5),
        (("result", "duration"), "50 minutes"),
        (("result", "success"), None),
        (("timestamp",), "02/03/2026 14:05"),
        (("context", "contextActivities", "parent"), []),
    ],
)
def test_the_rules_reject_a_broken_statement(network, path, value):
    """The checks above can fail: each broken copy of a valid statement is refused."""
    passed = by_verb(xapi.learner_export(learner=network["a1"]))["passed"][0]
    assert_valid([passed])

    with pytest.raises((jsonschema.ValidationError, AssertionError)):
        assert_valid([_break(json.loads(json.dumps(passed)), path, value)])


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, "PT0S"), (59, "PT59S"), (3000, "PT50M"), (3725, "PT1H2M5S")]
)
def test_durations_are_iso_8601(seconds, expected):
    assert xapi.duration(seconds) == expected
    assert re.fullmatch(ISO_DURATION, expected)


# --- Scope of the exports -------------------------------------------------------------------------------


def test_the_national_team_exports_every_learner_of_a_course(network):
    statements = xapi.course_export(viewer=UserFactory(role="fabrique"), course=network["course"])

    assert_valid(statements)
    assert actors(statements) == {xapi.pseudonym(network["a1"].pk), xapi.pseudonym(network["b1"].pk)}


def test_a_facilitator_downloads_the_course_file_of_their_cohort_only(client, network):
    client.force_login(network["a"].user)

    response = client.get(reverse("lms:xapi_course", args=[network["course"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert (
        response["Content-Disposition"] == f'attachment; filename="xapi-course-{network["course"].pk}.json"'
    )
    statements = json.loads(response.content)
    assert_valid(statements)
    assert actors(statements) == {xapi.pseudonym(network["a1"].pk)}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_coordinator_exports_the_learners_of_their_regions_only(client, network):
    client.force_login(CoordinatorScopeFactory(regions=[region("52")]).user)

    statements = json.loads(client.get(reverse("lms:xapi_course", args=[network["course"].pk])).content)

    assert actors(statements) == {xapi.pseudonym(network["a1"].pk)}
    assert client.get(reverse("lms:xapi_person", args=[network["b1"].person.pk])).status_code == 404


def test_a_facilitator_gets_no_learner_of_another_cohort(client, network):
    client.force_login(network["b"].user)

    statements = json.loads(client.get(reverse("lms:xapi_course", args=[network["course"].pk])).content)
    person_a1 = network["a1"].person

    assert actors(statements) == {xapi.pseudonym(network["b1"].pk)}
    assert client.get(reverse("lms:xapi_person", args=[person_a1.pk])).status_code == 404
    assert client.get(reverse("lms:xapi_person", args=[network["b1"].person.pk])).status_code == 200


def test_a_learner_gets_only_their_own_records(client, network):
    client.force_login(network["a1"])

    mine = client.get(reverse("lms:xapi_mine"))

    assert mine.status_code == 200
    assert mine["Content-Disposition"] == 'attachment; filename="xapi-my-learning-records.json"'
    assert actors(json.loads(mine.content)) == {xapi.pseudonym(network["a1"].pk)}
    assert client.get(reverse("lms:xapi_person", args=[network["b1"].person.pk])).status_code == 404
    assert client.get(reverse("lms:xapi_course", args=[network["course"].pk])).status_code == 404


def test_a_training_providers_staff_sees_figures_but_no_learner_records(client, network):
    provider = TrainingProvider.objects.create(
        organisation=OrganisationFactory(name="Coopérer pour Entreprendre"),
        legal_name="Coopérer pour Entreprendre",
        siret="00000000000000",
        declaration_number="00000000000",
    )
    course = network["course"]
    course.provider = provider
    course.save_revision().publish()
    contact = PartnerContactFactory(organisation=provider.organisation)
    client.force_login(contact.user)

    report = client.get(reverse("lms:course_report", args=[course.pk]))

    assert report.status_code == 200
    assertNotContains(report, reverse("lms:xapi_course", args=[course.pk]))
    assert client.get(reverse("lms:xapi_course", args=[course.pk])).status_code == 404


@pytest.mark.parametrize("name", ["lms:xapi_mine", "lms:xapi_course", "lms:xapi_person"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, network, name):
    args = [] if name == "lms:xapi_mine" else [network["course"].pk]

    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_every_download_is_audit_logged(client, network):
    client.force_login(network["a"].user)

    client.get(reverse("lms:xapi_course", args=[network["course"].pk]))
    client.get(reverse("lms:xapi_person", args=[network["a1"].person.pk]))

    entries = list(AuditEntry.objects.filter(action="export.lms_xapi").order_by("pk"))
    assert [(entry.actor, entry.target_type, entry.details["scope"]) for entry in entries] == [
        (network["a"].user, "lms.coursepage", "course"),
        (network["a"].user, "programmes.person", "learner"),
    ]
    assert entries[0].target_id == str(network["course"].pk)
    assert entries[0].details["rows"] == len(xapi.learner_export(learner=network["a1"]))
    client.force_login(network["a1"])
    client.get(reverse("lms:xapi_mine"))
    assert AuditEntry.objects.filter(
        action="export.lms_xapi", actor=network["a1"], details__scope="self"
    ).exists()


def test_the_links_are_in_the_learners_area_the_report_and_the_learners_page(client, network):
    client.force_login(network["a1"])
    home = client.get(reverse("lms:learner_home"))
    assertContains(home, reverse("lms:xapi_mine"))
    assertContains(home, xapi.pseudonym(network["a1"].pk))

    client.force_login(network["a"].user)
    assertContains(
        client.get(reverse("lms:course_report", args=[network["course"].pk])),
        reverse("lms:xapi_course", args=[network["course"].pk]),
    )
    person_page = client.get(reverse("lms:learner_time", args=[network["a1"].person.pk]))
    assertContains(person_page, reverse("lms:xapi_person", args=[network["a1"].person.pk]))
    assertContains(person_page, xapi.pseudonym(network["a1"].pk))


# --- API -------------------------------------------------------------------------------------------------


def test_the_api_gives_the_same_statements_within_the_same_scope(client, network):
    client.force_login(network["a"].user)

    course = client.get(f"/api/v1/lms/xapi/courses/{network['course'].pk}/statements/")
    person_b1 = client.get(f"/api/v1/lms/xapi/people/{network['b1'].person.pk}/statements/")

    assert course.status_code == 200
    assert course.json() == xapi.course_export(viewer=network["a"].user, course=network["course"])
    assert actors(course.json()) == {xapi.pseudonym(network["a1"].pk)}
    assert person_b1.status_code == 404
    assert AuditEntry.objects.filter(action="export.lms_xapi", details__scope="course").count() == 1


def test_the_api_gives_a_learner_their_own_records(client, network):
    client.force_login(network["b1"])

    mine = client.get("/api/v1/lms/xapi/me/statements/")

    assert mine.status_code == 200
    assert_valid(mine.json())
    assert actors(mine.json()) == {xapi.pseudonym(network["b1"].pk)}
    assert client.get(f"/api/v1/lms/xapi/courses/{network['course'].pk}/statements/").status_code == 404
    assert client.get(f"/api/v1/lms/xapi/people/{network['a1'].person.pk}/statements/").status_code == 404


def test_the_api_needs_a_login(client, network):
    assert client.get("/api/v1/lms/xapi/me/statements/").status_code in (401, 403)


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in (
        "/api/v1/lms/xapi/me/statements/",
        "/api/v1/lms/xapi/courses/{id}/statements/",
        "/api/v1/lms/xapi/people/{id}/statements/",
    ):
        assert path in schema


# --- Sources ---------------------------------------------------------------------------------------------


@pytest.fixture
def restore_sources():
    saved = dict(xapi._sources)
    yield
    xapi._sources.clear()
    xapi._sources.update(saved)


def test_a_registered_source_adds_statements_and_cannot_widen_the_scope(network, restore_sources):
    seen_calls = []

    def scorm(*, course, user):
        seen_calls.append((course, user))
        for learner in (network["a1"], network["b1"]):
            yield xapi.statement(
                id=xapi.statement_id("scorm-attempt", learner.pk),
                user=learner,
                verb_name="passed",
                object=xapi.activity("course", network["course"].pk, "Créer sa coopérative"),
                when=timezone.now(),
                result={"score": {"scaled": 0.9}, "success": True, "completion": True},
                context=xapi.context(),
            )

    xapi.register_statement_source("scorm", scorm)
    statements = xapi.course_export(viewer=network["a"].user, course=network["course"])

    assert seen_calls == [(network["course"], None)]
    scorm_ids = {xapi.statement_id("scorm-attempt", network["a1"].pk)}
    assert scorm_ids <= {item["id"] for item in statements}
    assert xapi.statement_id("scorm-attempt", network["b1"].pk) not in {item["id"] for item in statements}
    assert actors(statements) == {xapi.pseudonym(network["a1"].pk)}
    assert "scorm" in xapi.statement_sources()


# --- Query counts ---------------------------------------------------------------------------------------


def _learners_with_records(course, lesson, quiz_lesson, a_quiz, cohort, count):
    for _ in range(count):
        user = factories.member_learner(cohort, course)
        enrolment = CourseEnrolment.objects.get(user=user, course=course)
        services.complete_lesson(enrolment=enrolment, lesson=lesson)
        services.submit_quiz_attempt(
            enrolment=enrolment, lesson=quiz_lesson, answers=factories.right_answers(a_quiz)
        )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), json.loads(response.content)


def test_the_course_file_runs_a_fixed_number_of_queries(client, network):
    course, cohort = network["course"], network["a"].cohort
    url = reverse("lms:xapi_course", args=[course.pk])
    client.force_login(network["a"].user)
    _learners_with_records(course, network["first"], network["quiz_lesson"], network["quiz"], cohort, 4)
    few, statements = _count_queries(client, url)
    assert len(statements) >= 5

    _learners_with_records(course, network["first"], network["quiz_lesson"], network["quiz"], cohort, 25)
    many, statements = _count_queries(client, url)

    assert len(statements) >= 50
    assert many == few


def test_a_learners_file_runs_a_fixed_number_of_queries(client, network):
    client.force_login(network["a1"])
    url = reverse("lms:xapi_mine")
    few, statements = _count_queries(client, url)
    assert len(statements) >= 5
    for index in range(8):
        other = factories.course(title=f"Parcours {index}")
        lessons = [factories.lesson(factories.module(other)) for _ in range(6)]
        enrolment = CourseEnrolment.objects.create(user=network["a1"], course=other)
        for lesson in lessons:
            services.complete_lesson(enrolment=enrolment, lesson=lesson)

    many, statements = _count_queries(client, url)

    assert len(statements) >= 50
    assert many == few


def test_a_course_id_beyond_the_databases_integers_is_not_found(client, roles):
    client.force_login(UserFactory(role="fabrique"))

    assert client.get(reverse("lms:xapi_course", args=[10**30])).status_code == 404
    assert client.get(f"/api/v1/lms/xapi/courses/{10**30}/statements/").status_code == 404


# --- SCORM results -----------------------------------------------------------------------------------------


def test_scorm_results_are_statements_with_their_status_score_and_time():
    from lms.scorm import services as scorm_services
    from tests.lms import scorm_archives
    from tests.lms.factories import CourseEnrolmentFactory

    course = factories.course(title="Parcours SCORM", has_certificate=False)
    module = factories.module(course, title="Module")
    package = scorm_archives.scorm_package(scos=[("a", "Partie A"), ("b", "Partie B")])
    lesson = scorm_archives.scorm_lesson(module, package)
    enrolment = CourseEnrolmentFactory(course=course)
    first, second = package.scos.order_by("pk")
    cmi = {"core": {"lesson_status": "passed", "session_time": "0000:12:30", "score": {"raw": "80"}}}
    scorm_services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=first, session_key="s", sequence=1, cmi=cmi
    )
    cmi = {"core": {"lesson_status": "incomplete", "session_time": "0000:02:00"}}
    scorm_services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=second, session_key="s", sequence=1, cmi=cmi
    )

    statements = [
        item
        for item in xapi.learner_export(learner=enrolment.user)
        if item["object"]["id"].startswith(BASE + "/xapi/activities/scorm-sco/")
    ]

    assert_valid(statements)
    by_sco = {item["object"]["definition"]["name"]["fr"]: item for item in statements}
    passed, started = by_sco["Partie A"], by_sco["Partie B"]
    assert passed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert passed["result"] == {
        "completion": True,
        "success": True,
        "duration": "PT12M30S",
        "score": {"scaled": 0.8, "raw": 80.0},
    }
    assert (
        passed["context"]["contextActivities"]["parent"][0]["id"]
        == f"{BASE}/xapi/activities/lesson/{lesson.pk}"
    )
    assert started["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attempted"
    assert started["result"] == {"completion": False, "duration": "PT2M"}
