import pytest
from django.urls import reverse

from award_portal.notifications.models import Notification
from award_portal.notifications.services import notify

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_user_sees_only_own_notifications_and_marks_them_read(client, office, expert):
    mine = notify(user=expert, title="评审任务", email=False)
    notify(user=office, title="办公室的提醒", email=False)
    client.force_login(expert)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "评审任务" in page and "办公室的提醒" not in page
    client.post(reverse("notifications:read"), {"id": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_another_users_notification_changes_nothing(client, office, expert):
    theirs = notify(user=office, title="办公室的提醒", email=False)
    client.force_login(expert)
    client.post(reverse("notifications:read"), {"id": theirs.pk})
    client.post(reverse("notifications:read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_count_shows_in_the_navigation(client, expert):
    notify(user=expert, title="一", email=False)
    notify(user=expert, title="二", email=False)
    client.force_login(expert)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert '<span class="badge">2' in body
    client.post(reverse("notifications:read"))
    assert Notification.objects.filter(user=expert, read_at__isnull=True).count() == 0


def test_inbox_query_count_is_constant(client, expert, django_assert_max_num_queries):
    client.force_login(expert)
    notify(user=expert, title="一", email=False)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("notifications:list"))
    for i in range(25):
        notify(user=expert, title=f"提醒{i}", email=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))
