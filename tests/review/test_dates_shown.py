"""The expert's invitation and the expert's pages read their dates in Chinese
(2026年6月3日, 2026年6月9日24时), never ISO."""

import pytest
from django.urls import reverse

from award_portal.notifications.models import Notification
from tests.review._panels_world import world_fixture  # noqa: F401
from tests.visible import iso_dates_in, visible_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_the_invitation_and_the_experts_pages_read_chinese_dates(client, world):
    invitation = Notification.objects.get(user=world.invited.user, title__contains="邀请")
    assert "年" in invitation.body and iso_dates_in(invitation.body) == []
    for expert in (world.invited, world.leader):
        for row in Notification.objects.filter(user=expert.user):
            assert iso_dates_in(f"{row.title} {row.body}") == [], row.title
        client.force_login(expert.user)
        for url in (reverse("review:expert-home"), "/notifications/"):
            text = visible_text(client.get(url).content.decode())
            assert iso_dates_in(text) == [], (expert, url)
    client.force_login(world.leader.user)
    home = visible_text(client.get(reverse("review:expert-home")).content.decode())
    assert "24时前提交" in home
