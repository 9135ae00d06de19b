"""Rendered HTML kept in the shared cache for every request that shows the same thing.

A fragment with forms is rendered with a placeholder where Django's `{% csrf_token %}` puts the token, and
each request that serves it puts its own token there: a stored fragment never hands one user's token to
another.
"""

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

CSRF_PLACEHOLDER = "@@csrf-token@@"


def render_fragment(template_name: str, context: dict[str, Any]) -> str:
    """The template rendered outside any request, forms holding the CSRF placeholder."""
    return render_to_string(template_name, {**context, "csrf_token": CSRF_PLACEHOLDER})


def for_request(request: HttpRequest, html: str) -> SafeString:
    """A stored fragment with this request's CSRF token in its forms."""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # rendered by a template  # nosec B308 B703
