"""Schemathesis against /api/schema/: generated requests to every documented operation, anonymous and
as a national-team user holding an API token, never get a server error (5xx)."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from programmes.roles import Role
from tests.programmes.factories import EnrolmentFactory, PartnershipFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def in_process_requests():
    """Requests handled in this process keep the test's database connection (and its transaction), as
    Django's test client does: the handler must not close it at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def national_token(roles) -> str:
    """Some data to find, and the token of a user who sees all of it."""
    enrolment = EnrolmentFactory()
    PartnershipFactory(cohort=enrolment.cohort)
    SessionFactory(cohort=enrolment.cohort)
    user = UserFactory(username="national", role=Role.FABRIQUE)
    return Token.objects.create(user=user).key


def test_the_api_never_answers_a_server_error(national_token, in_process_requests):
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []
    statuses: set[int] = set()

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            for headers in ({}, {"Authorization": f"Token {national_token}"}):
                response = case.call(headers=headers)
                statuses.add(response.status_code)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.body!r}: {response.status_code}"
                    )

        run()

    assert not failures, "\n".join(failures[:20])
    # The requests did reach the endpoints: data for the token holder, refusals for the anonymous.
    assert {200, 401} <= statuses or {200, 403} <= statuses
    assert 400 in statuses
