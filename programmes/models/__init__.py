"""Models of the core. Other apps depend on these; these depend on no other Essaim app."""

from programmes.models.audit import AuditEntry
from programmes.models.cohorts import Cohort, Partnership
from programmes.models.enrolments import Enrolment, EnrolmentStatusChange
from programmes.models.evaluation import (
    Answer,
    Campaign,
    CampaignWave,
    Invitation,
    Item,
    Option,
    Questionnaire,
    Response,
)
from programmes.models.geography import Commune, Department, Region
from programmes.models.organisations import Organisation
from programmes.models.outbox import OutboxMessage
from programmes.models.people import Consent, Guardian, Person
from programmes.models.privacy import PrivacyRequest
from programmes.models.programmes import Edition, Programme
from programmes.models.sessions import Attendance, Session
from programmes.models.staff import CoordinatorScope, FacilitatorAssignment, PartnerContact
from programmes.models.users import User

__all__ = [
    "Answer",
    "Attendance",
    "AuditEntry",
    "Campaign",
    "CampaignWave",
    "Cohort",
    "Commune",
    "Consent",
    "CoordinatorScope",
    "Department",
    "Edition",
    "Enrolment",
    "EnrolmentStatusChange",
    "FacilitatorAssignment",
    "Guardian",
    "Invitation",
    "Item",
    "Option",
    "Organisation",
    "OutboxMessage",
    "PartnerContact",
    "Partnership",
    "Person",
    "PrivacyRequest",
    "Programme",
    "Questionnaire",
    "Region",
    "Response",
    "Session",
    "User",
]
