"""Remote training: courses, progress, quizzes, virtual classes, certificates. Depends on programmes only."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Training")

    def ready(self) -> None:
        from lms import privacy
        from lms.demo import seed_courses
        from programmes.demo import register_seeder

        register_seeder(seed_courses)
        privacy.declare()
