"""Asynchronous entry points of the core. Each one is safe to run twice (docs/reliability.md)."""

from typing import Any

from django.core.mail import EmailMultiAlternatives

from celery import shared_task

from programmes import outbox
from programmes.privacy import services as privacy_services


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_email(self: Any, *, subject: str, body: str, to: list[str], html_body: str = "") -> None:
    """Send one rendered e-mail; queued through the outbox so it never leaves for a rolled-back change.

    A second delivery of the same outbox message (published twice, or redelivered after the worker
    died once the mail was out) finds it completed and sends nothing."""
    if outbox.has_completed(self.request.id):
        return
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
    outbox.mark_completed(self.request.id)


@shared_task
def sweep_outbox() -> dict[str, int]:
    """Publish the outbox messages left pending while the broker was unreachable (beat, every minute).
    Concurrent sweeps lock disjoint rows, so running it twice publishes nothing twice."""
    result = outbox.sweep()
    return {"sent": result.sent, "pending": result.pending, "purged": result.purged}


@shared_task
def apply_retention() -> dict[str, int]:
    """Daily (Celery beat): anonymise the personal data past their retention; idempotent."""
    return privacy_services.apply_retention()
