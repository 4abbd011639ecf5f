"""The reminder sweep run by a real worker process: sent twice, it reminds once."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from award_portal.notifications.models import Notification
from award_portal.workdays.services import deadline_create
from award_portal.workdays.tasks import reminders_sweep_task
from tests.helpers import database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def test_worker_sends_each_reminder_once(office):
    deadline_create(
        kind="test",
        label="资格审查：工人测试",
        start_date=date(2026, 6, 15),
        working_days=10,
        responsible=[office],
    )  # due 2026-06-30
    queue = f"reminders-{os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, "DATABASE_URL": database_url(), "C_FORCE_ROOT": "1"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "award_portal",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@ci",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        reminders_sweep_task.apply_async(args=["2026-06-26"], queue=queue)
        reminders_sweep_task.apply_async(args=["2026-06-26"], queue=queue)  # a retry
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Notification.objects.exists():
            time.sleep(0.5)
        time.sleep(3)  # give the second task time to (not) add a duplicate
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert Notification.objects.filter(user=office).count() == 1
