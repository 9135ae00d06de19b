"""The SCORM run-time's commits: statuses normalised across versions, score, session time counted once,
idempotent retries, resume, lesson and course completion, realised duration, and who may commit or open
the content (404 for anyone else)."""

import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from lms import selectors as lms_selectors
from lms.choices import ScormCompletion, ScormSuccess
from lms.models import LessonCompletion, LessonPage, ScormAttempt
from lms.scorm import runtime, selectors, services, views
from tests.lms import factories, scorm_archives
from tests.lms.factories import CourseEnrolmentFactory
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("value", "version", "seconds"),
    [
        ("0000:01:30.00", "1.2", 90),
        ("01:02:03", "1.2", 3723),
        ("12:00:00.5", "1.2", 43200),
        ("PT1H2M3.9S", "2004", 3723),
        ("PT90S", "2004", 90),
        ("P1DT1S", "2004", 86401),
        ("PT0S", "2004", 0),
        ("1:99:00", "1.2", None),
        ("PT", "2004", None),
        ("P1DT", "2004", None),
        ("90", "2004", None),
        ("", "1.2", None),
        (None, "2004", None),
    ],
)
def test_session_times_of_both_versions(value, version, seconds):
    assert runtime.parse_session_time(value, version) == seconds


@pytest.mark.parametrize(
    ("lesson_status", "completion", "success"),
    [
        ("passed", ScormCompletion.COMPLETED, ScormSuccess.PASSED),
        ("failed", ScormCompletion.COMPLETED, ScormSuccess.FAILED),
        ("completed", ScormCompletion.COMPLETED, ScormSuccess.UNKNOWN),
        ("incomplete", ScormCompletion.INCOMPLETE, ScormSuccess.UNKNOWN),
        ("browsed", ScormCompletion.INCOMPLETE, ScormSuccess.UNKNOWN),
        ("not attempted", ScormCompletion.NOT_ATTEMPTED, ScormSuccess.UNKNOWN),
        ("nonsense", ScormCompletion.NOT_ATTEMPTED, ScormSuccess.UNKNOWN),
    ],
)
def test_scorm_12_statuses_are_normalised(lesson_status, completion, success):
    state = runtime.read_state({"core": {"lesson_status": lesson_status}}, "1.2")

    assert (state.completion, state.success) == (completion, success)


def test_scorm_2004_keeps_completion_and_success_apart():
    state = runtime.read_state(
        {
            "completion_status": "incomplete",
            "success_status": "passed",
            "score": {"scaled": "0.85", "raw": "85", "min": "0", "max": "100"},
            "session_time": "PT2M",
            "location": "p3",
            "suspend_data": "abc",
        },
        "2004",
    )

    assert state.completion == ScormCompletion.INCOMPLETE
    assert state.success == ScormSuccess.PASSED
    assert (state.score_raw, state.score_scaled) == (85.0, 0.85)
    assert state.session_seconds == 120
    assert (state.location, state.suspend_data) == ("p3", "abc")


def test_a_scorm_12_score_is_scaled_within_its_range():
    state = runtime.read_state({"core": {"score": {"raw": "15", "min": "0", "max": "20"}}}, "1.2")

    assert state.score_scaled == 0.75
    assert runtime.read_state({"core": {"score": {"raw": "40"}}}, "1.2").score_scaled == 0.4
    assert runtime.read_state({"core": {"score": {"raw": "abc"}}}, "1.2").score_raw is None


@pytest.fixture
def setup():
    course = factories.course(is_open=True, has_certificate=False)
    module = factories.module(course)
    package = scorm_archives.scorm_package(scos=[("a", "Un")])
    lesson = scorm_archives.scorm_lesson(module, package, estimated_minutes=30)
    enrolment = CourseEnrolmentFactory(course=course)
    return course, lesson, package.scos.get(), enrolment


def cmi_12(status="incomplete", session_time="0000:01:00.00", **core):
    return {"core": {"lesson_status": status, "session_time": session_time, **core}}


def test_a_retried_commit_changes_nothing_and_the_session_time_counts_once(setup):
    _course, lesson, sco, enrolment = setup

    first = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s1", sequence=1, cmi=cmi_12()
    )
    later = services.record_commit(
        enrolment=enrolment,
        lesson=lesson,
        sco=sco,
        session_key="s1",
        sequence=2,
        cmi=cmi_12(session_time="0000:03:00"),
    )
    retry = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s1", sequence=1, cmi=cmi_12()
    )

    assert first.is_applied and later.is_applied and not retry.is_applied
    attempt = ScormAttempt.objects.get()
    assert attempt.total_seconds == 180
    assert attempt.sequence == 2


