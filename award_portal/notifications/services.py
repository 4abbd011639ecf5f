import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def outbox_deliver(*, message_id: int, connection=None) -> bool:
    """Try to deliver one stored message; record the outcome on it.

    Idempotent: a message already sent is not sent again (the row is locked while it is
    delivered, so two retries cannot both send it). Returns whether it is now sent.
    """
    with transaction.atomic():
        stored = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if stored is None or stored.status == OutboxStatus.SENT:
            return stored is not None
        email = EmailMultiAlternatives(
            subject=stored.subject,
            body=stored.body,
            from_email=stored.from_email,
            to=stored.to,
            cc=stored.cc,
            bcc=stored.bcc,
            connection=connection
            or get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False),
        )
        if stored.html_body:
            email.attach_alternative(stored.html_body, "text/html")
        stored.attempts += 1
        try:
            email.send()
        except Exception as error:  # any delivery failure is kept on the row for a retry
            logger.warning("e-mail %s not delivered: %s", stored.pk, error)
            stored.status = OutboxStatus.FAILED
            stored.last_error = str(error)[:2000]
            stored.save(update_fields=["status", "attempts", "last_error"])
            return False
        stored.status = OutboxStatus.SENT
        stored.sent_at = timezone.now()
        stored.last_error = ""
        stored.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return True


def outbox_retry_failed() -> int:
    """Retry every failed message that has attempts left. Returns how many went out."""
    ids = list(
        OutboxMessage.objects.filter(
            status=OutboxStatus.FAILED, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    return sum(outbox_deliver(message_id=pk) for pk in ids)


def notify(*, user, title: str, body: str = "", url: str = "", email: bool = True):
    """Tell ``user`` something: an in-app notification, and an e-mail after commit.

    Side effects, in order: one ``Notification`` row; after the transaction commits,
    one e-mail (kept in the outbox) to the user's address when ``email`` is true.
    """
    from django.core.mail import send_mail

    from .models import Notification

    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    if email and user.email:
        link = f"{settings.PORTAL_BASE_URL}{url}" if url else ""
        text = "\n\n".join(part for part in (body, link) if part)
        transaction.on_commit(lambda: send_mail(title, text, None, [user.email]))
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of ``user`` as read."""
    from .models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
