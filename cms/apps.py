from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from cms import privacy, roles, routing, signals
        from cms.demo import seed_site
        from programmes.demo import register_seeder

        signals.connect()
        routing.connect()
        # After the role groups exist (programmes migrates first): the national team edits the site.
        post_migrate.connect(roles.grant_page_permissions_after_migrate, sender=self)
        register_seeder(seed_site)
        privacy.declare()
