import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Boîte d'envoi: a Celery task to send, written in the transaction of the change that asks for it.

    A row is published to the broker after commit; if the broker is unreachable it stays pending and
    the sweep (beat, or the `outbox_sweep` command) publishes it later. A worker records when the task
    is done; one published long ago and never done (the broker lost it) is published again, a few times
    at most. Rows are deleted a week after publication: their arguments may hold e-mail addresses and
    bodies."""

    # High-volume rows that no page links to: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    task_id = models.UUIDField(_("task id"), default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    completed_at = models.DateTimeField(
        _("completed at"), null=True, blank=True, help_text=_("When a worker finished the task.")
    )
    publications = models.PositiveIntegerField(_("publications"), default=0)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep reads pending rows by age; sent rows (almost all of them) stay out of the index.
            models.Index(
                fields=["available_at"], name="outbox_pending", condition=models.Q(sent_at__isnull=True)
            ),
            models.Index(fields=["sent_at"], name="outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None
