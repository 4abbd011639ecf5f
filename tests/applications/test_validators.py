import pytest
from django.core.exceptions import ValidationError

from applications.validators import (
    id_check_digit,
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