def test_each_session_adds_its_time_and_a_late_retry_of_an_old_session_is_ignored(setup):
    _course, lesson, sco, enrolment = setup
    commit = lambda key, sequence, time: services.record_commit(  # noqa: E731
        enrolment=enrolment,
        lesson=lesson,
        sco=sco,
        session_key=key,
        sequence=sequence,
        cmi=cmi_12(session_time=time),
    )

    commit("s1", 1, "0000:02:00")
    commit("s2", 1, "0000:05:00")
    stale = commit("s1", 9, "0000:09:00")

    assert not stale.is_applied
    attempt = ScormAttempt.objects.get()
    assert (attempt.previous_seconds, attempt.session_seconds, attempt.total_seconds) == (120, 300, 420)


def test_a_session_time_beyond_the_cap_counts_for_the_cap(setup, settings):
    _course, lesson, sco, enrolment = setup
    settings.ESSAIM_SCORM_SESSION_CAP_HOURS = 1

    services.record_commit(
        enrolment=enrolment,
        lesson=lesson,
        sco=sco,
        session_key="s",
        sequence=1,
        cmi=cmi_12(session_time="0099:00:00"),
    )

    assert ScormAttempt.objects.get().total_seconds == 3600


def test_passing_completes_the_lesson_then_the_course_with_the_scorm_time(setup):
    course, lesson, sco, enrolment = setup

    result = services.record_commit(
        enrolment=enrolment,
        lesson=lesson,
        sco=sco,
        session_key="s",
        sequence=1,
        cmi=cmi_12(status="passed", session_time="0000:12:00", score={"raw": "80", "min": "0", "max": "100"}),
    )

    assert result.is_lesson_completed
    assert LessonCompletion.objects.filter(user=enrolment.user, lesson=lesson).exists()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    attempt = result.attempt
    assert (attempt.completion_status, attempt.success_status, attempt.score_scaled) == (
        "completed",
        "passed",
        0.8,
    )
    # The module's 12 minutes, not the lesson's 30-minute estimate, and not both.
    assert lms_selectors.realised_minutes(enrolment.user, course) == 12


def test_a_completed_lesson_without_reported_time_counts_its_estimate(setup):
    course, lesson, sco, enrolment = setup

    services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s", sequence=1, cmi=cmi_12("completed", "")
    )

    assert lms_selectors.realised_minutes(enrolment.user, course) == 30


def test_failing_or_missing_the_mastery_score_leaves_the_lesson_open():
    course = factories.course(is_open=True)
    module = factories.module(course)
    package = scorm_archives.scorm_package(scos=[("a", "Un")], mastery_score=Decimal("80"))
    lesson = scorm_archives.scorm_lesson(module, package)
    sco = package.scos.get()
    enrolment = CourseEnrolmentFactory(course=course)

    failed = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s", sequence=1, cmi=cmi_12("failed")
    )
    assert not failed.is_lesson_completed
    completed_only = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s", sequence=2, cmi=cmi_12("completed")
    )
    assert not completed_only.is_lesson_completed
    passed = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=sco, session_key="s", sequence=3, cmi=cmi_12("passed")
    )
    assert passed.is_lesson_completed


def test_a_multi_sco_lesson_completes_when_every_sco_is_done_and_2004_success_stays_apart():
    course = factories.course(is_open=True)
    module = factories.module(course)
    package = scorm_archives.scorm_package(version="2004", scos=[("a", "Un"), ("b", "Deux")])
    lesson = scorm_archives.scorm_lesson(module, package)
    first, second = package.scos.all()
    enrolment = CourseEnrolmentFactory(course=course)
    done = {"completion_status": "completed", "success_status": "unknown", "session_time": "PT1M"}

    one = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=first, session_key="s", sequence=1, cmi=done
    )
    assert not one.is_lesson_completed
    failed = {**done, "success_status": "failed"}
    two = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=second, session_key="t", sequence=1, cmi=failed
    )
    assert two.attempt.completion_status == "completed" and two.attempt.success_status == "failed"
    assert not two.is_lesson_completed
    passed = {**done, "success_status": "passed"}
    three = services.record_commit(
        enrolment=enrolment, lesson=lesson, sco=second, session_key="t", sequence=2, cmi=passed
    )
    assert three.is_lesson_completed


