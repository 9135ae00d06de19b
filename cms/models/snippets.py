"""Snippets editors choose inside pages or edit on their own: partner logos and the main menu."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class OrganisationLogo(models.Model):
    """Logo d'un partenaire: the image shown for an organisation on the public pages of its CJS."""

    organisation = models.OneToOneField(
        "programmes.Organisation",
        on_delete=models.CASCADE,
        related_name="logo",
        verbose_name=_("organisation"),
    )
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )

    panels = [FieldPanel("organisation"), FieldPanel("image")]

    class Meta:
        verbose_name = _("organisation logo")
        verbose_name_plural = _("organisation logos")

    def __str__(self) -> str:
        return str(self.organisation)


class MainMenu(ClusterableModel):
    """Menu principal: the links of the site header, in the order editors set."""

    name = models.CharField(_("name"), max_length=80, default="Menu principal")

    panels = [FieldPanel("name"), InlinePanel("items", label=_("Links"))]

    class Meta:
        verbose_name = _("main menu")
        verbose_name_plural = _("main menus")

    def __str__(self) -> str:
        return self.name


class MainMenuItem(Orderable):
    """One link of the main menu, to a page of the site."""

    menu = ParentalKey(MainMenu, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Leave empty to use the page's title.")
    )

    panels = [FieldPanel("page"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("menu link")
        verbose_name_plural = _("menu links")

    def __str__(self) -> str:
        return self.label or self.page.title

    @property
    def text(self) -> str:
        return self.label or self.page.title
