from rest_framework import serializers

from programmes.models import User
from programmes.roles import role_names
from programmes.selectors import start_url_for


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    start_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "roles", "start_url"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(role_names(user))

    def get_start_url(self, user: User) -> str:
        return start_url_for(user)
