"""Front-office spaces: coordinator dashboard, facilitator cohort pages and attendance, partner page."""

import datetime
import re

from django.conf import settings

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from programmes.choices import AttendanceStatus, EnrolmentStatus, ExitReason
from programmes.models import Attendance, AuditEntry, Enrolment, Session
from programmes.roles import Role
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    ConsentFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    GuardianFactory,
    PartnerContactFactory,
    PartnershipFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English source strings, whatever the French catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory(regions=[region("52")]).user


@pytest.fixture
def nantes():
    return CohortFactory(name="CJS Nantes", department=department("44"))


@pytest.fixture
def facilitator(nantes):
    return FacilitatorAssignmentFactory(cohort=nantes).user


def absent_three_times(enrolment):
    for day in (2, 3, 4):
        session = SessionFactory(cohort=enrolment.cohort, date=datetime.date(2018, 7, day))
        AttendanceFactory(session=session, enrolment=enrolment, status=AttendanceStatus.UNEXCUSED)


# --- Role checks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.COORDINATOR, "/coordinate/", 200),
        (Role.FABRIQUE, "/coordinate/", 200),
        (Role.FACILITATOR, "/coordinate/", 403),
        (Role.PARTNER, "/coordinate/", 403),
        (Role.FACILITATOR, "/facilitate/", 200),
        (Role.COORDINATOR, "/facilitate/", 200),
        (Role.FABRIQUE, "/facilitate/", 200),
        (Role.PARTNER, "/facilitate/", 403),
        (Role.LEARNER, "/facilitate/", 403),
        (Role.PARTNER, "/partner/", 200),
        (Role.FACILITATOR, "/partner/", 403),
    ],
)
def test_each_space_renders_for_its_roles_only(client, role, url, status):
    client.force_login(UserFactory(role=role))

    response = client.get(url)

    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_the_login_page(client, nantes):
    response = client.get(f"/facilitate/cohorts/{nantes.pk}/")

    assertRedirects(
        response, f"/accounts/login/?next=/facilitate/cohorts/{nantes.pk}/", fetch_redirect_response=False
    )


# --- Coordinator dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_the_cohorts_of_the_scope_with_their_figures(client, coordinator, nantes):
    EnrolmentFactory.create_batch(3, cohort=nantes)
    EnrolmentFactory(cohort=nantes, withdrawn=True)
    EnrolmentFactory(cohort=nantes, applied=True)
    PartnershipFactory(cohort=nantes)
    session = SessionFactory(cohort=nantes)
    member = nantes.enrolments.filter(status=EnrolmentStatus.ACTIVE).first()
    AttendanceFactory(session=session, enrolment=member, status=AttendanceStatus.PRESENT)
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(coordinator)

    response = client.get("/coordinate/")

    assertContains(response, "CJS Nantes")
    assertNotContains(response, "CJS Bordeaux")
    row = response.context["rows"][0]
    assert (row.members, row.retained, row.partners) == (4, 3, 1)
    assert row.retention == 0.75
    assert row.attendance_rate == 1.0
    assertContains(response, "75%")
    assert response["Cache-Control"].count("no-store") == 1
    assertContains(response, 'href="/coordinate/import/"')


def test_the_dashboard_shows_key_figures_of_the_edition(client, coordinator, nantes):
    EnrolmentFactory.create_batch(2, cohort=nantes)
    client.force_login(coordinator)

    response = client.get("/coordinate/")

    figures = dict(response.context["key_figures"])
    assert figures["Cohorts"] == "1"
    assert figures["Participants"] == "2"


def test_the_dashboard_defaults_to_the_latest_edition_and_can_show_another(client, coordinator, nantes):
    CohortFactory(name="CJS Rezé 2017", edition=EditionFactory(year=2017), department=department("44"))
    client.force_login(coordinator)

    latest = client.get("/coordinate/")
    earlier = client.get("/coordinate/?programme=cjs&year=2017")

    assert latest.context["scope"].year == 2018
    assertContains(latest, "CJS Nantes")
    assertNotContains(latest, "CJS Rezé 2017")
    assertContains(earlier, "CJS Rezé 2017")
    assertNotContains(earlier, "CJS Nantes")


