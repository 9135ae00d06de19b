from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from cms import privacy, signals
        from cms.demo import seed_site
        from programmes.demo import register_seeder

        signals.connect()
        register_seeder(seed_site)
        privacy.declare()
