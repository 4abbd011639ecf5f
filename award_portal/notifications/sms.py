"""Delivering text messages (one-time codes to a phone), configured by ``PORTAL_SMS_URL``.

- ``console://`` (the default): the message is written to the log, as the console e-mail
  backend does; for development and for offices without a gateway yet.
- ``https://token@gateway.example/path`` (or ``http://`` on a private network): the
  message is POSTed as JSON ``{"to": "...", "text": "..."}`` with
  ``Authorization: Bearer <token>``; any answer other than 2xx is a failure, kept on the
  outbox row and retried. Most Chinese SMS providers offer (or an office's gateway can
  put in front of them) such a plain HTTP endpoint; the office's template signature is
  the gateway's business.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

logger = logging.getLogger("award_portal.sms")


def deliver_sms(*, to: str, text: str) -> None:
    url = settings.PORTAL_SMS_URL
    parts = urlsplit(url)
    if parts.scheme == "console":
        logger.info("SMS to %s: %s", to, text)
        print(f"[SMS to {to}] {text}", flush=True)
        return
    token = parts.username or ""
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in settings
        target,
        data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        if not 200 <= answer.status < 300:
            raise OSError(f"SMS gateway answered {answer.status}")
