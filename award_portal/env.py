"""Typed, fail-fast readers for configuration taken from the environment.

Every reader raises ``ImproperlyConfigured`` naming the variable when a value cannot be
parsed, so a typo in a deployment stops the process at start-up instead of running with a
silently different setting.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings_from_url(url: str) -> dict[str, object]:
    """Translate ``EMAIL_URL`` into Django's EMAIL_* settings.

    Supported: ``console://``, ``smtp://user:password@host:port`` (``?tls=true`` for
    STARTTLS) and ``smtps://...`` (implicit TLS). The backend itself is always the outbox,
    which keeps every message in the database and hands it to the backend chosen here.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "console":
        # Prints headers decoded (a Chinese subject stays readable), unlike Django's own.
        return {"OUTBOX_DELIVERY_BACKEND": "award_portal.notifications.console.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        if not parsed.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL needs a host: {url!r}")
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        use_tls = query.get("tls", "false").lower() in _TRUE
        return {
            "OUTBOX_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname,
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": use_tls and scheme == "smtp",
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme must be console, smtp or smtps, not {parsed.scheme!r}"
    )
