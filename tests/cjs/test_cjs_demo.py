import datetime

from django.core.management import call_command
from django.utils import timezone

import pytest

from cjs import selectors
from cjs.choices import ContractStatus
from cjs.models import Committee, Contract, Decision, Expense, Meeting, SurplusDistribution, Vote, WorkLog
from programmes.models import Cohort

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_2018_cjs_their_season_and_the_facilitators_cjs_contracts_at_every_step():
    call_command("seed_demo", "--quiet", "--force")
    counts = (Contract.objects.count(), WorkLog.objects.count(), Expense.objects.count())
    call_command("seed_demo", "--quiet", "--force")

    assert (Contract.objects.count(), WorkLog.objects.count(), Expense.objects.count()) == counts
    season = Cohort.objects.filter(edition__programme__slug="cjs", edition__year=2018)
    figures = selectors.statistics(season)
    assert figures["turnover_eur"] == "260000.00"
    assert figures["turnover_per_cohort_eur"] == "4814.81"
    assert 15_000 < figures["hours_worked"] < 25_000
    assert SurplusDistribution.objects.filter(cohort__in=season).count() == 54
    for cohort in season:
        assert 2_000 <= selectors.cohort_turnover(cohort) <= 8_000
    invoice_numbers = list(
        Contract.objects.exclude(invoice_number="").values_list("invoice_issuer", "invoice_number")
    )
    assert len(set(invoice_numbers)) == len(invoice_numbers)

    year = timezone.localdate().year
    live = Contract.objects.filter(cohort__edition__year=year, cohort__facilitators__username="animateur")
    assert set(live.values_list("cohort__name", flat=True)) == {
        "CJS Nantes Bellevue",
        "CJS Saint-Nazaire Ville-Ouest",
    }
    assert sorted(live.filter(cohort__name="CJS Nantes Bellevue").values_list("status", flat=True)) == sorted(
        [ContractStatus.QUOTE, ContractStatus.ACCEPTED, ContractStatus.DONE, ContractStatus.INVOICED]
    )
    assert live.get(
        cohort__name="CJS Nantes Bellevue", status=ContractStatus.INVOICED
    ).invoice_number.startswith(f"{year}-")
    assert Expense.objects.filter(cohort__name="CJS Nantes Bellevue", cohort__edition__year=year).count() == 1
    assert all(log.work_date <= timezone.localdate() for log in WorkLog.objects.filter(contract__in=live))
    assert (
        datetime.date(2018, 1, 1)
        < Contract.objects.filter(cohort__in=season).earliest("start_date").start_date
    )


def test_the_demo_facilitators_live_cjs_has_an_assembly_that_voted_and_a_committee():
    call_command("seed_demo", "--quiet", "--force")
    counts = (
        Meeting.objects.count(),
        Decision.objects.count(),
        Vote.objects.count(),
        Committee.objects.count(),
    )
    call_command("seed_demo", "--quiet", "--force")

    assert (
        Meeting.objects.count(),
        Decision.objects.count(),
        Vote.objects.count(),
        Committee.objects.count(),
    ) == counts
    cohort = Cohort.objects.get(name="CJS Nantes Bellevue", edition__year=timezone.localdate().year)
    meeting = Meeting.objects.get(cohort=cohort)
    assert meeting.kind == "assembly" and meeting.meeting_date <= timezone.localdate()
    assert selectors.has_quorum(meeting)
    result = selectors.decision_result(Decision.objects.get(meeting=meeting))
    assert result["is_adopted"] and result["against"] == 1 and result["abstention"] == 1
    committee = Committee.objects.get(cohort=cohort)
    assert committee.members.count() == 3
