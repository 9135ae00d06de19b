"""The REST API under /api/v1/: each app contributes its own urls."""

from django.urls import include, path

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

app_name = "api"


def only_public_api(endpoints: list[tuple]) -> list[tuple]:
    """Document our /api/v1/ only, not the private API behind Wagtail's admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


@extend_schema(
    request=inline_serializer(
        "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
    ),
    responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    examples=[
        OpenApiExample(
            "Demo coordinator",
            value={"username": "coordinatrice", "password": "essaim-demo"},
            request_only=True,
        )
    ],
    tags=["auth"],
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token: send it as `Authorization: Token <token>`."""


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include("programmes.api.urls")),
    path("lms/", include("lms.api.urls")),
    path("certificates/", include("lms.api.public_urls")),
    path("cjs/", include("cjs.api.urls")),
    path("flashcoop/", include("flashcoop.api.urls")),
]
