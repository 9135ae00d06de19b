"""Routes to the pages of courses, kept in the shared cache.

Wagtail finds the page of a path by reading the site, then each page along the path (the home page, the
catalogue, the course...), each as its own type: five queries before a course page starts its own work,
and a course page is personal, so the anonymous page cache (`cms/cache.py`) cannot serve it. The route
cache keeps, per host and path, the site, the page (as its own type, with what it reads with it,
`ROUTE_RELATED`) and its parent; a request then only checks that the page is still live at that path, and
Wagtail's view serves it as if it had routed it (its hooks, view restrictions and privacy checks all still
run).

Only page types whose route depends on nothing but the path opt in, by declaring `ROUTE_RELATED`. Any
save, deletion, publication, unpublication, move or slug change of a page, and any change of a site or of
what a cached page reads with it, starts a new *route generation* (`programmes.generations`): inside a
transaction when it commits, and until then the connection that wrote routes afresh and stores nothing.
A cached route is used only if the page is still live at the same path, so even a change made outside
the application cannot serve a page at a path that is no longer its own.
"""

import copy
import dataclasses
import functools
import hashlib
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from programmes.generations import Generation

GENERATION_KEY = "cms:routes:generation"
# Part of every entry's key: a release that changes what an entry holds never reads the previous ones.
ENTRY_FORMAT = 2
TIMEOUT = 3600


@dataclasses.dataclass(frozen=True)
class CachedRoute:
    generation: str
    site: Site
    page: Page  # as its own type, with what it reads with it (ROUTE_RELATED), without its parent
    parent: Page | None  # without its own parent


ROUTES = Generation(GENERATION_KEY)


def routes_changed(*_args: Any, **_kwargs: Any) -> None:
    """A page or a site changed: routes read before are left behind once it is committed."""
    ROUTES.changed()


def _key(request: HttpRequest, path: str) -> str:
    location = f"{request.get_host()}|{request.get_port()}|{path}"
    return f"cms:route:{ENTRY_FORMAT}:{hashlib.sha256(location.encode()).hexdigest()}"


def _full_path(site: Site, path: str) -> str:
    components = [component for component in path.split("/") if component]
    return site.root_page.url_path + "".join(f"{component}/" for component in components)


def _alone(page: Page | None) -> Page | None:
    """A copy of a page without the chain of parents routing cached on it."""
    if page is None:
        return None
    page = copy.copy(page)
    page.__dict__.pop("_cached_parent_obj", None)
    return page


def _entry(generation: str, route: Any, site: Site | None, path: str) -> CachedRoute | None:
    """What to keep of a route Wagtail computed: only a page of an opted-in type, served at its own path."""
    if site is None or not isinstance(route, RouteResult) or route.args or route.kwargs:
        return None
    page = route.page
    if getattr(type(page), "ROUTE_RELATED", None) is None or page.url_path != _full_path(site, path):
        return None
    alone = _alone(page)
    assert alone is not None  # type narrowing  # nosec B101
    return CachedRoute(generation, site, alone, _alone(getattr(page, "_cached_parent_obj", None)))


def _from_cache(entry: CachedRoute) -> Page | None:
    """The cached page, if it is still live at the same path (a cheap check that holds even against a
    change made outside the application, which no signal reports)."""
    page = entry.page
    if not Page.objects.filter(pk=page.pk, live=True, url_path=page.url_path).exists():
        return None
    if entry.parent is not None:
        page._cached_parent_obj = entry.parent
    return page


def prime(request: HttpRequest, path: str) -> None:
    """Give Wagtail the route of this path (and its site) from the cache, or route and keep it. One cache
    read gets the generation and the path's entry together (most paths Wagtail serves have none)."""
    if ROUTES.has_uncommitted_changes():
        return
    key = _key(request, path)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or ROUTES.current()
    if generation is None:  # no cache (Redis down)
        return
    entry = found.get(key)
    if isinstance(entry, CachedRoute) and entry.generation == generation:
        page = _from_cache(entry)
        if page is not None:
            request._wagtail_site = entry.site  # type: ignore[attr-defined]
            request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
            return
    route = Page.route_for_request(request, path)
    fresh = _entry(str(generation), route, Site.find_for_request(request), path)
    if fresh is not None:
        cache.set(key, fresh, TIMEOUT)


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, routed through the cache."""
    prime(request, path)
    return wagtail_views.serve(request, path)


@functools.cache
def _route_models() -> tuple[type, ...]:
    """Pages, sites, and what opted-in page types read with their page (a course's training provider)."""
    models: set[type] = {Page, Site}
    for model in apps.get_models():
        for name in getattr(model, "ROUTE_RELATED", ()):
            models.add(model._meta.get_field(name).related_model)
    return tuple(models)


def _saved_or_deleted(sender: Any, **_kwargs: Any) -> None:
    if isinstance(sender, type) and issubclass(sender, _route_models()):
        routes_changed()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(_saved_or_deleted, dispatch_uid="cms-routes-saved")
    post_delete.connect(_saved_or_deleted, dispatch_uid="cms-routes-deleted")
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
        (page_slug_changed, "slug"),
    ):
        signal.connect(routes_changed, dispatch_uid=f"cms-routes-{name}")
