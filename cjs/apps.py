from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CjsConfig(AppConfig):
    name = "cjs"
    verbose_name = _("CJS")

    def ready(self) -> None:
        # The core offers extension points so it never imports this app (DESIGN §2).
        from cjs import demo, privacy, scale, selectors
        from cjs.imports import ContractImporter
        from programmes.demo import register_seeder
        from programmes.imports import register_importer
        from programmes.scale import register_scale_generator
        from programmes.statistics import register_contributor

        register_importer(ContractImporter)
        register_contributor("cjs", selectors.statistics)
        register_seeder(demo.seed_cjs)
        register_scale_generator(scale.generate, order=20)
        privacy.declare()
