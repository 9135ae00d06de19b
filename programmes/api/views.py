from rest_framework import generics
from rest_framework.request import Request

from programmes.api.serializers import CurrentUserSerializer
from programmes.models import User


class CurrentUserView(generics.RetrieveAPIView[User]):
    """The logged-in user, their roles and their start page."""

    serializer_class = CurrentUserSerializer

    def get_object(self) -> User:
        request: Request = self.request
        return request.user  # type: ignore[return-value]
