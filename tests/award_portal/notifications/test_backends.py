"""Django's own ``send_mail`` goes through the outbox and the worker, like every e-mail."""

import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail

from award_portal.notifications.console import EmailBackend as ConsoleBackend
from award_portal.notifications.models import OutboxMessage, OutboxStatus
from award_portal.notifications.services import outbox_deliver, outbox_retry_failed

pytestmark = pytest.mark.integration


@pytest.mark.django_db
def test_send_mail_only_stores_the_message_until_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = send_mail("资格审查通知", "正文", None, ["applicant@example.invalid"])
    assert queued == 1
    stored = OutboxMessage.objects.get()
    assert stored.status == OutboxStatus.QUEUED and stored.attempts == 0
    assert mail.outbox == []  # nothing was delivered inside the transaction
    assert len(callbacks) == 1  # the delivery task, enqueued on commit


@pytest.mark.django_db(transaction=True)
def test_every_message_is_kept_and_delivered_by_the_task():
    send_mail("资格审查通知", "正文", None, ["applicant@example.invalid"])
    stored = OutboxMessage.objects.get()
    assert stored.status == OutboxStatus.SENT
    assert stored.to == ["applicant@example.invalid"]
    assert stored.attempts == 1
    assert [m.subject for m in mail.outbox] == ["资格审查通知"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_is_kept_for_retry_and_never_sent_twice(settings):
    settings.OUTBOX_DELIVERY_BACKEND = "tests.award_portal.notifications.failing.EmailBackend"
    assert send_mail("补正材料通知书", "正文", None, ["applicant@example.invalid"]) == 1
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


@pytest.mark.django_db
def test_an_attachment_is_refused_rather_than_silently_dropped():
    message = EmailMessage("通知书", "正文", to=["applicant@example.invalid"])
    message.attach("notice.pdf", b"%PDF-1.4", "application/pdf")
    with pytest.raises(ValueError, match="attachments"):
        message.send()
    assert not OutboxMessage.objects.exists()


@pytest.mark.unit
def test_console_backend_prints_a_chinese_subject_as_text():
    stream = io.StringIO()
    message = EmailMessage(
        "二连浩特市市长质量奖：请确认您的电子邮箱",
        "张三您好：\n\n请在三天内打开以下链接。",
        "二连浩特市市长质量奖 <noreply@localhost>",
        ["zhangsan@example.invalid"],
    )
    ConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: 二连浩特市市长质量奖：请确认您的电子邮箱" in printed
    assert "From: 二连浩特市市长质量奖 <noreply@localhost>" in printed
    assert "张三您好：" in printed
    assert "=?utf-8?" not in printed
