from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashcoopConfig(AppConfig):
    name = "flashcoop"
    verbose_name = _("Flashcoop")
