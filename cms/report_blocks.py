"""Blocks of an impact report: texts, indicators, result tables, paired analyses and charts of a campaign.

The blocks only hold the editor's choices; `cms.reports` computes what they show (live in the preview,
frozen in each published version).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.blocks import HeadingBlock, programme_choices
from cms.reports import (
    INDICATORS,
    RETROSPECTIVE,
    campaign_choices,
    questionnaire_item_codes,
    questionnaire_scale_codes,
)
from programmes.choices import Wave

BEFORE_CHOICES = [*Wave.choices, (RETROSPECTIVE, _("Before, as remembered at exit (T1)"))]
ITEMS_HELP = _("Item codes separated by commas; leave empty for every item.")
SCALES_HELP = _("Scale codes separated by commas; leave empty for every scale.")


def _check_codes(value: Any, field: str, known: set[str]) -> dict[str, ValidationError]:
    codes = [code.strip() for code in (value.get(field) or "").replace(";", ",").split(",") if code.strip()]
    unknown = [code for code in codes if code not in known]
    if unknown:
        return {
            field: ValidationError(
                _("Unknown in this campaign's questionnaire: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        }
    return {}


class CampaignBlock(blocks.StructBlock):
    """A block about one campaign: checks that the item and scale codes exist in its questionnaire."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors: dict[str, ValidationError] = {}
        if "items" in self.child_blocks:
            errors.update(_check_codes(value, "items", questionnaire_item_codes(value["campaign"])))
        if "scales" in self.child_blocks:
            errors.update(_check_codes(value, "scales", questionnaire_scale_codes(value["campaign"])))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ResultTableBlock(CampaignBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200, required=False)
    campaign = blocks.ChoiceBlock(choices=campaign_choices, label=_("Campaign"))
    wave = blocks.ChoiceBlock(choices=Wave.choices, default=Wave.T1, label=_("Wave"))
    items = blocks.CharBlock(label=_("Items"), required=False, help_text=ITEMS_HELP)

    class Meta:
        icon = "table"
        label = _("Result table")
        template = "cms/report/block_preview.html"


class PairedAnalysisBlock(CampaignBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200, required=False)
    campaign = blocks.ChoiceBlock(choices=campaign_choices, label=_("Campaign"))
    before = blocks.ChoiceBlock(choices=BEFORE_CHOICES, default=Wave.T0, label=_("Before"))
    after = blocks.ChoiceBlock(choices=Wave.choices, default=Wave.T1, label=_("After"))
    items = blocks.CharBlock(label=_("Items"), required=False, help_text=ITEMS_HELP)
    scales = blocks.CharBlock(label=_("Scales"), required=False, help_text=SCALES_HELP)

    class Meta:
        icon = "order"
        label = _("Paired analysis")
        template = "cms/report/block_preview.html"


class ChartBlock(CampaignBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = blocks.TextBlock(
        label=_("Description"),
        help_text=_("What the chart shows, for people who cannot see it (read by screen readers)."),
    )
    kind = blocks.ChoiceBlock(
        choices=[
            ("distribution", _("Answers of one wave")),
            ("change", _("Declared change between two waves")),
        ],
        default="distribution",
        label=_("Chart"),
    )
    campaign = blocks.ChoiceBlock(choices=campaign_choices, label=_("Campaign"))
    wave = blocks.ChoiceBlock(
        choices=Wave.choices, default=Wave.T1, label=_("Wave"), help_text=_("For the answers of one wave.")
    )
    before = blocks.ChoiceBlock(
        choices=BEFORE_CHOICES, default=Wave.T0, label=_("Before"), help_text=_("For a change.")
    )
    after = blocks.ChoiceBlock(
        choices=Wave.choices, default=Wave.T1, label=_("After"), help_text=_("For a change.")
    )
    items = blocks.CharBlock(label=_("Items"), required=False, help_text=ITEMS_HELP)
    scales = blocks.CharBlock(label=_("Scales"), required=False, help_text=SCALES_HELP)

    class Meta:
        icon = "doc-full"
        label = _("Chart")
        template = "cms/report/block_preview.html"


def indicator_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _kind) in INDICATORS.items()]


class IndicatorsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120, required=False)
    programme = blocks.ChoiceBlock(choices=programme_choices, label=_("Programme"))
    edition_year = blocks.IntegerBlock(label=_("Edition (year)"), min_value=2000, max_value=2100)
    indicators = blocks.MultipleChoiceBlock(choices=indicator_choices, label=_("Indicators"))

    class Meta:
        icon = "list-ul"
        label = _("Indicators")
        template = "cms/report/block_preview.html"


class ReportStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul"],
        template="cms/blocks/paragraph.html",
    )
    indicators = IndicatorsBlock()
    result_table = ResultTableBlock()
    paired_analysis = PairedAnalysisBlock()
    chart = ChartBlock()
