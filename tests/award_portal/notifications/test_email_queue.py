"""email_queue: stored in the transaction, delivered by the Celery task after commit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from award_portal.notifications.models import Notification, OutboxMessage, OutboxStatus
from award_portal.notifications.services import (
    QUEUED_GRACE,
    email_queue,
    notify,
    office_signature,
    outbox_retry_failed,
)
from award_portal.notifications.tasks import outbox_deliver_task

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_email_queue_stores_then_delivers_after_commit():
    with transaction.atomic():
        stored = email_queue(to=["expert@example.invalid"], subject="评审任务", body="正文")
        assert stored.status == OutboxStatus.QUEUED
        assert mail.outbox == []  # not inside the transaction
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT and stored.attempts == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("评审任务", ["expert@example.invalid"])]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_no_email():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to=["expert@example.invalid"], subject="评审任务", body="正文")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_line_break_in_the_subject_cannot_add_a_header():
    email_queue(
        to=["applicant@example.invalid"],
        subject="申报已受理：某公司\r\nBcc: spy@example.invalid",
        body="正文",
    )
    (sent,) = mail.outbox
    assert sent.subject == "申报已受理：某公司 Bcc: spy@example.invalid"
    assert sent.bcc == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_email_queue_needs_a_recipient():
    with pytest.raises(ValueError):
        email_queue(to=["  "], subject="x", body="y")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_same_key_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = email_queue(to=["a@example.invalid"], subject="一", body="x", key="k:1")
        again = email_queue(to=["a@example.invalid"], subject="一", body="x", key="k:1")
        email_queue(to=["a@example.invalid"], subject="二", body="x")
        email_queue(to=["a@example.invalid"], subject="三", body="x")  # no key: no dedup
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 3
    assert len(callbacks) == 3


@pytest.mark.django_db
def test_delivery_task_has_a_stable_name_and_runs_once_per_message(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        stored = email_queue(to=["a@example.invalid"], subject="通知", body="x")
    assert outbox_deliver_task.name == "notifications.outbox_deliver"
    outbox_deliver_task.apply(args=[stored.pk])
    outbox_deliver_task.apply(args=[stored.pk])  # a retry of a delivered message
    outbox_deliver_task.apply(args=[stored.pk + 1000])  # a message that no longer exists
    assert len(mail.outbox) == 1
    stored.refresh_from_db()
    assert stored.attempts == 1


@pytest.mark.django_db
def test_the_sweep_sends_messages_whose_task_was_lost_and_leaves_fresh_ones(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got them
        lost = email_queue(to=["a@example.invalid"], subject="丢失的任务", body="x")
        fresh = email_queue(to=["b@example.invalid"], subject="刚排队", body="x")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=lost.pk).update(
        created_at=now - QUEUED_GRACE - timedelta(seconds=1)
    )
    OutboxMessage.objects.filter(pk=fresh.pk).update(
        created_at=now - QUEUED_GRACE + timedelta(seconds=30)
    )
    assert outbox_retry_failed() == 1
    assert [m.subject for m in mail.outbox] == ["丢失的任务"]
    fresh.refresh_from_db()
    assert fresh.status == OutboxStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_notify_sends_through_the_queue_with_greeting_and_signature(expert, settings):
    settings.PORTAL_OFFICE_NAME = "二连浩特市市长质量奖评审专项工作协调办公室"
    settings.PORTAL_OFFICE_PHONE = "0479-7512345"
    expert.display_name = "李强"
    expert.save()
    notify(user=expert, title="评审任务已分配", body="请在5个工作日内完成评分。", url="/review/")
    assert Notification.objects.filter(user=expert).count() == 1
    (sent,) = mail.outbox
    assert sent.subject == "评审任务已分配"
    assert sent.body.startswith("尊敬的李强：\n")
    assert "请在5个工作日内完成评分。" in sent.body
    assert "http://127.0.0.1:8000/review/" in sent.body
    assert sent.body.rstrip().endswith(office_signature())
    assert "电话：0479-7512345" in sent.body
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_notify_without_email_queues_nothing(expert):
    notify(user=expert, title="提醒", email=False)
    assert not OutboxMessage.objects.exists()


@pytest.mark.unit
def test_office_signature_lists_the_settings_and_skips_empty_ones(settings):
    settings.PORTAL_OFFICE_NAME = "协调办公室"
    settings.PORTAL_OFFICE_ADDRESS = "二连浩特市某路1号"
    settings.PORTAL_OFFICE_PHONE = ""
    settings.PORTAL_OFFICE_EMAIL = "office@example.invalid"
    settings.PORTAL_OFFICE_HOURS = "工作日8:30—17:30"
    assert office_signature().splitlines() == [
        "协调办公室",
        "地址：二连浩特市某路1号",
        "电子邮箱：office@example.invalid",
        "办公时间：工作日8:30—17:30",
    ]
