"""A real Celery worker, in its own process, runs a task sent through the configured
broker (the embedded file-system broker in `make test`, Redis in CI's production pass)
and writes to the same database the test reads."""

import os
import time

import pytest
from django.conf import settings

from award_portal.system.models import Heartbeat
from award_portal.system.tasks import heartbeat_record_task
from tests.helpers import celery_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    with celery_worker() as handle:
        yield handle.queue, handle.name


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
