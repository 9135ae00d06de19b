"""Asynchronous entry points of the public site. Each one is safe to run twice."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_report_pdf(snapshot_id: int) -> None:
    """Render the PDF of a published report version once (a version that has one is left alone)."""
    from cms.models import ReportSnapshot
    from cms.services import report_pdf_file

    snapshot = ReportSnapshot.objects.select_related("page").filter(pk=snapshot_id).first()
    if snapshot is not None:
        report_pdf_file(snapshot)
