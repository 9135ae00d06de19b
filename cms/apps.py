from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from cms.demo import seed_home_page
        from programmes.demo import register_seeder

        register_seeder(seed_home_page)
