"""The REST API under /api/v1/: each app contributes its own urls."""

from typing import Any

from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_otp import user_has_device
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from programmes.demo import DEMO_PASSWORD
from programmes.security import lockout_response, requires_two_factor, verified_device

app_name = "api"
EXAMPLE_CODE = "123456"


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: an id too large for the database (SQLite raises OverflowError where
    PostgreSQL simply finds nothing) names no object, so 404."""
    if isinstance(error, OverflowError):
        error = NotFound()
    return drf_exception_handler(error, context)


def only_public_api(endpoints: list[tuple]) -> list[tuple]:
    """Document our /api/v1/ only, not the private API behind Wagtail's admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=gettext_lazy(
            "The current code of the authenticator app: required for accounts under two-factor "
            "authentication (coordinators, national team, administrators)."
        ),
    )


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        400: OpenApiResponse(description=gettext_lazy("Wrong username, password or authenticator code.")),
        429: OpenApiResponse(description=gettext_lazy("Too many failed attempts: locked out for a while.")),
    },
    examples=[
        OpenApiExample(
            "Demo facilitator",
            value={
                "username": "animateur",
                "password": DEMO_PASSWORD,
            },
            request_only=True,
        ),
        OpenApiExample(
            "Demo coordinator (two-factor)",
            value={
                "username": "coordinatrice",
                "password": DEMO_PASSWORD,
                "otp_token": EXAMPLE_CODE,
            },
            request_only=True,
        ),
    ],
    tags=["auth"],
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token: send it as `Authorization: Token <token>`.
    Accounts under two-factor authentication also send `otp_token`, the code of their authenticator
    app, and must have set their device up on the site first. Repeated failures lock the username out
    from the caller's address (429), as on the login page."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)  # type: ignore[return-value]
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        if requires_two_factor(user):
            if not user_has_device(user, confirmed=True):
                message = _("Set up two-factor authentication on the site before asking for an API token.")
                return Response({"otp_token": [message]}, status=status.HTTP_400_BAD_REQUEST)
            code = serializer.validated_data.get("otp_token", "")
            if verified_device(user, code) is None:
                message = _("Give the current code of your authenticator app.")
                return Response({"otp_token": [message]}, status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include("programmes.api.urls")),
    path("lms/", include("lms.api.urls")),
    path("certificates/", include("lms.api.public_urls")),
    path("cjs/", include("cjs.api.urls")),
    path("flashcoop/", include("flashcoop.api.urls")),
]
