"""The e-mail backend: keep every message in the outbox, then deliver it.

Delivery goes through ``settings.OUTBOX_DELIVERY_BACKEND`` (console by default, SMTP from
``EMAIL_URL``). A failed delivery leaves the message as ``failed`` for the retry task
instead of raising into the request that caused it, so a mail server being down never
loses the message or the user's work.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMultiAlternatives

from .models import OutboxMessage
from .services import outbox_deliver

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        delivered = 0
        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (content for content, mime in message.alternatives if mime == "text/html"),
                    "",
                )
            stored = OutboxMessage.objects.create(
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                subject=message.subject,
                body=message.body,
                html_body=html,
            )
            if outbox_deliver(message_id=stored.pk, connection=self._delivery()):
                delivered += 1
        return delivered

    def _delivery(self):
        return get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
