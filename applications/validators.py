"""Check characters of Chinese identifiers, as their national standards define them.

Every identifier is normalised before it is validated, encrypted or hashed: one number
typed with full-width digits (an input method's default), with "x" or with spaces must
be the same number, or the same person registers twice under one ID number.
"""

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def _normalise_identifier(value: str) -> str:
    """NFKC (full-width "１Ｘ" and superscript "¹" become "1X" and "1"), any other decimal
    digit ("٣") as its ASCII digit, upper case, no spaces. What is still not ASCII
    afterwards is refused by the validators below."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
        for char in text
    )
    return "".join(text.split()).upper()


def normalise_uscc(value: str) -> str:
    return _normalise_identifier(value)


def validate_uscc(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character."""
    code = normalise_uscc(value)
    if not code.isascii():
        raise ValidationError(
            _("Type the credit code with the digits 0-9 and the letters A-Z only."),
            code="uscc_characters",
        )
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V and Z."
            ),
            code="uscc_format",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _(
                "This unified social credit code is not valid: its check character does not "
                "match. Please copy it again from the business licence."
            ),
            code="uscc_check",
        )


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return _normalise_identifier(value)


def validate_id_number(value: str) -> None:
    """居民身份证号码 (GB 11643-1999): 17 digits, a check digit (0-9 or X), a real birth date."""
    number = normalise_id_number(value)
    if not number.isascii():
        raise ValidationError(
            _("Type the ID number with the digits 0-9 and the letter X only."),
            code="id_characters",
        )
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_format",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born > date.today() or born.year < 1900:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."), code="id_birth"
        )
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number is not valid: its check digit does not match."), code="id_check"
        )
