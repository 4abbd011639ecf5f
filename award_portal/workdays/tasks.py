from dataclasses import asdict
from datetime import date

from celery import shared_task

from .reminders import reminders_sweep


@shared_task(name="workdays.reminders_sweep")
def reminders_sweep_task(today: str | None = None) -> dict:
    """The daily sweep. ``today`` (ISO date) re-runs a missed day; reminders already
    sent are never sent again."""
    return asdict(reminders_sweep(today=date.fromisoformat(today) if today else None))
