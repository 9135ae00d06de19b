import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.choices import ConsentKind, EducationLevel, EmploymentStatus, Gender

ADULT_AGE = 18


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Age in whole years on a day (a person born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Person(models.Model):
    """Participant·e (jeune, coopérant·e, stagiaire): personal data protected by the access policy."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNDISCLOSED)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_qpv_resident = models.BooleanField(_("lives in a priority neighbourhood (QPV)"), null=True, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    employment_status = models.CharField(
        _("employment status"), max_length=24, choices=EmploymentStatus.choices, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("user account"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by the erasure service (programmes.privacy): the row stays so that statistics keep counting it.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name", "birth_date"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_minor_on(self, day: datetime.date) -> bool:
        return self.birth_date is not None and age_on(self.birth_date, day) < ADULT_AGE

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Guardian(models.Model):
    """Représentant·e légal·e of a minor: who to call and who authorises."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone)


class Consent(models.Model):
    """Consentement: dated, and withdrawable without deleting the record of it."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ConsentKind.choices)
    given_by = models.CharField(_("given by"), max_length=200, blank=True)
    given_date = models.DateField(_("given on"))
    withdrawn_date = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.given_date:%d/%m/%Y}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_date is None
