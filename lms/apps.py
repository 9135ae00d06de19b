"""Remote training: courses, progress, quizzes, virtual classes, certificates. Depends on programmes only."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Training")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from lms import activity, checks, privacy, scale, structure_cache  # noqa: F401 (checks registers itself)
        from lms.demo import seed_courses
        from lms.demo_digcomp import seed_digital_skills
        from lms.receivers import keep_login_in_connection_log
        from lms.scorm import xapi as scorm_xapi  # noqa: F401 (registers the SCORM xAPI source)
        from programmes.demo import register_seeder
        from programmes.scale import register_scale_generator

        structure_cache.connect()
        activity.connect()
        register_seeder(seed_courses)
        register_scale_generator(scale.generate, order=30)
        register_seeder(seed_digital_skills)
        user_logged_in.connect(keep_login_in_connection_log, dispatch_uid="lms.connection_log")
        privacy.declare()
