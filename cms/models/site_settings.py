"""Site-wide settings editors change in the admin (Settings > Site settings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Network"), max_length=40, help_text=_("For example LinkedIn."))
    url = blocks.URLBlock(label=_("Link"))

    class Meta:
        icon = "link-external"
        label = _("Social link")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Réglages du site: footer text, contact address, social links and the legal pages."""

    footer_text = models.TextField(_("footer text"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    social_links = StreamField(
        [("link", SocialLinkBlock())], verbose_name=_("social links"), blank=True, use_json_field=True
    )
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal notice page"),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy policy page"),
    )

    select_related = ["legal_notice_page", "privacy_page"]

    panels = [
        FieldPanel("footer_text"),
        FieldPanel("contact_email"),
        FieldPanel("social_links"),
        MultiFieldPanel(
            [FieldPanel("legal_notice_page"), FieldPanel("privacy_page")], heading=_("Legal pages")
        ),
    ]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
