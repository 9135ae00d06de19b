"""Cells of the tables of many learners, drawn in Python: a cohort's progress table has a cell per member
and course, and the same cell through template tags costs several times more."""

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lms.templatetags.lms_time import minutes_hm, seconds_hm

if TYPE_CHECKING:
    from lms.selectors import ProgressCell

register = template.Library()


@register.simple_tag
def progress_cell(cell: "ProgressCell | None") -> SafeString:
    """A member's progress in a course: bar, share of required lessons, completion, the two times."""
    if cell is None:
        return format_html('<span class="muted">{}</span>', _("Not enrolled"))
    completed = (
        format_html(' <span class="status status-completed">{}</span>', _("Completed"))
        if cell.enrolment.completed_at
        else ""
    )
    return format_html(
        '<progress max="100" value="{percent}" aria-hidden="true"></progress> {share}{completed}<br>'
        '<span class="time-pair"><span title="{estimated_title}">{estimated}</span> · '
        '<span title="{connected_title}">{connected}</span></span>',
        percent=cell.percent,
        share=_("%(percent)s %% (%(done)s/%(total)s)")
        % {"percent": cell.percent, "done": cell.done, "total": cell.total},
        completed=completed,
        estimated_title=_("Estimated time of completed activities"),
        estimated=_("estimated %(time)s") % {"time": minutes_hm(cell.time.estimated_minutes)},
        connected_title=_("Connected time"),
        connected=_("connected %(time)s") % {"time": seconds_hm(cell.time.connected_seconds)},
    )
