from celery import shared_task

from .services import outbox_retry_failed


@shared_task(name="notifications.outbox_retry_failed")
def outbox_retry_failed_task() -> int:
    return outbox_retry_failed()
