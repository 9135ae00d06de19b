"""Views of the public site that are not pages of the tree: the site search."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from wagtail.models import Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    """Search the live public pages with Wagtail search."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        found = Page.objects.live().public().specific().search(query)
        results = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "results": results,
        "query_string": urlencode({"q": query}),
        "public_site": True,
    }
    return TemplateResponse(request, "cms/search.html", context)
