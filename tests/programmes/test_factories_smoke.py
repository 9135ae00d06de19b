import pytest

from tests.programmes.factories import AttendanceFactory, CoordinatorScopeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_factories_build_a_consistent_graph():
    attendance = AttendanceFactory()
    scope = CoordinatorScopeFactory()
    partnership = PartnershipFactory()

    assert attendance.enrolment.cohort == attendance.session.cohort
    assert scope.regions.count() == 1
    assert partnership.cohort.host is not None
