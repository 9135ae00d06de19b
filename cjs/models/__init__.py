"""Models of the CJS app. They hang off programmes' cohorts and enrolments; programmes never imports them."""

from cjs.models.clients import Client
from cjs.models.contracts import Contract, WorkLog
from cjs.models.finances import DistributionShare, Expense, SurplusDistribution
from cjs.models.governance import Committee, Decision, Meeting, Vote
from cjs.models.invoicing import HostLegalDetails, InvoiceSequence
from cjs.models.requests import ServiceRequest

__all__ = [
    "Client",
    "Committee",
    "Contract",
    "Decision",
    "DistributionShare",
    "Expense",
    "HostLegalDetails",
    "InvoiceSequence",
    "Meeting",
    "ServiceRequest",
    "SurplusDistribution",
    "Vote",
    "WorkLog",
]
