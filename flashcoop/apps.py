from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashcoopConfig(AppConfig):
    name = "flashcoop"
    verbose_name = _("Flashcoop")

    def ready(self) -> None:
        # The core offers extension points so it never imports this app (DESIGN §2).
        from flashcoop import demo, privacy
        from programmes.demo import register_seeder

        register_seeder(demo.seed_flashcoop)
        privacy.declare()
