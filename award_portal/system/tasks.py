from celery import shared_task

from .services import heartbeat_record


@shared_task(bind=True, name="system.heartbeat_record")
def heartbeat_record_task(self) -> int:
    return heartbeat_record(hostname=self.request.hostname or "unknown").pk
