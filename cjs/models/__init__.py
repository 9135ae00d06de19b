"""Models of the CJS app. They hang off programmes' cohorts and enrolments; programmes never imports them."""

from cjs.models.clients import Client
from cjs.models.contracts import Contract, WorkLog
from cjs.models.finances import DistributionShare, Expense, SurplusDistribution
from cjs.models.invoicing import HostLegalDetails, InvoiceSequence

__all__ = [
    "Client",
    "Contract",
    "DistributionShare",
    "Expense",
    "HostLegalDetails",
    "InvoiceSequence",
    "SurplusDistribution",
    "WorkLog",
]
