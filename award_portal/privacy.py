"""Personal data at rest: encryption, a keyed hash for uniqueness, and masking.

The key comes from ``PORTAL_FIELD_ENCRYPTION_KEY`` (production) or, in development, is
derived from ``SECRET_KEY``. Losing the key loses the encrypted values: back it up with
the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _fernet() -> Fernet:
    return Fernet(settings.PORTAL_FIELD_ENCRYPTION_KEY)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("cannot decrypt: wrong PORTAL_FIELD_ENCRYPTION_KEY?") from None


def keyed_hash(plain: str) -> str:
    """A stable HMAC for equality look-ups (uniqueness) without storing the value."""
    key = base64.urlsafe_b64decode(settings.PORTAL_FIELD_ENCRYPTION_KEY)
    return hmac.new(key, plain.upper().encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """``110105********1234`` style: only the ends are shown."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    # value[-0:] would be the whole value: count the kept end from the start instead
    end = value[len(value) - keep_end :]
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + end


def derive_key(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"fields:{secret}".encode()).digest()).decode()