def test_resume_hands_back_the_location_suspend_data_and_total_time(setup):
    _course, lesson, sco, enrolment = setup
    services.record_commit(
        enrolment=enrolment,
        lesson=lesson,
        sco=sco,
        session_key="s",
        sequence=1,
        cmi={
            "core": {"lesson_status": "incomplete", "lesson_location": "2", "session_time": "0000:02:05"},
            "suspend_data": "page=2",
        },
    )
    attempt = ScormAttempt.objects.get()

    cmi = selectors.launch_cmi(user=enrolment.user, sco=sco, version="1.2", attempt=attempt)

    assert cmi["cmi"]["core"]["entry"] == "resume"
    assert cmi["cmi"]["core"]["lesson_location"] == "2"
    assert cmi["cmi"]["core"]["lesson_status"] == "incomplete"
    assert cmi["cmi"]["core"]["total_time"] == "0000:02:05"
    assert cmi["cmi"]["suspend_data"] == "page=2"
    fresh = selectors.launch_cmi(user=enrolment.user, sco=sco, version="2004", attempt=None)
    assert fresh["cmi"]["entry"] == "ab-initio"
    assert fresh["cmi"]["total_time"] == "PT0S"


# --- Through HTTP ---------------------------------------------------------------------------------


def player_data(client, lesson):
    response = client.get(lesson.url)
    assert response.status_code == 200
    return response.context["scorm_player"]


def post_commit(client, payload):
    return client.post(reverse("lms:scorm_commit"), json.dumps(payload), content_type="text/plain")


def test_the_lesson_page_launches_the_player_and_the_learner_commits_and_resumes(client, setup):
    _course, lesson, _sco, enrolment = setup
    client.force_login(enrolment.user)

    data = player_data(client, lesson)
    assert data["version"] == "1.2"
    [entry] = data["scos"]
    assert entry["url"] == f"/learn/scorm/content/{lesson.pk}/sco-1/index.html"
    payload = {
        "token": entry["token"],
        "session": "abc",
        "sequence": 1,
        "cmi": cmi_12("passed", "0000:04:00", lesson_location="2", score={"raw": "90"}),
    }

    response = post_commit(client, payload)
    again = post_commit(client, payload)

    assert response.status_code == 200
    assert response.json() | {"applied": True} == {
        "result": True,
        "errorCode": 0,
        "applied": True,
        "completion": "completed",
        "success": "passed",
        "score": 0.9,
        "seconds": 240,
        "lessonCompleted": True,
    }
    assert again.json()["applied"] is False
    assert ScormAttempt.objects.get().total_seconds == 240
    page = client.get(lesson.url)
    assert "Lesson completed" in page.content.decode()
    resumed = page.context["scorm_player"]["scos"][0]
    assert resumed["cmi"]["cmi"]["core"]["lesson_location"] == "2"
    assert resumed["completion"] == "completed"


def test_another_learners_token_or_a_learner_not_enrolled_gets_404(client, setup):
    _course, lesson, sco, enrolment = setup
    client.force_login(enrolment.user)
    token = player_data(client, lesson)["scos"][0]["token"]
    payload = {"token": token, "session": "x", "sequence": 1, "cmi": cmi_12()}

    other = CourseEnrolmentFactory(course=enrolment.course).user
    client.force_login(other)
    assert post_commit(client, payload).status_code == 404

    stranger = UserFactory()
    client.force_login(stranger)
    forged = views.launch_token(user=stranger, lesson=lesson, sco=sco)
    assert post_commit(client, {**payload, "token": forged}).status_code == 404
    assert client.get(reverse("lms:scorm_content", args=[lesson.pk, "sco-1/index.html"])).status_code == 404
    assert not ScormAttempt.objects.exists()


def test_bad_tokens_and_payloads_are_refused(client, setup):
    _course, lesson, _sco, enrolment = setup
    client.force_login(enrolment.user)
    token = player_data(client, lesson)["scos"][0]["token"]

    assert (
        post_commit(client, {"token": token + "x", "session": "x", "sequence": 1, "cmi": {}}).status_code
        == 400
    )
    assert (
        post_commit(client, {"token": token, "session": "x", "sequence": "a", "cmi": {}}).status_code == 400
    )
    assert (
        client.post(reverse("lms:scorm_commit"), "{not json", content_type="application/json").status_code
        == 400
    )
    cross_site = client.post(
        reverse("lms:scorm_commit"),
        json.dumps({"token": token, "session": "x", "sequence": 1, "cmi": {}}),
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
    )
    assert cross_site.status_code == 403
    client.logout()
    assert post_commit(client, {"token": token, "session": "x", "sequence": 1, "cmi": {}}).status_code == 403
    assert not ScormAttempt.objects.exists()


