"""Page types of the public site and where each may sit in the tree."""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase

from cjs.forms import JoinForm, ServiceRequestForm
from cms.blocks import BaseStreamBlock
from cms.cache import CachedPageMixin
from cms.models.snippets import OrganisationLogo
from cms.selectors import (
    CJS_SLUG,
    DirectoryFilters,
    current_edition,
    directory_cohorts,
    directory_departments,
    directory_regions,
    programme_figures,
    public_cjs_cohorts,
    public_partnerships,
)
from programmes.models import Cohort
from programmes.outbox import enqueue
from programmes.tasks import send_email

NEWS_PER_PAGE = 10
COHORTS_PER_PAGE = 20


class PublicPageMixin:
    """Pages of the public site: base.html shows the site's menu and footer on them."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        context["public_site"] = True
        return context


def paginate(request: HttpRequest, items: Any, per_page: int) -> Any:
    """The page of `items` asked for in `?page=`, the first one when it is missing or not a number."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class HomePage(CachedPageMixin, PublicPageMixin, Page):
    """Page d'accueil: what the network does, this year's figures, the latest news and where to go next."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.ProgrammePage",
        "cms.CjsDirectoryPage",
        "cms.NewsIndexPage",
        "cms.StandardPage",
        "cms.FormPage",
        "cms.PartnersPage",
        "cms.ImpactReportIndexPage",
        "lms.CourseIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["key_figures"] = programme_figures(programme_slug=CJS_SLUG)
        context["latest_news"] = NewsPage.objects.live().public().order_by("-publication_date", "-pk")[:3]
        context["programme_pages"] = ProgrammePage.objects.live().public().child_of(self)
        context["directory_page"] = CjsDirectoryPage.objects.live().public().first()
        return context


class ProgrammePage(CachedPageMixin, PublicPageMixin, Page):
    """Page programme (CJS, Flashcoop): what it is, for whom, how it works."""

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    intro = models.TextField(_("introduction"), max_length=400, help_text=_("Also shown on the home page."))
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("programme"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("programme page")
        verbose_name_plural = _("programme pages")


class CjsDirectoryPage(CachedPageMixin, PublicPageMixin, RoutablePageMixin, Page):
    """Annuaire des CJS: this season's CJS by region, department, commune or postcode, one page each."""

    intro = models.TextField(_("introduction"), blank=True)
    services_text = RichTextField(
        _("services a CJS offers"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown on the page of every CJS."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("services_text")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("CJS directory")
        verbose_name_plural = _("CJS directories")

    @path("")
    def directory(self, request: HttpRequest) -> TemplateResponse:
        edition = current_edition(CJS_SLUG)
        context: dict[str, Any] = {"edition": edition}
        if edition is not None:
            regions = list(directory_regions(edition))
            departments = list(directory_departments(edition))
            filters = DirectoryFilters(
                region=_chosen(regions, request.GET.get("region"), key="code"),
                department=_chosen(departments, request.GET.get("department"), key="code"),
                query=request.GET.get("q", "").strip()[:100],
            )
            if filters.region is not None:
                departments_shown = [d for d in departments if d.region_id == filters.region.pk]
            else:
                departments_shown = departments
            results = paginate(request, directory_cohorts(edition=edition, filters=filters), COHORTS_PER_PAGE)
            for cohort in results:
                cohort.public_url = self.cohort_url(cohort)
            query = request.GET.copy()
            query.pop("page", None)
            context.update(
                regions=regions,
                departments=departments_shown,
                filters=filters,
                results=results,
                is_filtered=bool(filters.region or filters.department or filters.query),
                query_string=query.urlencode(),
            )
        return self.render(request, context_overrides=context)

    @path("<int:cohort_id>-<slug:slug>/", name="cohort")
    def cohort(self, request: HttpRequest, cohort_id: int, slug: str) -> HttpResponse:
        cohort = get_object_or_404(public_cjs_cohorts(), pk=cohort_id)
        if slug != cohort_slug(cohort):
            return HttpResponseRedirect(self.cohort_url(cohort), status=301)
        partnerships = list(public_partnerships(cohort))
        organisation_ids = {p.organisation_id for p in partnerships} | (
            {cohort.host_id} if cohort.host_id else set()
        )
        logos = {
            logo.organisation_id: logo
            for logo in OrganisationLogo.objects.filter(organisation_id__in=organisation_ids).select_related(
                "image"
            )
        }
        partners = [
            {"partnership": p, "logo": logos.get(p.organisation_id)}
            for p in partnerships
            if p.organisation_id != cohort.host_id
        ]
        return self.render(
            request,
            template="cms/cjs_page.html",
            context_overrides={
                "cohort": cohort,
                "host_logo": logos.get(cohort.host_id) if cohort.host_id else None,
                "partners": partners,
                "canonical_url": request.build_absolute_uri(self.cohort_url(cohort)),
                # The CJS app's public forms; they post to its own views (validation, honeypot, rate limit).
                "order_form": ServiceRequestForm(auto_id="order-%s"),
                "join_form": JoinForm(cohort=cohort, auto_id="join-%s"),
            },
        )

    def cohort_url(self, cohort: Cohort) -> str:
        return str(self.url) + self.reverse_subpage(
            "cohort", kwargs={"cohort_id": cohort.pk, "slug": cohort_slug(cohort)}
        )

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        urls: list[dict[str, Any]] = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        for cohort in public_cjs_cohorts():
            subpage = self.reverse_subpage(
                "cohort", kwargs={"cohort_id": cohort.pk, "slug": cohort_slug(cohort)}
            )
            urls.append({"location": base + subpage, "lastmod": self.last_published_at})
        return urls


def cohort_slug(cohort: Cohort) -> str:
    return slugify(f"{cohort.name} {cohort.edition.year}") or "cjs"


def _chosen(options: list[Any], value: str | None, *, key: str) -> Any:
    """The option whose `key` equals the submitted value; None when nothing (or something unknown) is sent."""
    if not value:
        return None
    return next((option for option in options if getattr(option, key) == value), None)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsIndexPage(CachedPageMixin, PublicPageMixin, RoutablePageMixin, Page):
    """Actualités: the news, newest first, with a filter by tag and an RSS feed."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def news(self) -> Any:
        return NewsPage.objects.live().public().child_of(self).order_by("-publication_date", "-pk")

    @path("")
    def index(self, request: HttpRequest) -> TemplateResponse:
        news = self.news().prefetch_related("tags")
        tag = request.GET.get("tag", "").strip()
        if tag:
            news = news.filter(tags__slug=tag)
        tags = (
            Tag.objects.filter(cms_newspagetag_items__content_object__live=True).distinct().order_by("name")
        )
        return self.render(
            request,
            context_overrides={
                "news_page": paginate(request, news, NEWS_PER_PAGE),
                "tag": tag,
                "tags": tags,
                "query_string": urlencode({"tag": tag}) if tag else "",
            },
        )

    @path("rss/", name="rss")
    def rss(self, request: HttpRequest) -> HttpResponse:
        from cms.feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsPage(CachedPageMixin, PublicPageMixin, Page):
    """Actualité: one dated news item."""

    publication_date = models.DateField(_("date"))
    intro = models.TextField(_("introduction"), max_length=400)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("publication_date"), FieldPanel("tags")]),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("publication_date"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")


class StandardPage(CachedPageMixin, PublicPageMixin, Page):
    """Page simple: legal notice, privacy policy, about..."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ProgrammePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class PartnersPage(CachedPageMixin, PublicPageMixin, Page):
    """Page partenaires: the organisations that support the cooperatives, with their logos."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("partners page")
        verbose_name_plural = _("partners pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Logos are snippets editors manage; each names an organisation, never a person.
        context["logos"] = OrganisationLogo.objects.select_related("organisation", "image").order_by(
            "organisation__name"
        )
        return context


class FormField(AbstractFormField):
    page = ParentalKey("cms.FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(PublicPageMixin, AbstractEmailForm):
    """Formulaire (contact us...): fields editors compose; each answer is stored and e-mailed to the team."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(_("thank-you message"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("form page")
        verbose_name_plural = _("form pages")

    def send_mail(self, form: Any) -> None:
        """Queue the e-mail after commit, so a slow mail server never holds the visitor's request."""
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        subject = self.subject or str(self.title)
        body = self.render_email(form)
        enqueue(send_email, subject=subject, body=body, to=addresses)
