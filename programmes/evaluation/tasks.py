"""Asynchronous entry points of the evaluation. Each one is safe to run twice."""

from celery import shared_task

from programmes.evaluation import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def run_campaigns() -> dict[str, int]:
    """The daily evaluation round (beat): create the invitations of the open waves, e-mail the links,
    remind once. Every step claims its invitation with a conditional update, so a retry never e-mails twice."""
    return services.run_campaigns()
