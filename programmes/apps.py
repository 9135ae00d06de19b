from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from programmes import roles
        from programmes.demo import register_seeder
        from programmes.demo_network import seed_network
        from programmes.evaluation.demo import seed_evaluation
        from programmes.evaluation.importers import ResponseImporter
        from programmes.imports import register_importer

        # Permissions of models added by later migrations are granted to the roles after each migrate.
        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
        register_seeder(seed_network)
        register_seeder(seed_evaluation)
        register_importer(ResponseImporter)
