"""The one block set every page type of the public site uses."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


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


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    image = ImageBlock(label=_("Image"), template="cms/blocks/image.html")
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
