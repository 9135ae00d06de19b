from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import BaseStreamBlock


class HomePage(Page):
    """Page d'accueil: what the network does and where to go next."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
