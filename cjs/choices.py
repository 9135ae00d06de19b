"""Coded values of the CJS app (stable codes: imports, API and statistics rely on them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    ASSOCIATION = "association", _("Association")
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")


class ServiceType(models.TextChoices):
    GARDENING = "gardening", _("Gardening")
    CLEANING = "cleaning", _("Cleaning")
    PAINTING = "painting", _("Painting and decorating")
    MOVING_HELP = "moving_help", _("Moving help")
    ERRANDS = "errands", _("Errands and deliveries")
    EVENT_HELP = "event_help", _("Event help")
    CAR_WASHING = "car_washing", _("Car washing")
    COMPUTER_HELP = "computer_help", _("Computer help")
    LEAFLETING = "leafleting", _("Leafleting")
    OTHER = "other", _("Other")


class ContractStatus(models.TextChoices):
    QUOTE = "quote", pgettext_lazy("contract status", "Quote")
    ACCEPTED = "accepted", pgettext_lazy("contract status", "Accepted")
    DONE = "done", pgettext_lazy("contract status", "Done")
    INVOICED = "invoiced", pgettext_lazy("contract status", "Invoiced")
    PAID = "paid", pgettext_lazy("contract status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("contract status", "Cancelled")


class DistributionMethod(models.TextChoices):
    BY_HOURS = "by_hours", _("By hours worked")
    EQUAL = "equal", _("Equal shares")


# Contracts whose price counts in the turnover (chiffre d'affaires).
TURNOVER_STATUSES = [ContractStatus.INVOICED, ContractStatus.PAID]


class ServiceRequestStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("service request status", "New")
    QUOTED = "quoted", pgettext_lazy("service request status", "Quoted")
    DECLINED = "declined", pgettext_lazy("service request status", "Declined")


class MeetingKind(models.TextChoices):
    ASSEMBLY = "assembly", _("General assembly")
    COMMITTEE = "committee", _("Committee meeting")


class VoteChoice(models.TextChoices):
    FOR = "for", pgettext_lazy("vote", "For")
    AGAINST = "against", pgettext_lazy("vote", "Against")
    ABSTENTION = "abstention", pgettext_lazy("vote", "Abstention")
