from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from celery.signals import task_postrun

        from programmes import figures, outbox, roles, signals
        from programmes.demo import register_seeder
        from programmes.demo_network import seed_network
        from programmes.evaluation.demo import seed_evaluation
        from programmes.evaluation.importers import ResponseImporter
        from programmes.evaluation.scale import generate as generate_evaluation_scale
        from programmes.imports import register_importer
        from programmes.privacy import checks, declarations  # noqa: F401 (checks registers itself)
        from programmes.privacy.demo import seed_privacy
        from programmes.scale import register_scale_generator

        # Permissions of models added by later migrations are granted to the roles after each migrate.
        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
        register_seeder(seed_network)
        register_seeder(seed_evaluation)
        register_importer(ResponseImporter)
        register_scale_generator(generate_evaluation_scale, order=40)
        register_seeder(seed_privacy)
        declarations.declare()
        signals.connect()
        figures.connect()
        # Workers record when a task of the outbox has done its work (a lost one is published again).
        task_postrun.connect(outbox.record_completion, weak=False, dispatch_uid="essaim-outbox-completion")
