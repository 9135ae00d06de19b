"""Django's own events the training app listens to. Each receiver only calls a service."""

from typing import Any

from django.http import HttpRequest

from lms import services


def keep_login_in_connection_log(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: keep the login in the connection log (coarse device, truncated network)."""
    meta = request.META if request is not None else {}
    services.record_login(
        user=user, user_agent=meta.get("HTTP_USER_AGENT", ""), remote_addr=meta.get("REMOTE_ADDR", "")
    )
