"""Asynchronous entry points of the Flashcoop app. Each one is safe to run twice."""

from celery import shared_task

from flashcoop import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def run_follow_ups() -> dict[str, int]:
    """The daily follow-up round (beat): create what is due, e-mail links, remind, mark unreachable.
    Every step claims its follow-up with a conditional update, so a retry never e-mails twice."""
    return services.run_follow_ups()
