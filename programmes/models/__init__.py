"""Models of the core. Other apps depend on these; these depend on no other Essaim app."""

from programmes.models.audit import AuditEntry
from programmes.models.cohorts import Cohort, Partnership
from programmes.models.enrolments import Enrolment, EnrolmentStatusChange
from programmes.models.geography import Commune, Department, Region
from programmes.models.organisations import Organisation
from programmes.models.outbox import OutboxMessage
from programmes.models.people import Consent, Guardian, Person
from programmes.models.programmes import Edition, Programme
from programmes.models.sessions import Attendance, Session
from programmes.models.staff import CoordinatorScope, FacilitatorAssignment, PartnerContact
from programmes.models.users import User

__all__ = [
    "Attendance",
    "AuditEntry",
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
    "Organisation",
    "OutboxMessage",
    "PartnerContact",
    "Partnership",
    "Person",
    "Programme",
    "Region",
    "Session",
    "User",
]
