"""Django's e-mail backend setting points here: every message sent with Django's own
``send_mail`` (or ``EmailMessage.send``) is stored in the outbox and sent by the worker.

``send_messages`` never talks to a mail server: it calls ``email_queue``, which stores
the message and, after the current transaction commits, enqueues its delivery. The
worker delivers through ``settings.OUTBOX_DELIVERY_BACKEND`` (the console by default,
SMTP from ``EMAIL_URL``); a failed delivery stays as ``failed`` for the retry task, so a
mail server being down never loses the message or slows the request that caused it.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMultiAlternatives

from .services import email_queue


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        """Returns how many messages were queued (not yet delivered)."""
        queued = 0
        for message in email_messages:
            if message.attachments:
                # The outbox keeps text, not files: link to the document instead.
                raise ValueError("the outbox does not keep attachments")
            recipients = [*message.to, *message.cc, *message.bcc]
            if not recipients:
                continue
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (content for content, mime in message.alternatives if mime == "text/html"),
                    "",
                )
            email_queue(
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                subject=message.subject,
                body=message.body,
                html_body=html,
                from_email=message.from_email,
            )
            queued += 1
        return queued