def test_the_region_filter_narrows_the_national_view(client, nantes):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(UserFactory(role=Role.FABRIQUE))

    everywhere = client.get("/coordinate/?programme=cjs&year=2018")
    loire = client.get("/coordinate/?programme=cjs&year=2018&region=52")

    assert {row.cohort.name for row in everywhere.context["rows"]} == {"CJS Nantes", "CJS Bordeaux"}
    assert [row.cohort.name for row in loire.context["rows"]] == ["CJS Nantes"]


def test_unknown_filter_values_fall_back_to_the_defaults(client, coordinator, nantes):
    client.force_login(coordinator)

    response = client.get("/coordinate/?programme=nope&year=abc&region=93")

    scope = response.context["scope"]
    assert (scope.programme.slug, scope.year, scope.region) == ("cjs", 2018, None)
    assertContains(response, "CJS Nantes")


def test_the_dashboard_flags_a_minor_without_guardian_and_a_member_absent_three_times(
    client, coordinator, nantes
):
    EnrolmentFactory(cohort=nantes, person=PersonFactory(minor=True))
    covered = PersonFactory(minor=True)
    GuardianFactory(person=covered)
    ConsentFactory(person=covered)
    EnrolmentFactory(cohort=nantes, person=covered)
    absent_three_times(EnrolmentFactory(cohort=nantes))
    client.force_login(coordinator)

    response = client.get("/coordinate/")

    alerts = response.context["rows"][0].alerts
    assert (alerts.minors_without_guardian, alerts.absence_streaks) == (1, 1)
    assertContains(response, "1 minor without guardian contact or authorisation")
    assertContains(response, "1 member absent 3 sessions in a row")


def test_an_absence_streak_broken_by_a_presence_raises_no_alert(client, coordinator, nantes):
    member = EnrolmentFactory(cohort=nantes)
    absent_three_times(member)
    AttendanceFactory(session=SessionFactory(cohort=nantes, date=datetime.date(2018, 7, 5)), enrolment=member)
    client.force_login(coordinator)

    response = client.get("/coordinate/")

    assert response.context["rows"][0].alerts.absence_streaks == 0


def test_the_chart_is_inline_svg_with_a_text_alternative(client, coordinator, nantes):
    EnrolmentFactory.create_batch(2, cohort=nantes)
    client.force_login(coordinator)

    response = client.get("/coordinate/")

    assertContains(response, 'role="img"')
    assertContains(response, '<desc id="chart-desc">CJS Nantes: 2 members</desc>', html=False)


def test_a_coordinator_without_cohorts_sees_an_empty_state(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))

    response = client.get("/coordinate/")

    assertContains(response, "No cohort in your scope yet.")


def seed_cohorts(count, scope_department):
    for index in range(count):
        cohort = CohortFactory(name=f"CJS {index:03}", department=scope_department)
        first, _second = EnrolmentFactory.create_batch(2, cohort=cohort)
        EnrolmentFactory(cohort=cohort, person=PersonFactory(minor=True))
        PartnershipFactory(cohort=cohort)
        AttendanceFactory(session=SessionFactory(cohort=cohort), enrolment=first)


@pytest.mark.parametrize("count", [5, 50])
def test_the_dashboard_runs_a_flat_number_of_queries(
    client, coordinator, django_assert_max_num_queries, count
):
    seed_cohorts(count, department("44"))
    client.force_login(coordinator)

    with django_assert_max_num_queries(18):
        response = client.get("/coordinate/")

    assert len(response.context["rows"]) == count


# --- Facilitator space --------------------------------------------------------------------------------


def test_a_facilitator_sees_their_cohorts_as_cards(client, facilitator):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(facilitator)

    response = client.get("/facilitate/")

    assertContains(response, "CJS Nantes")
    assertNotContains(response, "CJS Bordeaux")


def test_the_cohort_page_lists_members_sessions_and_partners_and_is_audited(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, person=PersonFactory(last_name="Durand"))
    SessionFactory(cohort=nantes, title="Chantier peinture")
    PartnershipFactory(cohort=nantes, organisation__name="Mairie de Nantes")
    client.force_login(facilitator)

    response = client.get(f"/facilitate/cohorts/{nantes.pk}/")

    assertContains(response, "Durand")
    assertContains(response, "Chantier peinture")
    assertContains(response, "Mairie de Nantes")
    assertContains(response, f'action="/facilitate/enrolments/{member.pk}/status/"')
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="cohort.members.view")
    assert (entry.actor, entry.target_id) == (facilitator, str(nantes.pk))


