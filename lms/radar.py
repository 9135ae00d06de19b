"""A radar chart drawn on the server as inline SVG: geometry only, the template writes the markup.

Axis i points at -90° + 360°·i/n (the first one straight up, then clockwise); a value v on a scale of
0..maximum sits at v/maximum of the radius. A missing value (nobody answered) is drawn at the centre
and said so in the text alternative. Coordinates are strings with a dot, so the template never
localises them.
"""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 470, 300
CENTER_X, CENTER_Y = 235.0, 158.0
RADIUS = 115.0
LABEL_GAP = 12.0
LINE_HEIGHT = 15
LABEL_WIDTH = 13  # characters per line of an axis label


def _num(value: float) -> str:
    return f"{value:.1f}"


def angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def point(
    index: int, count: int, value: float, maximum: float, radius: float = RADIUS
) -> tuple[float, float]:
    distance = radius * max(0.0, min(value, maximum)) / maximum
    theta = angle(index, count)
    return CENTER_X + distance * math.cos(theta), CENTER_Y + distance * math.sin(theta)


def polygon(values: Sequence[float | None], maximum: float) -> str:
    """SVG `points` of a series: "x,y x,y …" in axis order."""
    count = len(values)
    return " ".join(
        f"{_num(x)},{_num(y)}"
        for x, y in (point(i, count, value or 0.0, maximum) for i, value in enumerate(values))
    )


@dataclass(frozen=True)
class AxisLabel:
    lines: list[str]
    x: str
    y: str
    anchor: str
    line_height: str = str(LINE_HEIGHT)


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    values: list[float | None]
    points: str
    dots: list[tuple[str, str]]


@dataclass(frozen=True)
class Radar:
    title: str
    description: str
    width: str
    height: str
    rings: list[tuple[str, str, str, str]]  # (points, label, label x, label y)
    spokes: list[tuple[str, str]]
    labels: list[AxisLabel]
    series: list[Series]
    center: tuple[str, str] = (_num(CENTER_X), _num(CENTER_Y))


def _label(index: int, count: int, text: str) -> AxisLabel:
    theta = angle(index, count)
    x = CENTER_X + (RADIUS + LABEL_GAP) * math.cos(theta)
    y = CENTER_Y + (RADIUS + LABEL_GAP) * math.sin(theta)
    lines = textwrap.wrap(text, LABEL_WIDTH) or [text]
    cos, sin = math.cos(theta), math.sin(theta)
    anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
    if sin < -0.5:  # above the chart: the last line sits on the axis end
        first = y - 2 - (len(lines) - 1) * LINE_HEIGHT
    elif sin > 0.5:  # below: the first line hangs under it
        first = y + 11
    else:
        first = y + 5 - (len(lines) - 1) * LINE_HEIGHT / 2
    return AxisLabel(lines=lines, x=_num(x), y=_num(first), anchor=anchor)


def format_level(value: float | None) -> str:
    """A mean level for people: one decimal in the active language, "—" when nobody answered."""
    return "—" if value is None else str(number_format(value, 1))


def radar_chart(
    *,
    title: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    maximum: int = 8,
    rings: Sequence[int] = (2, 4, 6, 8),
) -> Radar:
    """axes: the labels clockwise from the top; series: (name, css class, one value per axis)."""
    count = len(axes)
    drawn = []
    for name, css_class, values in series:
        values = list(values)
        dots = [point(i, count, value or 0.0, maximum) for i, value in enumerate(values)]
        drawn.append(
            Series(
                name=name,
                css_class=css_class,
                values=values,
                points=polygon(values, maximum),
                dots=[(_num(x), _num(y)) for x, y in dots],
            )
        )
    description = " ".join(
        _("%(series)s: %(values)s.")
        % {
            "series": item.name,
            "values": ", ".join(
                f"{axis} {format_level(value)}" for axis, value in zip(axes, item.values, strict=True)
            ),
        }
        for item in drawn
    )
    description += " " + _("Scale from 0 (not yet) to %(maximum)s; — means no level was given.") % {
        "maximum": maximum
    }
    ring_shapes = []
    for ring in rings:
        label_x, label_y = point(0, count, ring, maximum)
        ring_shapes.append(
            (polygon([ring] * count, maximum), str(ring), _num(label_x + 4), _num(label_y + 4))
        )
    spokes = [point(i, count, maximum, maximum) for i in range(count)]
    return Radar(
        title=title,
        description=description,
        width=str(WIDTH),
        height=str(HEIGHT),
        rings=ring_shapes,
        spokes=[(_num(x), _num(y)) for x, y in spokes],
        labels=[_label(i, count, text) for i, text in enumerate(axes)],
        series=drawn,
    )
