"""Thin Celery wrappers: load, call the service, return what it did."""

from dataclasses import asdict
from datetime import date

from celery import shared_task

from .services.reminders import review_reminders_sweep


@shared_task(name="review.reminders_sweep")
def review_reminders_sweep_task(today: str | None = None) -> dict:
    """The daily review sweep. ``today`` (ISO date) re-runs a missed day; reminders
    already sent are never sent again."""
    return asdict(review_reminders_sweep(today=date.fromisoformat(today) if today else None))
