"""Six people press the button at once with the same user name or e-mail address.

Real threads against the real database: exactly one account results, the others get the
form's message in their language, no server error, nothing half-created.
"""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import OutboxMessage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RACERS = 6


def race(clients: list[Client], url: str, forms: list[dict]) -> list[tuple[int, str]]:
    """POST each form with its own client, all released together. Returns (status, page)
    per racer; a server error is ("error", message)."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(index: int) -> None:
        try:
            barrier.wait()
            response = clients[index].post(url, forms[index])
            results[index] = (response.status_code, response.content.decode())
        except Exception as error:  # the test client re-raises a view's exception
            results[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def registration(n: int, *, username: str, email: str) -> dict:
    return {
        "kind": "organisation",
        "display_name": f"赛跑公司{n}",
        "username": username,
        "email": email,
        "password1": "Racing-Quality-2026",
        "password2": "Racing-Quality-2026",
    }


def staff(n: int, *, username: str, email: str) -> dict:
    return {
        "role": "expert",
        "working_group_position": "",
        "display_name": f"专家{n}",
        "username": username,
        "email": email,
    }


def language_client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def assert_one_winner(results, message: str) -> None:
    assert not [r for r in results if r[0] == "error"], results
    statuses = sorted(status for status, _page in results)
    assert statuses == [200] * (RACERS - 1) + [302]
    for status, page in results:
        if status == 200:
            assert message in page


def assert_nothing_half_created(action: str, role: Role, *, besides: User | None = None) -> None:
    user = User.objects.exclude(pk=besides.pk if besides else None).get()
    assert list(user.groups.values_list("name", flat=True)) == [role.value]
    assert Group.objects.get(name=role).user_set.count() == 1
    assert AuditEvent.objects.filter(action=action).count() == 1
    assert OutboxMessage.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_six_registrations_with_one_user_name():
    forms = [
        registration(n, username="racer" if n % 2 else "RACER", email=f"r{n}@example.invalid")
        for n in range(RACERS)
    ]
    clients = [language_client("zh-hans") for _ in range(RACERS)]
    results = race(clients, reverse("accounts:register"), forms)
    assert_one_winner(results, "该用户名已被使用，请换一个。")
    assert_nothing_half_created(Action.REGISTERED, Role.APPLICANT)


def test_six_registrations_with_one_email_answer_in_english():
    forms = [
        registration(n, username=f"racer{n}", email="Same@Example.invalid") for n in range(RACERS)
    ]
    clients = [language_client("en") for _ in range(RACERS)]
    results = race(clients, reverse("accounts:register"), forms)
    assert_one_winner(results, "An account with this e-mail address already exists.")
    assert_nothing_half_created(Action.REGISTERED, Role.APPLICANT)


def office_clients(office) -> list[Client]:
    clients = []
    for _ in range(RACERS):
        client = language_client("zh-hans")
        client.force_login(office)
        clients.append(client)
    return clients


def test_six_staff_accounts_with_one_user_name(office):
    forms = [staff(n, username="expert", email=f"e{n}@example.invalid") for n in range(RACERS)]
    results = race(office_clients(office), reverse("accounts:user-create"), forms)
    assert_one_winner(results, "该用户名已被使用，请换一个。")
    assert_nothing_half_created(Action.STAFF_CREATED, Role.EXPERT, besides=office)


def test_six_staff_accounts_with_one_email(office):
    forms = [staff(n, username=f"expert{n}", email="pool@example.invalid") for n in range(RACERS)]
    results = race(office_clients(office), reverse("accounts:user-create"), forms)
    assert_one_winner(results, "该电子邮箱已注册过账户。")
    assert_nothing_half_created(Action.STAFF_CREATED, Role.EXPERT, besides=office)
