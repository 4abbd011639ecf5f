"""Password-reset and confirmation e-mails asked for by address: the same answer whether
or not the address is known (the lookup happens in the worker's task), and at most
``ACCOUNT_EMAIL_LIMIT_PER_HOUR`` requests an hour for one address."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.accounts.services import (
    password_reset_send,
    staff_account_create,
)
from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.integration

RESET = reverse("accounts:password-reset")
RESEND = reverse("accounts:confirm-resend")
TOO_MANY = "该邮箱一小时内申请发送邮件的次数过多，请稍后再试。"


def sql_shape(url, email) -> list[str]:
    """The statements a first-time visitor's request runs, with every literal (address,
    times, ids) and savepoint name blanked out."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(url, {"email": email})
    assert response.status_code == 302
    return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in queries]


def page_text(response) -> str:
    """The page without its per-response CSRF tokens."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RESET, RESEND], ids=["reset", "resend"])
def test_the_request_never_looks_the_address_up(expert, url):
    pending = UserFactory(is_active=False, email_confirmed_at=None, role=Role.APPLICANT)
    known = expert.email if url == RESET else pending.email
    # non-transactional test: the task queued on commit never runs here, so these are
    # exactly the request's own statements
    with_account = sql_shape(url, known)
    without_account = sql_shape(url, "nobody@example.invalid")
    assert with_account == without_account
    assert not any("accounts_user" in sql for sql in with_account)


@pytest.mark.django_db(transaction=True)
def test_reset_gives_the_same_page_and_mails_only_a_known_address(client, expert):
    known = client.post(RESET, {"email": expert.email.upper()}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.invalid"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert page_text(known) == page_text(unknown)
    assert [m.to for m in mail.outbox] == [[expert.email]]
    body = mail.outbox[0].body
    assert body.startswith(f"尊敬的{expert.display_name}：")
    assert "/accounts/password/reset/" in body
    assert "二连浩特市市长质量奖评审专项工作协调办公室" in body
    events = AuditEvent.objects.filter(action=Action.PASSWORD_RESET_REQUESTED)
    assert sorted(e.details["email"] for e in events) == [
        expert.email.lower(),
        "nobody@example.invalid",
    ]


@pytest.mark.django_db(transaction=True)
def test_reset_mail_is_written_in_the_language_of_the_request(client, expert):
    client.cookies["django_language"] = "en"
    client.post(RESET, {"email": expert.email})
    (sent,) = mail.outbox
    assert sent.subject == "Erenhot Mayor's Quality Award: reset your password"
    assert sent.body.startswith(f"Dear {expert.display_name},")


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_whose_welcome_link_expired_can_still_get_a_link(client, office):
    staff_account_create(
        actor=office,
        username="expert9",
        email="expert9@example.invalid",
        display_name="赵燕",
        role=Role.EXPERT,
    )
    mail.outbox.clear()
    client.post(RESET, {"email": "expert9@example.invalid"})
    assert [m.to for m in mail.outbox] == [["expert9@example.invalid"]]


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_account_gets_no_reset_link(client, expert):
    expert.is_active = False
    expert.save()
    client.post(RESET, {"email": expert.email})
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", [RESET, RESEND], ids=["reset", "resend"])
def test_at_most_the_limit_per_hour_for_one_address(client, settings, url):
    settings.ACCOUNT_EMAIL_LIMIT_PER_HOUR = 3
    user = UserFactory(role=Role.APPLICANT)
    if url == RESEND:
        user.is_active, user.email_confirmed_at = False, None
        user.save()
    start = datetime(2026, 6, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert client.post(url, {"email": user.email}).status_code == 302
            clock.shift(timedelta(minutes=1))
        refused = client.post(url, {"email": user.email})
        assert refused.status_code == 200 and TOO_MANY in refused.content.decode()
        assert len(mail.outbox) == 3
        # an unknown address is limited the same way, so the refusal reveals nothing
        for _ in range(3):
            client.post(url, {"email": "nobody@example.invalid"})
        assert TOO_MANY in client.post(url, {"email": "nobody@example.invalid"}).content.decode()
        # an hour after the first request, one more goes through
        clock.move_to(start + timedelta(hours=1))
        assert client.post(url, {"email": user.email}).status_code == 302
    assert len(mail.outbox) == 4
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED)
    assert denied.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_reset_task_run_twice_sends_one_email(client, expert):
    client.post(RESET, {"email": expert.email})
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET_REQUESTED)
    assert password_reset_send(request_id=event.pk) == 1  # a retry of the same task
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_resend_confirmation_mails_only_an_account_waiting_for_it(client, applicant):
    pending = UserFactory(
        username="pending", is_active=False, email_confirmed_at=None, role=Role.APPLICANT
    )
    for email in (pending.email, applicant.email, "nobody@example.invalid"):
        response = client.post(RESEND, {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:register-done")
    assert [m.to for m in mail.outbox] == [[pending.email]]
    assert "/accounts/confirm/" in mail.outbox[0].body
