"""Durations as people read them: "45 min", "1 h 05"."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes_hm(minutes: int | float | None) -> str:
    if minutes is None or minutes == "":
        return "—"
    total = round(float(minutes))
    hours, rest = divmod(total, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}


@register.filter
def seconds_hm(seconds: int | float | None) -> str:
    if seconds is None or seconds == "":
        return "—"
    return minutes_hm(round(float(seconds) / 60))
