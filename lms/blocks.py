"""The blocks of a lesson body. Images need alt text; videos need a transcript."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.choices import CalloutKind


class LessonImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "lms/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    video = EmbedBlock(label=_("Video link"), help_text=_("A YouTube, Vimeo or PeerTube address."))
    transcript = blocks.TextBlock(
        label=_("Transcript"),
        help_text=_("The full text of the video, for people who cannot hear or watch it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "lms/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "lms/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=CalloutKind.choices, default=CalloutKind.INFO, label=_("Kind"))
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "lms/blocks/callout.html"


class VirtualClassBlock(blocks.StructBlock):
    """A placeholder for a live session: the scheduling and join link come with the live-sessions part."""

    title = blocks.CharBlock(label=_("Title"), max_length=150)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "group"
        label = _("Virtual class")
        template = "lms/blocks/virtual_class.html"


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        template="lms/blocks/paragraph.html",
    )
    image = LessonImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    quiz = SnippetChooserBlock("lms.Quiz", label=_("Quiz"), icon="help", template="lms/blocks/quiz.html")
    virtual_class = VirtualClassBlock()
