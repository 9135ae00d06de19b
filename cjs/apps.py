from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CjsConfig(AppConfig):
    name = "cjs"
    verbose_name = _("CJS")
