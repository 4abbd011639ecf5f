"""A real Celery worker process delivers an e-mail that a web request only queued."""

import pytest
from django.urls import reverse

from award_portal.notifications.models import OutboxMessage, OutboxStatus
from tests.helpers import celery_worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registration_queues_the_email_and_the_worker_sends_it(client, own_queue):
    response = client.post(
        reverse("accounts:register"),
        {
            "kind": "individual",
            "display_name": "巴雅尔",
            "username": "bayar",
            "email": "bayar@example.invalid",
            "password1": "Grassland-Quality-9",
            "password2": "Grassland-Quality-9",
        },
    )
    assert response.status_code == 302
    stored = OutboxMessage.objects.get()
    # The request answered without delivering: the message waits for the worker.
    assert stored.status == OutboxStatus.QUEUED and stored.attempts == 0

    with celery_worker(own_queue, env={"EMAIL_URL": "console://"}) as worker:
        wait_until(lambda: stored.refresh_from_db() or stored.status != OutboxStatus.QUEUED)
    output = worker.output
    assert stored.status == OutboxStatus.SENT and stored.attempts == 1
    # The console delivery printed the Chinese subject as text, not =?utf-8?b?...?=
    assert f"Subject: {stored.subject}" in output
    assert "尊敬的巴雅尔：" in output
