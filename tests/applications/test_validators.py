import pytest
from django.core.exceptions import ValidationError

from applications.validators import (
    id_check_digit,
    normalise_id_number,
    normalise_uscc,
    uscc_check_character,
    validate_id_number,
    validate_uscc,
)

pytestmark = pytest.mark.unit


def test_uscc_check_character_of_a_published_example():
    assert uscc_check_character("91350100M000100Y4") == "3"
    validate_uscc("91350100M000100Y43")
    validate_uscc(" 91350100m000100y43 ")  # spaces and lower case are normalised


@pytest.mark.parametrize(
    "code", ["91350100M000100Y44", "91350100M000100Y4", "91350100M00010OY43", "9135O100M000100Y43"]
)
def test_uscc_wrong_check_character_length_or_letters_are_refused(code):
    with pytest.raises(ValidationError):
        validate_uscc(code)


def test_id_number_check_digit_of_the_standards_example():
    assert id_check_digit("11010519491231002") == "X"
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_check"),
        ("11010519491331002X", "id_birth"),
        ("1101051949123100", "id_format"),
        ("11010519491231002Y", "id_format"),
    ],
)
def test_bad_id_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


FULL_WIDTH = str.maketrans("0123456789XY", "０１２３４５６７８９ＸＹ")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width, as typed
        ("11010519491231002ｘ", "11010519491231002X"),
        ("110105 1949 1231 002x", "11010519491231002X"),
        ("110105\u30001949\u3000123100２X", "11010519491231002X"),  # ideographic spaces
        ("1101051949123100¹X", "11010519491231001X"),  # a superscript is its digit
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "11010519491231002X"),  # Arabic-Indic digits
    ],
)
def test_an_id_number_is_normalised_to_ascii_before_it_is_checked(typed, normalised):
    assert normalise_id_number(typed) == normalised


def test_a_full_width_credit_code_is_the_same_code():
    wide = "91350100M000100Y43".translate(FULL_WIDTH).replace("M", "Ｍ")
    assert normalise_uscc(wide) == "91350100M000100Y43"
    validate_uscc(wide)


@pytest.mark.parametrize(
    "number", ["11010519491231002十", "1101051949123100二X", "𐩀1010519491231002X"]
)
def test_an_id_number_still_not_ascii_after_normalising_is_refused(number):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == "id_characters"


@pytest.mark.parametrize("code", ["91350100M000100Y4三", "9135０100M000100Ｙ4Ö"])
def test_a_credit_code_still_not_ascii_after_normalising_is_refused(code):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == "uscc_characters"


def test_a_superscript_digit_is_a_message_not_an_error():
    """``"¹".isdigit()`` is true but ``int("¹")`` fails: this used to be a server error."""
    validate_id_number("1¹010519491231002X")  # read as 11010519491231002X: valid
    with pytest.raises(ValidationError) as caught:
        validate_id_number("1²010519491231002X")
    assert caught.value.code == "id_check"  # read as 12010519…, whose check digit differs
