"""Thin Celery wrappers: take ids, load, call the builder (DESIGN §7)."""

from celery import shared_task


@shared_task(name="publicity.archive_build", acks_late=True)
def archive_build_task(archive_id: int) -> None:
    """Idempotent: a build already finished is left alone; a delivery repeated after a
    lost worker builds afresh."""
    from .archive import archive_build

    archive_build(archive_id)
