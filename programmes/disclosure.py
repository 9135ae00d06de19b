"""Disclosure control: person counts below the threshold are never shown (DESIGN §6).

One place for the rule, so the public site, the evaluation reports and the programme apps' aggregates
(digital skills, ...) suppress the same way. The threshold is the setting ESSAIM_DISCLOSURE_THRESHOLD.
"""

from collections.abc import Collection, Hashable, Iterable

from django.conf import settings
from django.utils.formats import number_format


def disclosure_threshold() -> int:
    return int(settings.ESSAIM_DISCLOSURE_THRESHOLD)


def is_disclosable(count: int) -> bool:
    """May a figure about this many people be shown?"""
    return count >= disclosure_threshold()


def disclosed_count(count: int) -> str:
    """A person count as published: « < 11 » below the threshold, the number otherwise."""
    threshold = disclosure_threshold()
    if count < threshold:
        return f"< {threshold}"
    return str(number_format(count, force_grouping=True))


def reveals_small_group(total: Collection[Hashable], shown_parts: Iterable[Collection[Hashable]]) -> bool:
    """Secondary suppression: would showing a total beside its parts already shown let a reader subtract
    a group of people smaller than the threshold (the people of the total in none of the shown parts)?"""
    rest = set(total).difference(*shown_parts)
    return 0 < len(rest) < disclosure_threshold()
