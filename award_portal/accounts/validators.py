"""The portal's password policy (Django's ``AUTH_PASSWORD_VALIDATORS``).

It applies wherever Django validates a password: registration, password change, reset,
a staff member choosing a password from the welcome link, and ``createsuperuser``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class PortalPasswordValidator:
    """At least ``min_length`` characters, with both letters and digits, and not
    containing the user name (case-insensitive)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password needs at least %(min_length)d character.",
                        "The password needs at least %(min_length)d characters.",
                        self.min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if not (
            any(char.isalpha() for char in password) and any(char.isdigit() for char in password)
        ):
            errors.append(
                ValidationError(
                    _("The password needs both letters and digits."),
                    code="password_letters_and_digits",
                )
            )
        username = (getattr(user, "username", "") or "").casefold()
        if username and username in password.casefold():
            errors.append(
                ValidationError(
                    _("The password must not contain your user name."),
                    code="password_contains_username",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character, with letters and digits, not containing "
            "your user name.",
            "At least %(min_length)d characters, with letters and digits, not containing "
            "your user name.",
            self.min_length,
        ) % {"min_length": self.min_length}
