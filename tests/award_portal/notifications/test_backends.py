import pytest
from django.core import mail
from django.core.mail import send_mail

from award_portal.notifications.models import OutboxMessage, OutboxStatus
from award_portal.notifications.services import outbox_deliver, outbox_retry_failed

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "award_portal.notifications.backends.OutboxEmailBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_every_message_is_kept_and_delivered(outbox_backend):
    send_mail("资格审查通知", "正文", None, ["applicant@example.invalid"])
    stored = OutboxMessage.objects.get()
    assert stored.status == OutboxStatus.SENT
    assert stored.to == ["applicant@example.invalid"]
    assert stored.attempts == 1
    assert [m.subject for m in mail.outbox] == ["资格审查通知"]


def test_a_failed_delivery_is_kept_for_retry_and_never_sent_twice(outbox_backend, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "tests.award_portal.notifications.failing.EmailBackend"
    sent = send_mail("补正材料通知书", "正文", None, ["applicant@example.invalid"])
    assert sent == 0
    stored = OutboxMessage.objects.get()
    assert stored.status == OutboxStatus.FAILED
    assert "mail server down" in stored.last_error

    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_retry_failed() == 1
    assert outbox_retry_failed() == 0
    assert outbox_deliver(message_id=stored.pk) is True  # already sent: nothing more goes out
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT and stored.attempts == 2
    assert len(mail.outbox) == 1
