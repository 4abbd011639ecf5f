"""The notifications of the ``make run`` demo, for every role: each link a notification
list offers opens (200) for its reader. A review stage that closed, or a title that was
revoked, took the reader's access to some pages away; those notifications keep their
text but no longer offer the link."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.accounts.management.commands.load_demo_data import DEMO_ACCOUNTS
from award_portal.accounts.models import User
from award_portal.notifications.models import Notification
from tests.factories.review import criteria_sets
from tests.helpers import links_that_refuse

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# the commands of ``make run``, in its order
MAKE_RUN = [
    "load_demo_data",
    "load_demo_cycle",
    "load_demo_review",
    "load_demo_award",
    "load_demo_supervision",
    "load_demo_data",
]


@pytest.fixture
def demo(settings, edition_2021):
    settings.DEBUG = True  # the demo commands refuse to run otherwise
    criteria_sets()
    moment = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        for name in MAKE_RUN:
            call_command(name, stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
        settings.DEBUG = False
        yield


def test_every_link_in_every_roles_notifications_opens(demo):
    assert {role for _name, role, *_rest in DEMO_ACCOUNTS} == set(Role)
    refused = {}
    offered = 0
    for username, *_rest in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        count = Notification.objects.filter(user=user).count()
        for page in range(1, count // 30 + 2):
            response = client.get(reverse("notifications:list"), {"page": page})
            assert response.status_code == 200, (username, page)
            html = response.content.decode()
            offered += sum(
                f'href="{url}"' in html
                for url in Notification.objects.filter(
                    user=user, link_closed_at__isnull=True
                ).values_list("url", flat=True)
                if url
            )
            found = links_that_refuse(client, html)
            if found:
                refused.setdefault(username, []).extend(found)
    assert refused == {}
    assert offered > 0  # the check looked at real links
    # the expert's notifications of the closed stages stay, without their links
    expert1 = User.objects.get(username="expert1")
    closed = Notification.objects.filter(user=expert1, link_closed_at__isnull=False)
    assert closed.exists() and all(n.title and n.url for n in closed)
