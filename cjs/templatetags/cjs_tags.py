"""Template helpers of the CJS app: amounts of money as people write them."""

from decimal import Decimal

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def euros(value: Decimal | int | float | str | None) -> str:
    """1250.5 → "1 250,50 €" in French, "1,250.50 €" in English (plain spaces: PDF fonts lack the narrow one)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}"
    if (translation.get_language() or "fr").startswith("fr"):
        text = text.replace(",", " ").replace(".", ",")
    return f"{text} €"


@register.filter
def hours(value: Decimal | int | float | None) -> str:
    """3.50 → "3,5" in French, "3.5" in English."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).normalize():f}"
    if (translation.get_language() or "fr").startswith("fr"):
        text = text.replace(".", ",")
    return text
