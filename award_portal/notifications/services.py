"""E-mail and in-app notifications.

Every e-mail is first stored in the outbox (``OutboxMessage``) in the transaction of the
change it reports, then sent by the Celery worker: ``email_queue`` enqueues the delivery
task once the transaction commits. Nothing here talks to a mail server inside a web
request.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

# A message still queued after this long lost its task (the broker was down or dropped
# it); the retry sweep sends it instead.
QUEUED_GRACE = timedelta(minutes=10)


def office_signature() -> str:
    """The office's signature under every e-mail: its name, then the contact lines that
    are set (``PORTAL_OFFICE_*`` settings), one per line, in the active language."""
    lines = [settings.PORTAL_OFFICE_NAME]
    for template, value in (
        (_("Address: %(value)s"), settings.PORTAL_OFFICE_ADDRESS),
        (_("Telephone: %(value)s"), settings.PORTAL_OFFICE_PHONE),
        (_("E-mail: %(value)s"), settings.PORTAL_OFFICE_EMAIL),
        (_("Office hours: %(value)s"), settings.PORTAL_OFFICE_HOURS),
    ):
        if value:
            lines.append(template % {"value": value})
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """A header must be one line: a name typed with a line break (or stored before forms
    refused them) must not make the message undeliverable."""
    return " ".join(str(text).split())


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import outbox_deliver_task

    outbox_deliver_task.delay(message_id)


def email_queue(
    *,
    to: list[str],
    subject: str,
    body: str,
    html_body: str = "",
    from_email: str = "",
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    key: str = "",
) -> OutboxMessage:
    """Store one e-mail for the worker to send.

    Side effects, in order: one ``OutboxMessage`` row (queued) in the current
    transaction; after that transaction commits, a ``notifications.outbox_deliver`` task
    for it. If the broker cannot take the task, the error is logged and the message stays
    queued: the retry sweep sends it after ``QUEUED_GRACE``. If the transaction rolls
    back, the message disappears with it and nothing is sent.

    ``key`` makes a sender that may run twice (a retried task) idempotent: when a message
    with that key exists, it is returned and nothing new is queued.
    """
    if key:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing

    def clean(addresses) -> list[str]:
        return [str(a).strip() for a in addresses or [] if a and str(a).strip()]

    recipients, copies, blind = clean(to), clean(cc), clean(bcc)
    if not (recipients or copies or blind):
        raise ValueError("an e-mail needs at least one recipient")
    try:
        with transaction.atomic():
            stored = OutboxMessage.objects.create(
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                to=recipients,
                cc=copies,
                bcc=blind,
                subject=_one_line(subject)[:998],
                body=body,
                html_body=html_body,
                key=key[:200],
            )
    except IntegrityError:
        if not key:
            raise
        return OutboxMessage.objects.get(key=key)  # the same sender, a moment earlier
    transaction.on_commit(partial(_enqueue_delivery, stored.pk), robust=True)
    return stored


def sms_queue(*, to: str, text: str, key: str = "") -> OutboxMessage:
    """Store one text message for the worker to send (one-time codes to a phone).

    Side effects, in order: one ``OutboxMessage`` row (channel ``sms``) in the current
    transaction; after commit, the same delivery task as an e-mail, which hands it to
    the backend of ``PORTAL_SMS_URL`` (``sms.deliver_sms``).
    """
    phone = "".join(str(to).split())
    if not phone:
        raise ValueError("a text message needs a phone number")
    if key:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    stored = OutboxMessage.objects.create(
        channel=Channel.SMS,
        from_email="",
        to=[phone],
        subject=_one_line(text)[:60],
        body=text,
        key=key[:200],
    )
    transaction.on_commit(partial(_enqueue_delivery, stored.pk), robust=True)
    return stored


def outbox_deliver(*, message_id: int, connection=None) -> bool:
    """Try to deliver one stored message; record the outcome on it.

    Idempotent: a message already sent is not sent again (the row is locked while it is
    delivered, so two retries cannot both send it). Returns whether it is now sent.
    """
    with transaction.atomic():
        stored = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if stored is None or stored.status == OutboxStatus.SENT:
            return stored is not None
        if stored.channel == Channel.SMS:
            return _deliver_sms(stored)
        email = EmailMultiAlternatives(
            subject=_one_line(stored.subject),
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


def _deliver_sms(stored: OutboxMessage) -> bool:
    from .sms import deliver_sms

    stored.attempts += 1
    try:
        deliver_sms(to=stored.to[0], text=stored.body)
    except Exception as error:  # any delivery failure is kept on the row for a retry
        logger.warning("text message %s not delivered: %s", stored.pk, error)
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
    """Retry every failed message that has attempts left, and send every message still
    queued after ``QUEUED_GRACE`` (its task was lost). Returns how many went out."""
    stale = timezone.now() - QUEUED_GRACE
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.FAILED) | Q(status=OutboxStatus.QUEUED, created_at__lt=stale),
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(outbox_deliver(message_id=pk) for pk in ids)


def notify(*, user, title: str, body: str = "", url: str = "", email: bool = True):
    """Tell ``user`` something: an in-app notification, and the same as an e-mail.

    Side effects, in order: one ``Notification`` row; when ``email`` is true and the
    user has an address, one queued e-mail (``email_queue``: stored now, sent by the
    worker after commit) with a greeting, the text, the link and the office's signature.
    """
    from .models import Notification

    # A title is built from names people typed (a round's, an applicant's); it is cut to
    # its column rather than failing the change it reports. The e-mail keeps it whole.
    limit = Notification._meta.get_field("title").max_length
    notification = Notification.objects.create(user=user, title=title[:limit], body=body, url=url)
    if email and user.email:
        text = render_to_string(
            "notifications/email/notification.txt",
            {
                "name": user.get_full_name() or user.get_username(),
                "body": body or title,
                "link": f"{settings.PORTAL_BASE_URL}{url}" if url else "",
                "signature": office_signature(),
            },
        )
        email_queue(to=[user.email], subject=title, body=text.strip() + "\n")
    return notification


def notification_links_close(*, urls, roles=None, users=None) -> int:
    """Stop offering the links to ``urls`` in the notifications of the users (of
    ``roles``, or only ``users``, when given) who may no longer open those pages. Called
    by the service that takes the access away, in its transaction, which records the
    count in its audit row.

    Side effects: ``link_closed_at`` set on each such notification whose link is still
    open; the text and the address are kept. Returns how many links were closed.
    """
    from .models import Notification

    urls = [url for url in dict.fromkeys(urls) if url]
    if not urls:
        return 0
    open_links = Notification.objects.filter(url__in=urls, link_closed_at__isnull=True)
    if roles is not None:
        names = [str(getattr(role, "value", role)) for role in roles]
        open_links = open_links.filter(user__groups__name__in=names)
    if users is not None:
        open_links = open_links.filter(user__in=list(users))
    return open_links.update(link_closed_at=timezone.now())


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of ``user`` as read."""
    from .models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
