import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cjs.choices import TURNOVER_STATUSES, ContractStatus, ServiceType
from cjs.models.clients import Client
from programmes.models import Cohort, Enrolment, Organisation

Status = ContractStatus

# Which status may follow which: quote → accepted → done → invoiced → paid; cancelled before invoicing.
# An invoiced contract is not cancelled here: that needs a credit note, which the host organisation issues.
TRANSITIONS: dict[str, set[str]] = {
    Status.QUOTE: {Status.ACCEPTED, Status.CANCELLED},
    Status.ACCEPTED: {Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.INVOICED, Status.CANCELLED},
    Status.INVOICED: {Status.PAID},
    Status.PAID: set(),
    Status.CANCELLED: set(),
}
# The field recording the date each status was reached.
STATUS_DATE_FIELDS: dict[str, str] = {
    Status.QUOTE: "quoted_date",
    Status.ACCEPTED: "accepted_date",
    Status.DONE: "done_date",
    Status.INVOICED: "invoiced_date",
    Status.PAID: "paid_date",
    Status.CANCELLED: "cancelled_date",
}


class ContractQuerySet(models.QuerySet["Contract"]):
    def in_turnover(self) -> "ContractQuerySet":
        """Contracts whose price is turnover: invoiced or paid."""
        return self.filter(status__in=TURNOVER_STATUSES)


class Contract(models.Model):
    """Prestation (contrat): a service a CJS sells to a client, from quote to payment."""

    Status = ContractStatus

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("CJS")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    price = models.DecimalField(
        _("price (€)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Hours worked, for contracts without work logs (imported ones)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=Status.QUOTE
    )
    quoted_date = models.DateField(_("quoted on"), null=True, blank=True)
    accepted_date = models.DateField(_("accepted on"), null=True, blank=True)
    done_date = models.DateField(_("done on"), null=True, blank=True)
    invoiced_date = models.DateField(_("invoiced on"), null=True, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_date = models.DateField(_("cancelled on"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    # The host organisation the invoice was issued by, frozen at invoicing (numbers are unique per issuer).
    invoice_issuer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cjs_invoices",
        verbose_name=_("invoiced by"),
        null=True,
        blank=True,
    )
    invoice_number = models.CharField(_("invoice number"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
        null=True,
        blank=True,
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["cohort", "-start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="cjs_contract_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gte=0),
                name="cjs_contract_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="cjs_contract_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["invoice_issuer", "invoice_number"],
                condition=~models.Q(invoice_number=""),
                name="cjs_contract_unique_invoice_number",
            ),
            models.CheckConstraint(
                condition=models.Q(invoice_number="") | models.Q(invoice_issuer__isnull=False),
                name="cjs_contract_invoice_number_has_issuer",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="cjs_contract_cohort_status")]

    def __str__(self) -> str:
        return f"{self.get_service_display()} · {self.client} ({self.start_date:%d/%m/%Y})"

    def clean(self) -> None:
        if self.client_id and self.cohort_id and self.client.cohort_id != self.cohort_id:
            raise ValidationError({"client": _("This client belongs to another CJS.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def is_in_turnover(self) -> bool:
        return self.status in TURNOVER_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def transition_to(self, status: str, *, on: datetime.date) -> list[str]:
        """Change the status in memory and date the step, refusing what the lifecycle does not allow
        (the service saves); returns the fields changed."""
        if not self.can_move_to(status):
            raise ValidationError(
                _("A contract cannot go from %(current)s to %(new)s.")
                % {"current": self.get_status_display(), "new": ContractStatus(status).label}
            )
        self.status = status
        date_field = STATUS_DATE_FIELDS[status]
        setattr(self, date_field, on)
        return ["status", date_field]


class WorkLog(models.Model):
    """Heures travaillées: the hours a member worked on a contract one day."""

    # High-volume rows that no page links to: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="work_logs", verbose_name=_("contract")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="cjs_work_logs", verbose_name=_("member")
    )
    work_date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["contract", "work_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="cjs_work_log_hours_in_a_day"
            ),
            models.UniqueConstraint(
                fields=["contract", "enrolment", "work_date"], name="cjs_work_log_unique_member_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.work_date} · {self.hours} h"

    def clean(self) -> None:
        if self.hours is not None and not 0 < self.hours <= 24:
            raise ValidationError({"hours": _("Hours worked in a day are more than 0 and at most 24.")})
        if self.contract_id and self.enrolment_id and self.enrolment.cohort_id != self.contract.cohort_id:
            raise ValidationError({"enrolment": _("This person is not a member of the contract's CJS.")})
