from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import Cohort


class FlashcoopPlan(models.Model):
    """Programme de la Flashcoop: the theme and place of one Flashcoop cohort."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="flashcoop_plan", verbose_name=_("cohort")
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where the participants meet each day.")
    )

    class Meta:
        verbose_name = _("Flashcoop plan")
        verbose_name_plural = _("Flashcoop plans")
        ordering = ["cohort"]

    def __str__(self) -> str:
        return str(self.cohort)


class AgendaItem(models.Model):
    """Activité du déroulé: one time slot of a Flashcoop day, with who leads it."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("cohort")
    )
    date = models.DateField(_("day"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    led_by = models.CharField(
        _("led by"), max_length=200, blank=True, help_text=_("A facilitator, a mentor or an organisation.")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["cohort", "date", "start_time", "pk"]
        indexes = [models.Index(fields=["cohort", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="agenda_item_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.start_time:%H:%M} · {self.title}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The activity must end after it starts.")})
        cohort = self.cohort if self.cohort_id else None
        if (
            cohort
            and self.date
            and cohort.start_date
            and cohort.end_date
            and not cohort.start_date <= self.date <= cohort.end_date
        ):
            raise ValidationError({"date": _("This day is outside the Flashcoop's dates.")})


class Production(models.Model):
    """Production de la coopérative éphémère: what it made or sold during its days."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="flashcoop_productions", verbose_name=_("cohort")
    )
    label = models.CharField(_("what"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    amount_eur = models.DecimalField(
        _("amount sold (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("production")
        verbose_name_plural = _("productions")
        ordering = ["cohort", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_eur__isnull=True) | models.Q(amount_eur__gte=0),
                name="production_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.label
