"""Admin of the public site: partner logos and the main menu as snippets."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import MainMenu, OrganisationLogo


class OrganisationLogoAdmin(SnippetViewSet):
    model = OrganisationLogo
    icon = "image"
    list_display = ["organisation", "image"]
    search_fields = ["organisation__name"]


class MainMenuAdmin(SnippetViewSet):
    model = MainMenu
    icon = "list-ul"
    list_display = ["name"]


class PublicSiteAdmin(SnippetViewSetGroup):
    items = (MainMenuAdmin, OrganisationLogoAdmin)
    menu_icon = "site"
    menu_label = _("Public site")
    menu_name = "public-site"


register_snippet(PublicSiteAdmin)
