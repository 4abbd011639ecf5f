"""A real Celery worker, in its own process, runs a task sent through the configured
broker (the embedded file-system broker in `make test`, Redis in CI's production pass)
and writes to the same database the test reads."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from award_portal.system.models import Heartbeat
from award_portal.system.tasks import heartbeat_record_task
from tests.helpers import database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker():
    queue = f"test-{uuid.uuid4().hex[:12]}"
    name = f"{queue}@ci"
    env = {**os.environ, "DATABASE_URL": database_url(), "C_FORCE_ROOT": "1"}
    process = subprocess.Popen(
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
            name,
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue, name
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest only when the test fails


def test_worker_process_runs_a_task_sent_through_the_broker(worker):
    queue, name = worker
    expected = os.environ.get("PORTAL_EXPECT_BROKER")
    if expected:
        assert settings.CELERY_BROKER_URL.startswith(f"{expected}://")
    assert not Heartbeat.objects.filter(hostname=name).exists()

    heartbeat_record_task.apply_async(queue=queue)
    heartbeat_record_task.apply_async(queue=queue)  # a retry or a second beat: one row

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        beat = Heartbeat.objects.filter(hostname=name).first()
        if beat is not None and beat.beats == 2:
            break
        time.sleep(0.5)
    beat = Heartbeat.objects.get(hostname=name)
    assert beat.beats == 2
