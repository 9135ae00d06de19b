"""Admin of the public site: partner logos and the main menu as snippets."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import MainMenu, OrganisationLogo, PhotoSubject
from programmes.viewsets import person_chooser


class OrganisationLogoAdmin(SnippetViewSet):
    model = OrganisationLogo
    icon = "image"
    list_display = ["organisation", "image"]
    search_fields = ["organisation__name"]


class MainMenuAdmin(SnippetViewSet):
    model = MainMenu
    icon = "list-ul"
    list_display = ["name"]


class PhotoSubjectAdmin(SnippetViewSet):
    """Who appears in a photo of the library: such a photo reaches the public site only while everyone
    on it has image rights (for a minor, given by their guardian)."""

    model = PhotoSubject
    icon = "image"
    menu_label = _("People in photos")
    list_display = ["image", "person"]
    search_fields = ["image__title", "person__first_name", "person__last_name"]
    panels = [FieldPanel("image"), FieldPanel("person", widget=person_chooser.widget_class)]


class PublicSiteAdmin(SnippetViewSetGroup):
    items = (MainMenuAdmin, OrganisationLogoAdmin, PhotoSubjectAdmin)
    menu_icon = "site"
    menu_label = _("Public site")
    menu_name = "public-site"


register_snippet(PublicSiteAdmin)
