"""Thin Celery wrappers: each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task

from .services import outbox_deliver, outbox_retry_failed


@shared_task(name="notifications.outbox_deliver")
def outbox_deliver_task(message_id: int) -> bool:
    """Send one stored e-mail. A message already sent is not sent again; a failed
    delivery is kept on the row and retried by ``outbox_retry_failed``."""
    return outbox_deliver(message_id=message_id)


@shared_task(name="notifications.outbox_retry_failed")
def outbox_retry_failed_task() -> int:
    return outbox_retry_failed()
