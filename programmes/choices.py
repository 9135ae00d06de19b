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


# --- Evaluation (questionnaires, campaigns, responses) -------------------------------------------------


class ItemKind(models.TextChoices):
    """The kinds of questionnaire items; the codes are those of the questionnaire JSON format."""

    LIKERT = "likert", _("Likert scale")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    YESNO = "yesno", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")
    RANKING = "ranking", _("Ranking")


# Item kinds whose options are listed in the questionnaire (a yes/no item has the fixed codes yes and no).
KINDS_WITH_OPTIONS = {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.MULTIPLE, ItemKind.RANKING}
YES, NO = "yes", "no"
# The code of the "no opinion" answer (ne se prononce pas): never an option code.
NO_OPINION = "nsp"


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SurveySubject(models.TextChoices):
    """Who answers: people (the disclosure threshold holds) or organisations (it may be lowered)."""

    PEOPLE = "people", _("People")
    ORGANISATIONS = "organisations", _("Organisations")


class Wave(models.TextChoices):
    """Vague de questionnaire: entry, exit, three and six months after the end."""

    T0 = "T0", _("Entry (T0)")
    T1 = "T1", _("Exit (T1)")
    M3 = "M3", _("3 months after (M3)")
    M6 = "M6", _("6 months after (M6)")


class ResponseSource(models.TextChoices):
    LINK = "link", _("Personal link")
    ACCOUNT = "account", _("Logged in")
    IMPORT = "import", _("Imported")
