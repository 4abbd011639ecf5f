"""The log-in lock, for the portal's log-in and the admin site's, at its boundaries.

A lock counts failed log-ins for a user name together with the address they came from,
plus all failures from one address; both from the audit trail.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PORTAL = reverse("accounts:login")
ADMIN = "/admin/login/"
HOME = "10.0.0.1"
ELSEWHERE = "203.0.113.9"
START = datetime(2026, 6, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    return settings


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def attempt(client, url, username, password=PASSWORD, ip=HOME):
    return client.post(
        url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, url, username, times, ip=HOME):
    for _ in range(times):
        response = attempt(client, url, username, "wrong-guess-1", ip)
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "persona_name"), [(PORTAL, "office"), (ADMIN, "superuser")], ids=["portal", "admin"]
)
def test_one_failure_below_the_limit_the_right_password_still_works(
    client, persona, limits, clock, url, persona_name
):
    user = persona(persona_name)
    fail(client, url, user.username, limits.LOGIN_FAILURE_LIMIT - 1)
    assert attempt(client, url, user.username).status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    ("url", "persona_name"), [(PORTAL, "office"), (ADMIN, "superuser")], ids=["portal", "admin"]
)
def test_at_the_limit_even_the_right_password_is_refused_and_recorded(
    client, persona, limits, clock, url, persona_name
):
    user = persona(persona_name)
    fail(client, url, user.username, limits.LOGIN_FAILURE_LIMIT)
    response = attempt(client, url, user.username)
    assert response.status_code == 200 and not logged_in(client)
    assert "登录失败次数过多，请于15分钟后再试" in response.content.decode()
    refused = AuditEvent.objects.get(action=Action.LOGIN_REFUSED)
    assert refused.outcome == Outcome.DENIED
    assert refused.actor_label == user.username and refused.source_ip == HOME
    # the refused attempt did not check the password: no further failure was recorded
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 3


def test_the_lock_lifts_when_the_failures_leave_the_window(client, office, limits, clock):
    fail(client, PORTAL, office.username, 3)
    clock.shift(timedelta(minutes=15) - timedelta(seconds=1))
    response = attempt(client, PORTAL, office.username)
    assert not logged_in(client)
    assert "请于1分钟后再试" in response.content.decode()
    clock.shift(timedelta(seconds=1))
    assert attempt(client, PORTAL, office.username).status_code == 302


def test_guesses_from_elsewhere_do_not_lock_the_office_out(client, office, limits, clock):
    fail(client, PORTAL, office.username, 10, ip=ELSEWHERE)
    assert attempt(client, PORTAL, office.username, ip=ELSEWHERE).status_code == 200
    assert attempt(client, PORTAL, office.username, ip=HOME).status_code == 302


def test_user_name_case_does_not_get_around_the_lock(client, office, limits, clock):
    fail(client, PORTAL, office.username.upper(), 3)
    attempt(client, PORTAL, office.username)
    assert not logged_in(client)


def test_one_address_trying_many_names_is_stopped_at_its_own_limit(client, office, limits, clock):
    for n in range(limits.LOGIN_ADDRESS_FAILURE_LIMIT - 1):  # 4 names, 1 failure each
        fail(client, PORTAL, f"guess{n}", 1, ip=ELSEWHERE)
    assert attempt(client, PORTAL, office.username, ip=ELSEWHERE).status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, PORTAL, "guess-last", 1, ip=ELSEWHERE)  # the fifth
    attempt(client, PORTAL, office.username, ip=ELSEWHERE)
    assert not logged_in(client)
    assert attempt(client, PORTAL, office.username, ip=HOME).status_code == 302


def test_a_successful_log_in_starts_the_count_again(client, office, limits, clock):
    fail(client, PORTAL, office.username, 2)
    assert attempt(client, PORTAL, office.username).status_code == 302
    client.post(reverse("accounts:logout"))
    clock.shift(timedelta(minutes=1))
    fail(client, PORTAL, office.username, 2)
    assert attempt(client, PORTAL, office.username).status_code == 302


def test_the_admin_lock_and_the_portal_lock_are_the_same(client, superuser, limits, clock):
    fail(client, PORTAL, superuser.username, 3)
    attempt(client, ADMIN, superuser.username)
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action=Action.LOGIN_REFUSED).count() == 1
