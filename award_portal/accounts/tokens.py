"""Signed, time-limited e-mail confirmation tokens.

The token signs the user's id together with the address it confirms, so a link sent to
an old address stops working once the address changes, and a link confirms only once.
"""

from django.conf import settings
from django.core import signing

_SALT = "accounts.email-confirmation"


def make_confirmation_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=_SALT, compress=True)


def read_confirmation_token(token: str) -> tuple[int, str]:
    """Return (user id, e-mail). Raises ``signing.BadSignature`` (or its subclass
    ``SignatureExpired``) for a forged, mangled or expired token."""
    data = signing.loads(token, salt=_SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
    return int(data["u"]), str(data["e"])
