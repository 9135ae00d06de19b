"""The one block set every page type of the public site uses."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from programmes.models import Programme


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "H2"), ("h3", "H3")], default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=80)
    url = blocks.URLBlock(label=_("Link"), required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("url") and not value.get("page"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter a link."))}
            )
        return value


class RequiredAltImageBlock(ImageBlock):
    """An image whose alt text is always written: a content image is never decorative on this site.

    A photo showing someone without image rights (PhotoSubject) cannot be published, and one whose
    rights were withdrawn since stops showing."""

    def clean(self, value: Any) -> Any:
        from cms.selectors import people_without_image_rights

        value = super().clean(value)
        if value and not (value.contextual_alt_text or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(_("Describe the image for people who cannot see it."))
                }
            )
        if value:
            people = people_without_image_rights(value.pk)
            if people:
                raise StructBlockValidationError(
                    block_errors={
                        "image": ValidationError(
                            _(
                                "This photo shows people without image rights (for a minor, given by "
                                "their guardian): %(people)s. It cannot be published."
                            )
                            % {"people": ", ".join(str(person) for person in people)}
                        )
                    }
                )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from cms.selectors import withheld_image_ids

        context = super().get_context(value, parent_context=parent_context)
        context["is_withheld"] = bool(value) and value.pk in withheld_image_ids([value.pk])
        return context


class PrivacyRegistryBlock(blocks.StaticBlock):
    """What the network does with personal data, generated from the code's registry and settings."""

    class Meta:
        icon = "lock"
        label = _("Personal data registry")
        admin_text = _("Purposes, data, legal bases, retention and rights, generated from the registry.")
        template = "cms/blocks/privacy_registry.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from programmes.privacy.policy import policy_purposes, rights

        context = super().get_context(value, parent_context=parent_context)
        context["purposes"] = policy_purposes()
        context["rights"] = rights()
        return context


def programme_choices() -> list[tuple[str, str]]:
    """The programmes an editor can show figures of (read when the editor opens the form)."""
    return [(programme.slug, programme.name) for programme in Programme.objects.order_by("name")]


class KeyFiguresBlock(blocks.StructBlock):
    """Figures of one programme edition, computed live from the statistics under the disclosure rules."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120, required=False)
    programme = blocks.ChoiceBlock(choices=programme_choices, label=_("Programme"))
    edition_year = blocks.IntegerBlock(
        label=_("Edition (year)"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Leave empty for the latest edition with cohorts."),
    )

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "cms/blocks/key_figures.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from cms.selectors import programme_figures

        context = super().get_context(value, parent_context=parent_context)
        context["figures"] = programme_figures(
            programme_slug=value["programme"], edition_year=value.get("edition_year")
        )
        return context


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    image = RequiredAltImageBlock(label=_("Image"), template="cms/blocks/image.html")
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    key_figures = KeyFiguresBlock()
    privacy_registry = PrivacyRegistryBlock()
    embed = EmbedBlock(
        label=_("Embedded media"),
        icon="media",
        template="cms/blocks/embed.html",
        help_text=_("A video or audio link (YouTube, Vimeo, PeerTube...)."),
    )
