"""Template tags of the public site: the main menu and the footer's site settings."""

from typing import Any

from django import template
from django.http import HttpRequest

from cms.models import MainMenu, MainMenuItem, SiteSettings
from programmes.disclosure import Rules

register = template.Library()


@register.inclusion_tag("cms/includes/main_menu.html", takes_context=True)
def main_menu(context: dict[str, Any]) -> dict[str, Any]:
    """The links of the first main menu, to live pages only, in the editors' order.

    Shown on the public site's pages only: the members' spaces keep their few queries and their own links.
    """
    request: HttpRequest | None = context.get("request")
    if not context.get("public_site"):
        return {"links": [], "is_public_site": False}
    items = (
        MainMenuItem.objects.filter(menu__in=_first_menu(), page__live=True)
        .select_related("page")
        .order_by("sort_order")
    )
    links = []
    current = request.path if request is not None else ""
    for item in items:
        url = item.page.get_url(request)
        if url:
            links.append({"url": url, "text": item.text, "is_current": url == current})
    return {"links": links, "is_public_site": True}


def _first_menu() -> Any:
    return MainMenu.objects.order_by("pk").values("pk")[:1]


@register.inclusion_tag("cms/includes/footer.html", takes_context=True)
def site_footer(context: dict[str, Any]) -> dict[str, Any]:
    """Footer text, contact address, social links and the legal pages of the requested site."""
    request: HttpRequest | None = context.get("request")
    if not context.get("public_site") or request is None:
        return {"site_settings": None, "legal_links": []}
    site_settings = SiteSettings.for_request(request)
    links = []
    if site_settings is not None:
        for page in (site_settings.legal_notice_page, site_settings.privacy_page):
            if page is not None and page.live:
                links.append({"url": page.get_url(request), "text": page.title})
    return {"site_settings": site_settings, "legal_links": links}


@register.simple_tag
def disclosure_threshold() -> int:
    """The smallest person count the public site publishes."""
    return Rules.from_settings().threshold


@register.inclusion_tag("cms/includes/seo.html", takes_context=True)
def seo_meta(
    context: dict[str, Any], *, title: str = "", description: str = "", og_type: str = "website"
) -> dict[str, Any]:
    """Description, canonical URL and OpenGraph tags of the page being shown."""
    request: HttpRequest | None = context.get("request")
    page = context.get("page")
    if page is not None:
        title = title or page.seo_title or page.title
        description = description or page.search_description or _page_summary(page)
    canonical = context.get("canonical_url") or (page.get_full_url(request) if page is not None else "")
    return {"title": title, "description": description, "canonical": canonical, "og_type": og_type}


def _page_summary(page: Any) -> str:
    for field in ("intro", "hero_text"):
        value = getattr(page, field, "")
        if value:
            return str(value)
    return ""