def test_the_content_is_served_in_a_sandbox_to_enrolled_learners_only(client, setup):
    _course, lesson, _sco, enrolment = setup
    url = reverse("lms:scorm_content", args=[lesson.pk, "sco-1/index.html"])

    assert client.get(url).status_code == 404  # anonymous
    client.force_login(enrolment.user)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "sandbox allow-scripts allow-same-origin allow-forms" in policy
    assert "frame-ancestors 'self'" in policy
    script = client.get(reverse("lms:scorm_content", args=[lesson.pk, "sco.js"]))
    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    for path in ["../../../etc/passwd", "sco-1/../../imsmanifest.xml", "missing.html", "sco-1"]:
        assert client.get(f"/learn/scorm/content/{lesson.pk}/{path}").status_code == 404


def test_editors_preview_the_player_untracked(client, roles, setup):
    _course, lesson, _sco, _enrolment = setup
    client.force_login(UserFactory(role="fabrique"))

    data = player_data(client, lesson)

    assert data["commitUrl"] == ""
    assert data["scos"][0]["token"] == ""
    assert client.get(reverse("lms:scorm_content", args=[lesson.pk, "sco-1/index.html"])).status_code == 200


def test_the_lesson_page_queries_stay_flat_with_the_number_of_scos(client):
    course = factories.course(is_open=True)
    module = factories.module(course)
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    def measure(count):
        package = scorm_archives.scorm_package(scos=[(f"s{n}", f"SCO {n}") for n in range(count)])
        lesson = scorm_archives.scorm_lesson(module, package)
        for sco in package.scos.all():
            ScormAttempt.objects.create(user=enrolment.user, lesson=lesson, sco=sco)
        client.get(lesson.url)  # first visit writes "last lesson"
        with CaptureQueriesContext(connection) as queries:
            assert len(player_data(client, lesson)["scos"]) == count
        return len(queries)

    assert measure(5) == measure(50)


def test_the_export_selector_is_flat_and_filtered_by_course_and_learner(setup, django_assert_num_queries):
    course, lesson, sco, _enrolment = setup
    other_course = factories.course(is_open=True)
    for _ in range(5):
        learner = CourseEnrolmentFactory(course=course)
        ScormAttempt.objects.create(user=learner.user, lesson=lesson, sco=sco)
    with django_assert_num_queries(1):
        few = [
            (a.user.pk, a.sco.package.version, a.lesson.title)
            for a in selectors.attempts_for_export(course=course)
        ]
    for _ in range(45):
        learner = CourseEnrolmentFactory(course=course)
        ScormAttempt.objects.create(user=learner.user, lesson=lesson, sco=sco)
    with django_assert_num_queries(1):
        many = [
            (a.user.pk, a.sco.package.version, a.lesson.title)
            for a in selectors.attempts_for_export(course=course)
        ]

    assert (len(few), len(many)) == (5, 50)
    assert not selectors.attempts_for_export(course=other_course).exists()
    assert selectors.attempts_for_export(user=learner.user).count() == 1


def test_the_preview_of_a_lesson_not_saved_yet_has_no_player(rf, setup):
    _course, lesson, _sco, enrolment = setup
    request = rf.get("/")
    request.user = enrolment.user
    draft = LessonPage(title="Brouillon", scorm_package=lesson.scorm_package)

    assert views.player_context(request, draft, None) == {}
    assert views.player_context(request, lesson, enrolment)["scos"]


def test_commits_are_throttled_per_learner_not_per_address(client, settings, setup):
    _course, lesson, _sco, enrolment = setup
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "scorm_commit": "2/h",
        },
    }
    client.force_login(enrolment.user)
    token = player_data(client, lesson)["scos"][0]["token"]

    answers = [
        post_commit(client, {"token": token, "session": "x", "sequence": n, "cmi": cmi_12()}).status_code
        for n in (1, 2, 3)
    ]

    assert answers == [200, 200, 429]
    classmate = CourseEnrolmentFactory(course=enrolment.course).user
    client.force_login(classmate)
    other_token = player_data(client, lesson)["scos"][0]["token"]
    assert (
        post_commit(
            client, {"token": other_token, "session": "y", "sequence": 1, "cmi": cmi_12()}
        ).status_code
        == 200
    )


def test_a_lesson_taken_offline_records_nothing_more(client, setup):
    _course, lesson, _sco, enrolment = setup
    client.force_login(enrolment.user)
    token = player_data(client, lesson)["scos"][0]["token"]
    lesson.unpublish()

    response = post_commit(client, {"token": token, "session": "x", "sequence": 1, "cmi": cmi_12()})

    assert response.status_code == 404
    assert not ScormAttempt.objects.exists()
