"""Coded values shared by models, imports, API and statistics. Codes are stable contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    CAE = "cae", _("Business and employment cooperative (CAE)")
    ASSOCIATION = "association", _("Association")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")
    COMPANY = "company", _("Company")
    FOUNDATION = "foundation", _("Foundation")
    STATE = "state", _("State service")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PartnershipRole(models.TextChoices):
    HOST = "host", _("Host organisation")
    YOUTH_SPONSOR = "youth_sponsor", _("Youth sponsor")
    ECONOMIC_SPONSOR = "economic_sponsor", _("Economic sponsor")
    MUNICIPALITY = "municipality", _("Municipality")
    FUNDER = "funder", _("Funder")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")
    UNDISCLOSED = "undisclosed", _("Not disclosed")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No qualification")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (collège, CAP in progress)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (lycée, CAP, BEP, baccalauréat)")
    POST_SECONDARY = "post_secondary", _("Two years of higher education (bac +2)")
    HIGHER = "higher", _("Three years of higher education or more (bac +3)")


class EmploymentStatus(models.TextChoices):
    IN_EDUCATION = "in_education", _("In education")
    EMPLOYED = "employed", _("Employed, self-employed included")
    UNEMPLOYED = "unemployed", _("Unemployed")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    INACTIVE = "inactive", _("Inactive")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXCLUDED = "excluded", _("Excluded")


class ExitReason(models.TextChoices):
    FOUND_JOB = "found_job", _("Found a job")
    EDUCATION = "education", _("Went back to education or training")
    MOVED = "moved", _("Moved away")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family reasons")
    LOST_INTEREST = "lost_interest", _("Lost interest")
    SCHEDULE = "schedule", _("Schedule incompatible")
    BEHAVIOUR = "behaviour", _("Behaviour")
    OTHER = "other", _("Other")


class SessionKind(models.TextChoices):
    WORK = "work", _("Work")
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused absence")
    UNEXCUSED = "unexcused", _("Unexcused absence")


class ConsentKind(models.TextChoices):
    GUARDIAN_AUTHORISATION = "guardian_authorisation", _("Guardian's authorisation")
    IMAGE_RIGHTS = "image_rights", _("Image rights")
    DATA_PROCESSING = "data_processing", _("Data processing")


# Statuses of people who actually started the programme (the statistics' "participants").
STARTED_STATUSES = [
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.ACTIVE,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.WITHDRAWN,
    EnrolmentStatus.EXCLUDED,
]
# Past these statuses a minor needs a guardian's contact and authorisation.
STATUSES_NEEDING_GUARDIAN = STARTED_STATUSES
