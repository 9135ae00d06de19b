"""Rapports d'impact: pages composed by editors, each publication frozen as a numbered snapshot.

The public page never reads live data: it shows the latest snapshot, and every earlier version stays at
`versions/<n>/`. A correction is a new publication (a new version with its note); no snapshot changes
once written, except that its PDF file is attached when it has been rendered.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.cache import CachedPageMixin
from cms.models.pages import PublicPageMixin
from cms.report_blocks import ReportStreamBlock


class ImpactReportIndexPage(CachedPageMixin, PublicPageMixin, Page):
    """Rapports d'impact: the published impact reports, newest first."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ImpactReportPage"]
    max_count = 1

    class Meta:
        verbose_name = _("impact report index")
        verbose_name_plural = _("impact report indexes")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        reports = ImpactReportPage.objects.live().public().child_of(self).order_by("-first_published_at")
        latest = {
            snapshot.page_id: snapshot
            for snapshot in ReportSnapshot.objects.filter(page__in=reports).order_by("page_id", "number")
        }
        context["reports"] = [(report, latest.get(report.pk)) for report in reports]
        return context


class ImpactReportPage(PublicPageMixin, RoutablePageMixin, Page):
    """Rapport d'impact: indicators, result tables, paired analyses and charts of a campaign, with the
    methodology. Publishing freezes every number and chart into a new numbered version."""

    intro = models.TextField(_("introduction"), max_length=600)
    methodology = RichTextField(
        _("methodology"),
        features=["h3", "bold", "italic", "link", "ol", "ul"],
        help_text=_("Who answered, when, how the analyses were made, and what they cannot say."),
    )
    body = StreamField(ReportStreamBlock(), verbose_name=_("body"), use_json_field=True)
    correction_note = models.TextField(
        _("correction note"),
        blank=True,
        help_text=_("When republishing: what this version corrects. Shown on the new version."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        HelpPanel(
            content=_(
                "Publishing freezes every number, table and chart: later changes to the data never alter a "
                "published version. Publishing again makes a new version; the earlier ones stay online."
            )
        ),
        FieldPanel("body"),
        FieldPanel("methodology"),
        FieldPanel("correction_note"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.ImpactReportIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")

    def snapshots(self) -> models.QuerySet["ReportSnapshot"]:
        return ReportSnapshot.objects.filter(page=self).order_by("number")

    def _snapshot(self, number: int | None) -> "ReportSnapshot":
        snapshots = self.snapshots()
        snapshot = snapshots.last() if number is None else snapshots.filter(number=number).first()
        if snapshot is None:
            raise Http404
        return snapshot

    def _render_snapshot(self, request: HttpRequest, snapshot: "ReportSnapshot") -> TemplateResponse:
        versions = list(self.snapshots().only("number", "published_at", "correction_note"))
        base = str(self.url or "")
        return self.render(
            request,
            context_overrides={
                "content": snapshot.content,
                "snapshot": snapshot,
                "versions": versions,
                "is_latest": snapshot.number == versions[-1].number,
                "pdf_url": f"{base}{self.reverse_subpage('version_pdf', args=[snapshot.number])}",
                "csv_url": f"{base}{self.reverse_subpage('version_csv', args=[snapshot.number])}",
                "canonical_url": request.build_absolute_uri(base),
            },
        )

    @path("")
    def latest(self, request: HttpRequest) -> TemplateResponse:
        return self._render_snapshot(request, self._snapshot(None))

    @path("versions/<int:number>/", name="version")
    def version(self, request: HttpRequest, number: int) -> TemplateResponse:
        return self._render_snapshot(request, self._snapshot(number))

    @path("versions/<int:number>/pdf/", name="version_pdf")
    def version_pdf(self, request: HttpRequest, number: int) -> HttpResponse:
        from cms.services import report_pdf_file

        snapshot = self._snapshot(number)
        file = report_pdf_file(snapshot)
        return FileResponse(
            file.open("rb"),
            content_type="application/pdf",
            filename=snapshot.filename("pdf"),
            as_attachment=True,
        )

    @path("versions/<int:number>/csv/", name="version_csv")
    def version_csv(self, request: HttpRequest, number: int) -> HttpResponse:
        from cms.reports import report_csv

        snapshot = self._snapshot(number)
        response = HttpResponse(report_csv(snapshot.content), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{snapshot.filename("csv")}"'
        return response

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        """The preview computes everything from live data: what publishing now would freeze."""
        from cms.reports import compute_report

        request.is_preview = True  # type: ignore[attr-defined]
        return self.render(request, context_overrides={"content": compute_report(self), "is_preview": True})

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        base = self.get_full_url(request)
        urls: list[dict[str, Any]] = super().get_sitemap_urls(request)
        for snapshot in self.snapshots():
            urls.append(
                {
                    "location": base + self.reverse_subpage("version", args=[snapshot.number]),
                    "lastmod": snapshot.published_at,
                }
            )
        return urls


class ReportSnapshot(models.Model):
    """Version publiée d'un rapport d'impact: every number, table and chart as published, with the rules.

    Append-only: a row is written once; only its PDF file is attached later.
    """

    page = models.ForeignKey(
        ImpactReportPage, on_delete=models.CASCADE, related_name="report_snapshots", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("page revision"),
    )
    title = models.CharField(_("title"), max_length=255)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    correction_note = models.TextField(_("correction note"), blank=True)
    rules_version = models.CharField(_("disclosure rules"), max_length=40)
    content = models.JSONField(_("content"))
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)

    class Meta:
        verbose_name = _("published report version")
        verbose_name_plural = _("published report versions")
        ordering = ["page", "number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="report_snapshot_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} · v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"pdf"}:
            raise ValidationError(_("A published version never changes: publish a new version instead."))
        super().save(*args, **kwargs)

    def filename(self, extension: str) -> str:
        return f"{self.page.slug}-v{self.number}.{extension}"