def test_the_cohort_page_offers_only_the_statuses_that_may_follow(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, status=EnrolmentStatus.ENROLLED)
    client.force_login(facilitator)

    response = client.get(f"/facilitate/cohorts/{nantes.pk}/")

    select = re.search(
        rf'<select name="enrolment-{member.pk}-status".*?</select>', response.content.decode(), re.DOTALL
    )
    assert select is not None
    offered = set(re.findall(r'<option value="([^"]*)"', select.group(0))) - {""}
    assert offered == {EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EXCLUDED}


def test_the_cohort_page_shows_member_alerts(client, facilitator, nantes):
    EnrolmentFactory(cohort=nantes, person=PersonFactory(minor=True))
    absent_three_times(EnrolmentFactory(cohort=nantes))
    client.force_login(facilitator)

    response = client.get(f"/facilitate/cohorts/{nantes.pk}/")

    assertContains(response, "A minor needs the guardian&#x27;s authorisation, with its date.")
    assertContains(response, "Absent at the last 3 sessions")


def test_a_facilitator_gets_404_on_another_cohort(client, facilitator):
    other = CohortFactory(name="CJS Bordeaux", department=department("33"))
    session = SessionFactory(cohort=other)
    member = EnrolmentFactory(cohort=other)
    client.force_login(facilitator)

    assert client.get(f"/facilitate/cohorts/{other.pk}/").status_code == 404
    assert client.get(f"/facilitate/sessions/{session.pk}/attendance/").status_code == 404
    assert client.post(f"/facilitate/sessions/{session.pk}/attendance/", {}).status_code == 404
    assert client.post(f"/facilitate/cohorts/{other.pk}/sessions/", {}).status_code == 404
    assert (
        client.post(
            f"/facilitate/enrolments/{member.pk}/status/", {f"enrolment-{member.pk}-status": "completed"}
        )
    ).status_code == 404
    assert not AuditEntry.objects.filter(action="cohort.members.view").exists()


def test_a_coordinator_opens_the_cohort_pages_of_their_scope(client, coordinator, nantes):
    client.force_login(coordinator)

    assert client.get(f"/facilitate/cohorts/{nantes.pk}/").status_code == 200
    assert (
        client.get(f"/facilitate/cohorts/{CohortFactory(department=department('33')).pk}/").status_code == 404
    )


# --- Attendance sheet ---------------------------------------------------------------------------------


def test_the_attendance_sheet_marks_everyone_present_by_default(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, person=PersonFactory(last_name="Durand"))
    EnrolmentFactory(cohort=nantes, withdrawn=True, person=PersonFactory(last_name="Parti"))
    session = SessionFactory(cohort=nantes)
    client.force_login(facilitator)

    response = client.get(f"/facilitate/sessions/{session.pk}/attendance/")

    assertContains(response, "Durand")
    assertNotContains(response, "Parti")
    assertContains(
        response,
        f'<input type="radio" id="mark-{member.pk}-present" name="mark-{member.pk}" value="present" checked>',
        html=True,
    )
    assert "no-store" in response["Cache-Control"]


def test_the_attendance_sheet_saves_then_updates_the_marks(client, facilitator, nantes):
    first, second = EnrolmentFactory.create_batch(2, cohort=nantes)
    session = SessionFactory(cohort=nantes)
    client.force_login(facilitator)
    url = f"/facilitate/sessions/{session.pk}/attendance/"

    response = client.post(
        url, {f"mark-{first.pk}": "present", f"mark-{second.pk}": "unexcused"}, follow=True
    )

    assertContains(response, "Attendance saved: 1 present, 1 absent.")
    assert dict(session.attendances.values_list("enrolment_id", "status")) == {
        first.pk: "present",
        second.pk: "unexcused",
    }
    assertContains(
        response,
        f'<input type="radio" id="mark-{second.pk}-unexcused" name="mark-{second.pk}" value="unexcused" checked>',
        html=True,
    )

    client.post(url, {f"mark-{first.pk}": "excused", f"mark-{second.pk}": "present"})

    assert Attendance.objects.filter(session=session).count() == 2
    assert dict(session.attendances.values_list("enrolment_id", "status")) == {
        first.pk: "excused",
        second.pk: "present",
    }


