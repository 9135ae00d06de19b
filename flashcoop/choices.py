"""Coded values of the Flashcoop app (ESF categories, exits, follow-ups). Codes are stable contracts:
the ESF export maps them to each indicator set's values (flashcoop/esf.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

REFUSED = "refused"
REFUSED_LABEL = _("Refused to answer")


class EmploymentSituation(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed (12 months or more)")
    INACTIVE = "inactive", _("Inactive (neither working nor looking for work)")
    EMPLOYED = "employed", _("Employed, self-employed included")
    REFUSED = REFUSED, REFUSED_LABEL


class YesNoRefused(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    REFUSED = REFUSED, REFUSED_LABEL


class IscedLevel(models.TextChoices):
    ISCED_0_2 = "isced_0_2", _("Up to lower secondary (ISCED 0-2: no diploma, brevet)")
    ISCED_3_4 = "isced_3_4", _("Upper secondary or post-secondary (ISCED 3-4: CAP, BEP, baccalauréat)")
    ISCED_5_8 = "isced_5_8", _("Higher education (ISCED 5-8: bac +2 and beyond)")
    REFUSED = REFUSED, REFUSED_LABEL


class Referrer(models.TextChoices):
    EMPLOYMENT_AGENCY = "employment_agency", _("Public employment agency (France Travail)")
    LOCAL_YOUTH_MISSION = "local_youth_mission", _("Local youth mission (mission locale)")
    SOCIAL_SERVICES = "social_services", _("Social services")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")
    REFUSED = REFUSED, REFUSED_LABEL


class Situation(models.TextChoices):
    """Where a participant stands at exit and at each follow-up."""

    JOB_SEARCHING = "job_searching", _("Looking for a job")
    EDUCATION_TRAINING = "education_training", _("In education or training")
    EMPLOYMENT = "employment", _("In employment")
    BUSINESS_CREATION = "business_creation", _("Creating a business")
    JOINED_CAE = "joined_cae", _("Joined a business and employment cooperative (CAE)")
    OTHER = "other", _("Other")
    REFUSED = REFUSED, REFUSED_LABEL


class Wave(models.TextChoices):
    M3 = "m3", _("3 months after")
    M6 = "m6", _("6 months after")


# Months after the exit at which each wave is due.
WAVE_MONTHS = {Wave.M3: 3, Wave.M6: 6}


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    REMINDED = "reminded", _("Reminded")
    ANSWERED = "answered", _("Answered")
    UNREACHABLE = "unreachable", _("Unreachable")
    PHONED = "phoned", _("Answered by phone")


# Follow-ups whose answer is known (online or by phone).
ANSWERED_STATUSES = [FollowUpStatus.ANSWERED, FollowUpStatus.PHONED]
# Follow-ups still waiting for an answer.
OPEN_STATUSES = [FollowUpStatus.SCHEDULED, FollowUpStatus.SENT, FollowUpStatus.REMINDED]
