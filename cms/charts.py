"""Charts of the impact reports, drawn on the server as SVG: the page and its PDF show the very same
drawing, and no JavaScript library is needed.

Each chart is a 100 % stacked bar per row (an item's answers, or the pairs that improved, stayed the
same or declined). Hidden cells (disclosure control) are drawn as one grey « hidden » segment: its size
is the row total minus the published cells, which the table already gives away, so it reveals nothing.
The SVG carries a title and a description for screen readers; the block shows the same numbers in a
table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape  # escapes text we write into SVG; nothing is parsed  # nosec B406

WIDTH = 640
LABEL_WIDTH = 210
BAR_WIDTH = WIDTH - LABEL_WIDTH - 20
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LEGEND_ROW = 22
FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'
HIDDEN_COLOUR = "#6f6f6f"
# Low to high: a diverging palette readable in grey and by people with colour-vision deficiencies.
SCALE_COLOURS = ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac", "#1b4f72", "#0b2f4a"]
NEUTRAL_COLOURS = ["#1b7837", "#762a83", "#e08214", "#2166ac", "#5aae61", "#9970ab", "#b35806"]
NO_OPINION_COLOUR = "#d9d9d9"
MISSING_COLOUR = "#f0f0f0"


@dataclass(frozen=True)
class Segment:
    key: str
    value: float


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]
    total: float | None  # None: the whole row is hidden


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def _text_colour(background: str) -> str:
    red, green, blue = (int(background[position : position + 2], 16) for position in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#000000" if luminance > 140 else "#ffffff"


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    series: Sequence[Series],
    hidden_label: str,
) -> str:
    """A 100 % stacked horizontal bar per row, in the order of `series`, with its legend underneath."""
    colours = {item.key: item.colour for item in series}
    legend = [*series, Series("hidden", hidden_label, HIDDEN_COLOUR)]
    legend_rows = (len(legend) + 2) // 3
    height = len(bars) * ROW_HEIGHT + 16 + legend_rows * LEGEND_ROW + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(bars):
        top = 8 + row * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT / 2 + 4:.1f}" text-anchor="end" {FONT} '
            f'fill="#1a1a1a">{escape(_short(bar.label))}</text>'
        )
        if not bar.total:
            parts.append(_rect(LABEL_WIDTH, top, BAR_WIDTH, HIDDEN_COLOUR, f"{bar.label}: {hidden_label}"))
            continue
        left = float(LABEL_WIDTH)
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            width = BAR_WIDTH * segment.value / bar.total
            colour = colours.get(segment.key, HIDDEN_COLOUR)
            share = round(100 * segment.value / bar.total)
            name = next((item.label for item in legend if item.key == segment.key), segment.key)
            parts.append(_rect(left, top, width, colour, f"{bar.label}, {name}: {share} %"))
            if width >= 34:
                parts.append(
                    f'<text x="{left + width / 2:.1f}" y="{top + BAR_HEIGHT / 2 + 4:.1f}" text-anchor="middle" '
                    f'{FONT} fill="{_text_colour(colour)}">{share} %</text>'
                )
            left += width
    legend_top = 8 + len(bars) * ROW_HEIGHT + 8
    for position, item in enumerate(legend):
        x = 10 + (position % 3) * (WIDTH // 3)
        y = legend_top + (position // 3) * LEGEND_ROW
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{item.colour}" stroke="#555555" '
            'stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{x + 20}" y="{y + 11}" {FONT} fill="#1a1a1a">{escape(_short(item.label, 28))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _rect(x: float, y: float, width: float, colour: str, tooltip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}" '
        f'stroke="#ffffff" stroke-width="0.5"><title>{escape(tooltip)}</title></rect>'
    )


def option_colours(count: int, *, ordered: bool) -> list[str]:
    """Colours for an item's options: a low-to-high scale for Likert items, distinct hues otherwise."""
    if not ordered:
        return [NEUTRAL_COLOURS[index % len(NEUTRAL_COLOURS)] for index in range(count)]
    if count <= 2:
        return [SCALE_COLOURS[0], SCALE_COLOURS[3]][:count]
    if count == 3:
        return [SCALE_COLOURS[0], SCALE_COLOURS[2], SCALE_COLOURS[3]]
    if count == 4:
        return SCALE_COLOURS[:4]
    return (
        [*SCALE_COLOURS[:2], "#f7f7f7", *SCALE_COLOURS[2:4]][:count] if count == 5 else SCALE_COLOURS[:count]
    )
