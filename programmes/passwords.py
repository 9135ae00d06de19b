"""Password strength after the CNIL's recommendation (deliberation no. 2022-100 of 21 July 2022).

For a password used alone, the CNIL asks for about 80 bits of strength and gives three examples:
12 characters mixing upper-case and lower-case letters, digits and special characters; 14 characters
mixing upper-case and lower-case letters and digits; or a passphrase of at least 7 words. The
validator measures length * log2(size of the alphabets used) the way the CNIL does, and also accepts
a passphrase of 7 words or more."""

import math
import re
import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The CNIL counts 37 special characters in its examples; any other character counts as special too.
ALPHABETS = {"lower": 26, "upper": 26, "digit": 10, "special": 37}
REQUIRED_BITS = 80
PASSPHRASE_WORDS = 7
WORD = re.compile(r"[^\W\d_]{2,}")


def character_classes(password: str) -> set[str]:
    classes = set()
    for character in password:
        if character in string.ascii_lowercase or (character.isalpha() and character.islower()):
            classes.add("lower")
        elif character.isalpha() and character.isupper():
            classes.add("upper")
        elif character.isdigit():
            classes.add("digit")
        else:
            classes.add("special")
    return classes


def strength_bits(password: str) -> float:
    """The CNIL's measure: length * log2(size of the alphabets the password draws from)."""
    pool = sum(ALPHABETS[name] for name in character_classes(password))
    return len(password) * math.log2(pool) if pool else 0.0


def is_passphrase(password: str) -> bool:
    return len(WORD.findall(password)) >= PASSPHRASE_WORDS


class CnilPasswordValidator:
    """At least 80 bits as the CNIL measures them (rounded as in its examples), or a 7-word passphrase."""

    def validate(self, password: str, user: Any = None) -> None:
        if round(strength_bits(password)) >= REQUIRED_BITS or is_passphrase(password):
            return
        raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self) -> str:
        return _(
            "Your password must be strong enough: at least 12 characters mixing upper-case and lower-case "
            "letters, digits and special characters, or at least 14 characters mixing upper-case and "
            "lower-case letters and digits, or a passphrase of at least 7 words."
        )
