from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cjs.choices import ClientKind, ServiceRequestStatus, ServiceType
from cjs.models.contracts import Contract
from programmes.models import Cohort


class ServiceRequest(models.Model):
    """Demande de prestation: what a visitor asks a CJS for on its public page, before any quote."""

    Status = ServiceRequestStatus

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="service_requests", verbose_name=_("CJS")
    )
    client_kind = models.CharField(
        _("you are"), max_length=20, choices=ClientKind.choices, default=ClientKind.INDIVIDUAL
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    commune = models.CharField(_("commune"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    service = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    description = models.TextField(_("description"))
    wished_start_date = models.DateField(_("wished from"))
    wished_end_date = models.DateField(_("wished until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceRequestStatus.choices, default=ServiceRequestStatus.NEW
    )
    contract = models.OneToOneField(
        Contract,
        on_delete=models.SET_NULL,
        related_name="service_request",
        verbose_name=_("quote"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["cohort", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(phone=""), name="cjs_request_has_contact"
            ),
            models.CheckConstraint(
                condition=models.Q(wished_end_date__isnull=True)
                | models.Q(wished_end_date__gte=models.F("wished_start_date")),
                name="cjs_request_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="cjs_request_cohort_status")]

    def __str__(self) -> str:
        return f"{self.get_service_display()} · {self.commune} ({self.created_at:%d/%m/%Y})"

    def clean(self) -> None:
        if not self.email and not self.phone:
            raise ValidationError(_("Give an e-mail address or a phone number so the CJS can answer you."))
        if self.wished_start_date and self.wished_end_date and self.wished_end_date < self.wished_start_date:
            raise ValidationError({"wished_end_date": _("The end date cannot be before the start date.")})