def test_the_attendance_sheet_refuses_a_missing_or_unknown_mark(client, facilitator, nantes):
    first, _second = EnrolmentFactory.create_batch(2, cohort=nantes)
    session = SessionFactory(cohort=nantes)
    client.force_login(facilitator)

    response = client.post(f"/facilitate/sessions/{session.pk}/attendance/", {f"mark-{first.pk}": "asleep"})

    assert response.status_code == 200
    assertContains(response, "Attendance was not saved.")
    assertContains(response, f"Choose present, excused or unexcused for {first.person}.")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_the_attendance_sheet_runs_a_flat_number_of_queries(
    client, facilitator, nantes, django_assert_max_num_queries, count
):
    members = EnrolmentFactory.create_batch(count, cohort=nantes)
    session = SessionFactory(cohort=nantes)
    client.force_login(facilitator)
    url = f"/facilitate/sessions/{session.pk}/attendance/"
    marks = {f"mark-{member.pk}": "present" for member in members}

    with django_assert_max_num_queries(10):
        client.get(url)
    with django_assert_max_num_queries(16):
        client.post(url, marks)

    assert session.attendances.count() == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_cohort_page_runs_a_flat_number_of_queries(
    client, facilitator, nantes, django_assert_max_num_queries, count
):
    for member in EnrolmentFactory.create_batch(count, cohort=nantes, person__minor=True):
        GuardianFactory(person=member.person)
    absent_three_times(EnrolmentFactory(cohort=nantes))
    PartnershipFactory.create_batch(3, cohort=nantes)
    client.force_login(facilitator)

    with django_assert_max_num_queries(20):
        response = client.get(f"/facilitate/cohorts/{nantes.pk}/")

    assert len(response.context["members"]) == count + 1


# --- Sessions and statuses ----------------------------------------------------------------------------


def test_a_new_session_leads_to_its_attendance_sheet(client, facilitator, nantes):
    client.force_login(facilitator)

    response = client.post(
        f"/facilitate/cohorts/{nantes.pk}/sessions/",
        {
            "date": "2018-07-09",
            "start_time": "09:00",
            "end_time": "12:30",
            "kind": "training",
            "title": "Devis",
        },
    )

    session = Session.objects.get(cohort=nantes)
    assertRedirects(response, f"/facilitate/sessions/{session.pk}/attendance/")
    assert (session.date, session.kind, session.title) == (datetime.date(2018, 7, 9), "training", "Devis")


def test_a_session_ending_before_it_starts_is_refused(client, facilitator, nantes):
    client.force_login(facilitator)

    response = client.post(
        f"/facilitate/cohorts/{nantes.pk}/sessions/",
        {"date": "2018-07-09", "start_time": "12:00", "end_time": "09:00", "kind": "work"},
    )

    assert response.status_code == 200
    assertContains(response, "The session was not added.")
    assertContains(response, "The session must end after it starts.")
    assert not Session.objects.exists()


def status_url(enrolment):
    return f"/facilitate/enrolments/{enrolment.pk}/status/"


def status_data(enrolment, **values):
    return {f"enrolment-{enrolment.pk}-{key}": value for key, value in values.items()}


def test_a_facilitator_activates_an_enrolled_member(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, status=EnrolmentStatus.ENROLLED)
    client.force_login(facilitator)

    response = client.post(status_url(member), status_data(member, status="active", on="2018-07-03"))

    assertRedirects(
        response, f"/facilitate/cohorts/{nantes.pk}/#member-{member.pk}", fetch_redirect_response=False
    )
    member.refresh_from_db()
    assert (member.status, member.status_date) == (EnrolmentStatus.ACTIVE, datetime.date(2018, 7, 3))
    assert member.status_changes.get().changed_by == facilitator


def test_a_refused_transition_shows_an_error(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, status=EnrolmentStatus.ENROLLED)
    client.force_login(facilitator)

    response = client.post(status_url(member), status_data(member, status="completed"))

    assert response.status_code == 200
    assertContains(response, "This member cannot move to that status.")
    assertContains(response, "error-summary")
    member.refresh_from_db()
    assert member.status == EnrolmentStatus.ENROLLED


