"""Asynchronous entry points of the training app. Each one is safe to run twice."""

from celery import shared_task

from lms import services


@shared_task
def purge_connection_log() -> int:
    """Daily (beat): delete the logins older than the retention setting."""
    return services.purge_connection_log()
