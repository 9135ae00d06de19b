"""Asynchronous entry points of the training app. Each one is safe to run twice."""

from django.db import DatabaseError

from celery import shared_task

from lms import services
from lms.models import CourseEnrolment


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def issue_certificate(enrolment_id: int) -> int | None:
    """Issue the certificate of a completed course: queued after commit by complete_course_if_done().
    Retries and duplicates find the certificate already there: no second row, file or e-mail."""
    enrolment = CourseEnrolment.objects.filter(pk=enrolment_id).first()
    if enrolment is None:  # the enrolment was deleted in the meantime: nothing to certify
        return None
    certificate = services.issue_certificate(enrolment=enrolment)
    return certificate.pk if certificate is not None else None


@shared_task
def purge_connection_log() -> int:
    """Daily (beat): delete the logins older than the retention setting."""
    return services.purge_connection_log()
