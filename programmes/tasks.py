"""Asynchronous entry points of the core. Each one is safe to run twice."""

from django.core.mail import EmailMultiAlternatives

from celery import shared_task

from programmes.privacy import services as privacy_services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], html_body: str = "") -> None:
    """Send one rendered e-mail; queued after commit so it never leaves for a rolled-back change."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@shared_task
def apply_retention() -> dict[str, int]:
    """Daily (Celery beat): anonymise the personal data past their retention; idempotent."""
    return privacy_services.apply_retention()