def test_withdrawing_without_a_reason_is_refused(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes)
    client.force_login(facilitator)

    response = client.post(status_url(member), status_data(member, status="withdrawn"))

    assertContains(response, "Give the reason why this person left.")
    assertContains(response, f'href="#id_enrolment-{member.pk}-exit_reason"')
    member.refresh_from_db()
    assert member.status == EnrolmentStatus.ACTIVE


def test_withdrawing_with_a_reason_is_recorded(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes)
    client.force_login(facilitator)

    client.post(
        status_url(member),
        status_data(member, status="withdrawn", exit_reason="found_job", exit_note="CDI à la boulangerie"),
    )

    member.refresh_from_db()
    assert (member.status, member.exit_reason, member.exit_note) == (
        EnrolmentStatus.WITHDRAWN,
        ExitReason.FOUND_JOB,
        "CDI à la boulangerie",
    )


def test_the_other_reason_needs_a_note(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes)
    client.force_login(facilitator)

    response = client.post(status_url(member), status_data(member, status="excluded", exit_reason="other"))

    assertContains(response, "Explain the reason in a short note.")
    assert Enrolment.objects.get(pk=member.pk).status == EnrolmentStatus.ACTIVE


def test_enrolling_a_minor_without_guardian_shows_the_rule(client, facilitator, nantes):
    member = EnrolmentFactory(cohort=nantes, applied=True, person=PersonFactory(minor=True))
    client.force_login(facilitator)

    response = client.post(status_url(member), status_data(member, status="enrolled"))

    assertContains(response, "A minor needs a guardian&#x27;s contact (e-mail or phone).")
    assert Enrolment.objects.get(pk=member.pk).status == EnrolmentStatus.APPLIED


# --- Partner space ------------------------------------------------------------------------------------


def test_a_partner_sees_aggregates_of_supported_cohorts_and_never_a_name(client, nantes):
    EnrolmentFactory(cohort=nantes, person=PersonFactory(first_name="Léa", last_name="Tournesol"))
    EnrolmentFactory(cohort=nantes)
    contact = PartnerContactFactory(organisation__name="Fondation Ouest")
    PartnershipFactory(cohort=nantes, organisation=contact.organisation)
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(contact.user)

    response = client.get("/partner/")

    assertContains(response, "CJS Nantes")
    assertContains(response, "Fondation Ouest")
    assertNotContains(response, "CJS Bordeaux")
    assertNotContains(response, "Tournesol")
    assertNotContains(response, "Léa")
    assert response.context["cohorts"][0].members_count == 2


def test_each_member_gets_a_status_form_of_their_own(client, facilitator, nantes):
    """The fields are rendered once per status and given each member's prefix: ids never collide."""
    enrolled = EnrolmentFactory.create_batch(2, cohort=nantes, status=EnrolmentStatus.ENROLLED)
    active = EnrolmentFactory(cohort=nantes, status=EnrolmentStatus.ACTIVE)
    client.force_login(facilitator)

    html = client.get(f"/facilitate/cohorts/{nantes.pk}/").content.decode()

    assert "__prefix__" not in html
    for member in (*enrolled, active):
        assert html.count(f'id="id_enrolment-{member.pk}-status"') == 1
        assert html.count(f'for="id_enrolment-{member.pk}-exit_reason"') == 1
    # An enrolled member may become active; an active one may not become active again.
    enrolled_form = html[html.index(f'id="id_enrolment-{enrolled[0].pk}-status"') :]
    active_form = html[html.index(f'id="id_enrolment-{active.pk}-status"') :]
    assert f'value="{EnrolmentStatus.ACTIVE}"' in enrolled_form[: enrolled_form.index("</select>")]
    assert f'value="{EnrolmentStatus.ACTIVE}"' not in active_form[: active_form.index("</select>")]


def test_a_status_change_posted_from_a_shared_rendering_reaches_its_member(client, facilitator, nantes):
    first, second = EnrolmentFactory.create_batch(2, cohort=nantes, status=EnrolmentStatus.ENROLLED)
    client.force_login(facilitator)
    client.get(f"/facilitate/cohorts/{nantes.pk}/")

    client.post(f"/facilitate/enrolments/{second.pk}/status/", {f"enrolment-{second.pk}-status": "active"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE)
