from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cjs.choices import DistributionMethod
from programmes.models import Cohort, Enrolment


class Expense(models.Model):
    """Dépense: what a CJS spent (tools, supplies, transport), deducted before the surplus is shared."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("CJS")
    )
    expense_date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["cohort", "-expense_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="cjs_expense_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.amount} €)"


class SurplusDistribution(models.Model):
    """Répartition des excédents (ristourne): the assembly's end-of-season sharing of what the CJS earned.

    The figures are frozen as decided: turnover - expenses - reserve = distributed, and the shares add
    up exactly to the distributed amount."""

    Method = DistributionMethod

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="surplus_distribution", verbose_name=_("CJS")
    )
    decided_date = models.DateField(_("decided on"))
    method = models.CharField(_("method"), max_length=20, choices=DistributionMethod.choices)
    turnover = models.DecimalField(_("turnover (€)"), max_digits=12, decimal_places=2)
    expenses = models.DecimalField(_("expenses (€)"), max_digits=12, decimal_places=2)
    reserve = models.DecimalField(_("reserve (€)"), max_digits=12, decimal_places=2, default=0)
    distributed = models.DecimalField(_("distributed (€)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("surplus distribution")
        verbose_name_plural = _("surplus distributions")
        ordering = ["-decided_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserve__gte=0), name="cjs_distribution_reserve_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(distributed__gte=0), name="cjs_distribution_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    distributed=models.F("turnover") - models.F("expenses") - models.F("reserve")
                ),
                name="cjs_distribution_balances",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.distributed} €"


class DistributionShare(models.Model):
    """Part de ristourne: what one member receives from the surplus distribution."""

    distribution = models.ForeignKey(
        SurplusDistribution, on_delete=models.CASCADE, related_name="shares", verbose_name=_("distribution")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="cjs_distribution_shares", verbose_name=_("member")
    )
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("distribution share")
        verbose_name_plural = _("distribution shares")
        ordering = ["distribution", "-amount", "enrolment_id"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "enrolment"], name="cjs_share_unique_member"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="cjs_share_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.amount} €"
