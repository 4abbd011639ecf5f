"""Password policy: at least 10 characters, letters and digits, not the user name.

Checked at the validator's boundaries, then on every page where a password is chosen:
registration, change, reset, and a new staff member's first password.
"""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.accounts.services import staff_account_create
from award_portal.accounts.validators import PortalPasswordValidator
from tests.factories import PASSWORD

pytestmark = pytest.mark.integration

TOO_SHORT = "密码至少需要10个字符。"
LETTERS_AND_DIGITS = "密码须同时包含字母和数字。"
CONTAINS_USERNAME = "密码不得包含用户名。"


def codes(password, username="zhangsan"):
    try:
        PortalPasswordValidator(min_length=10).validate(password, User(username=username))
    except ValidationError as error:
        return sorted(e.code for e in error.error_list)
    return []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("grass2026", ["password_too_short"]),  # 9 characters
        ("grassl2026", []),  # 10 characters: the boundary
        ("grasslands", ["password_letters_and_digits"]),
        ("2026062012", ["password_letters_and_digits"]),
        ("x-ZhangSan-7", ["password_contains_username"]),  # any case
        (
            "zhangsan",
            ["password_too_short", "password_letters_and_digits", "password_contains_username"],
        ),
    ],
)
def test_validator_boundaries(password, expected):
    assert codes(password) == sorted(expected)


@pytest.mark.unit
def test_messages_are_chinese_and_the_help_text_says_the_rule():
    with pytest.raises(ValidationError) as caught:
        PortalPasswordValidator().validate("zhangsan", User(username="zhangsan"))
    assert caught.value.messages == [TOO_SHORT, LETTERS_AND_DIGITS, CONTAINS_USERNAME]
    assert PortalPasswordValidator().get_help_text() == (
        "至少10个字符，须同时包含字母和数字，不得包含用户名。"
    )


@pytest.mark.unit
def test_the_policy_is_what_django_validates_with():
    with pytest.raises(ValidationError, match="至少需要10个字符"):
        validate_password("Erenhot-1")
    validate_password("Erenhot-12")


@pytest.mark.django_db
def test_registration_refuses_a_password_with_the_user_name(client):
    response = client.post(
        reverse("accounts:register"),
        {
            "kind": "individual",
            "display_name": "巴雅尔",
            "username": "Bayar",
            "email": "bayar@example.invalid",
            "password1": "bayar-2026-quality",
            "password2": "bayar-2026-quality",
        },
    )
    assert response.status_code == 200
    assert CONTAINS_USERNAME in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_password_change_refuses_letters_only(client, office):
    client.force_login(office)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "quality-erenhot",
            "new_password2": "quality-erenhot",
        },
    )
    assert response.status_code == 200
    assert LETTERS_AND_DIGITS in response.content.decode()
    office.refresh_from_db()
    assert office.check_password(PASSWORD)


def reset_form_url(client, body: str) -> str:
    path = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    return client.get(path, follow=True).redirect_chain[-1][0]


@pytest.mark.django_db(transaction=True)
def test_password_reset_refuses_a_short_password(client, expert):
    client.post(reverse("accounts:password-reset"), {"email": expert.email})
    url = reset_form_url(client, mail.outbox[-1].body)
    response = client.post(url, {"new_password1": "Short-1", "new_password2": "Short-1"})
    assert response.status_code == 200
    assert TOO_SHORT in response.content.decode()
    expert.refresh_from_db()
    assert expert.check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_new_staff_member_chooses_a_first_password_under_the_policy(client, office):
    staff_account_create(
        actor=office,
        username="liqiang",
        email="liqiang@example.invalid",
        display_name="李强",
        role=Role.EXPERT,
    )
    url = reset_form_url(client, mail.outbox[-1].body)
    refused = client.post(
        url, {"new_password1": "LiQiang-2026-x", "new_password2": "LiQiang-2026-x"}
    )
    assert CONTAINS_USERNAME in refused.content.decode()
    accepted = client.post(
        url, {"new_password1": "Review-2026-x", "new_password2": "Review-2026-x"}
    )
    assert accepted.status_code == 302
    assert User.objects.get(username="liqiang").check_password("Review-2026-x")
