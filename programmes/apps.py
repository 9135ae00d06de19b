from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from programmes import roles

        # Permissions of models added by later migrations are granted to the roles after each migrate.
        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
