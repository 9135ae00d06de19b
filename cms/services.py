"""Writes of the public site: freezing an impact report when it is published, and its PDF."""

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from wagtail.models import Revision

from cms import tasks
from cms.cache import invalidate_pages
from cms.models import ImpactReportPage, ReportSnapshot
from cms.pdf import report_pdf
from cms.reports import compute_report
from programmes import outbox
from programmes.disclosure import RULES_VERSION


@transaction.atomic
def freeze_report(
    *, page: ImpactReportPage, revision: Revision | None = None, by: Any = None
) -> ReportSnapshot:
    """Compute every number and chart of the report now and store them as its next version.

    Called on each publication (the `page_published` signal, whatever published it: the admin, a
    workflow, a scheduled publication, a script); the PDF follows in a task after commit.
    """
    ImpactReportPage.objects.select_for_update().filter(pk=page.pk).first()
    last = ReportSnapshot.objects.filter(page=page).aggregate(last=Max("number"))["last"] or 0
    content = compute_report(page)
    snapshot = ReportSnapshot(
        page=page,
        number=last + 1,
        revision=revision,
        title=page.title,
        published_at=timezone.now(),
        published_by=by if getattr(by, "is_authenticated", False) else None,
        correction_note=page.correction_note if last else "",
        rules_version=RULES_VERSION,
        content=content,
    )
    snapshot.full_clean(exclude=["pdf"])
    snapshot.save()
    snapshot_id = snapshot.pk
    transaction.on_commit(invalidate_pages)
    outbox.enqueue(tasks.render_report_pdf, snapshot_id)
    return snapshot


def report_pdf_file(snapshot: ReportSnapshot) -> FieldFile:
    """The PDF of a published version: rendered once from the frozen content, then always the same file."""
    if snapshot.pdf:
        existing: FieldFile = snapshot.pdf
        return existing
    with transaction.atomic():
        locked = ReportSnapshot.objects.select_for_update().select_related("page").get(pk=snapshot.pk)
        if not locked.pdf:
            pdf = report_pdf(locked.content, context={"snapshot": locked})
            locked.pdf.save(locked.filename("pdf"), ContentFile(pdf), save=False)
            locked.save(update_fields=["pdf"])
    rendered: FieldFile = locked.pdf
    snapshot.pdf = rendered
    return rendered
