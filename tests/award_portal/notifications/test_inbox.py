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


def test_a_title_longer_than_its_column_is_cut_and_the_email_keeps_it_whole(expert):
    """A title built from typed names (a round's, an applicant's) may be longer than the
    255 characters of its column; the change it reports must not fail for that."""
    from award_portal.notifications.models import OutboxMessage

    title = "关于" + "很长的名称" * 60 + "的通知"
    notification = notify(user=expert, title=title, email=True)
    notification.refresh_from_db()
    assert notification.title == title[:255]
    assert OutboxMessage.objects.get().subject == title


def test_a_closed_link_is_not_offered_and_costs_no_query(
    client, expert, django_assert_max_num_queries
):
    """A notification whose link was closed keeps its text, says the page is no longer
    open and offers no link; showing it costs no query per row."""
    from award_portal.notifications.services import notification_links_close

    client.force_login(expert)
    notify(user=expert, title="一", url="/review/", email=False)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("notifications:list"))
    for i in range(25):
        notify(
            user=expert, title=f"评审结果{i}", url=f"/review/stages/1/dossiers/{i}/", email=False
        )
    closed = notification_links_close(
        urls=[f"/review/stages/1/dossiers/{i}/" for i in range(25)], roles=["expert"]
    )
    assert closed == 25
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:list")).content.decode()
    assert "评审结果24" in page and 'href="/review/stages/1/dossiers/24/"' not in page
    assert page.count("该页面已不再向您开放。") == 25 and 'href="/review/"' in page
