"""The reminder sweep run by a real worker process: sent twice, it reminds once."""

import time
from datetime import date

import pytest

from award_portal.notifications.models import Notification
from award_portal.workdays.services import deadline_create
from award_portal.workdays.tasks import reminders_sweep_task
from tests.helpers import celery_worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_worker_sends_each_reminder_once(office):
    deadline_create(
        kind="test",
        label="资格审查：工人测试",
        start_date=date(2026, 6, 15),
        working_days=10,
        responsible=[office],
    )  # due 2026-06-30
    with celery_worker() as worker:
        reminders_sweep_task.apply_async(args=["2026-06-26"], queue=worker.queue)
        reminders_sweep_task.apply_async(args=["2026-06-26"], queue=worker.queue)  # a retry
        wait_until(Notification.objects.exists)
        time.sleep(3)  # give the second task time to (not) add a duplicate
    assert Notification.objects.filter(user=office).count() == 1
