"""Two requests at once, with real threads on separate connections to the real database:
a double-clicked invitation answer, and two agency clerks giving the same dossier to two
panels. Each ends in one clear outcome: one change, the other told, no server error."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from review.enums import MemberState
from review.models import Assignment, PanelDossier
from review.services.panels import member_answer, member_invite, panel_create
from tests.factories.review import agency_user
from tests.review._panels_world import build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def race(clients: list[Client], url: str, forms: list[dict]) -> list[tuple]:
    """POST each form with its own client, all released together, following redirects.
    Returns (status, page) per racer; a server error is ("error", message)."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(index: int) -> None:
        try:
            barrier.wait()
            response = clients[index].post(url, forms[index], follow=True)
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


def logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    client.force_login(user)
    return client


@pytest.fixture
def world(cycle, office, applicant, org_dossier, edition_2021, person_user, person_dossier):
    return build_world(
        cycle=cycle,
        office=office,
        applicant=applicant,
        dossier=org_dossier,
        edition=edition_2021,
        more=[(person_user, person_dossier)],
    )


def test_a_double_clicked_acceptance_counts_once(world):
    member = world.member_of(world.invited)
    url = reverse("review:invitation-answer", args=[member.pk])
    clients = [logged_in(world.invited.user) for _ in range(2)]
    results = race(clients, url, [{"answer": "accept", "reason": ""}] * 2)
    assert not [r for r in results if r[0] == "error"], results
    pages = [page for _status, page in results]
    assert sum("您已加入“第一评审组”" in page for page in pages) == 1
    assert sum("您已答复过该邀请。" in page for page in pages) == 1
    member.refresh_from_db()
    assert member.state == MemberState.ACCEPTED
    assert (
        AuditEvent.objects.filter(action="review.member_answered", actor=world.invited.user).count()
        == 1
    )
    assert Assignment.objects.filter(expert=world.invited).count() == 1


def test_accepting_and_declining_at_once_keeps_one_answer(world):
    member = world.member_of(world.invited)
    url = reverse("review:invitation-answer", args=[member.pk])
    clients = [logged_in(world.invited.user) for _ in range(2)]
    results = race(
        clients,
        url,
        [{"answer": "accept", "reason": ""}, {"answer": "decline", "reason": "临时有事"}],
    )
    assert not [r for r in results if r[0] == "error"], results
    assert sum("您已答复过该邀请。" in page for _status, page in results) == 1
    member.refresh_from_db()
    events = AuditEvent.objects.filter(action="review.member_answered", actor=world.invited.user)
    assert events.count() == 1
    assert events.get().details["accepted"] == (member.state == MemberState.ACCEPTED)
    offers = Assignment.objects.filter(expert=world.invited).count()
    assert offers == (1 if member.state == MemberState.ACCEPTED else 0)


def test_two_clerks_giving_one_dossier_to_two_panels(world, office, person_dossier):
    second = panel_create(actor=world.staff, stage=world.stage, name="第二评审组")
    member_invite(actor=world.staff, panel=second, expert=world.unassigned)
    member_answer(actor=world.unassigned.user, member=second.members.get(), accept=True)
    colleague = agency_user(office, world.staff.agency_staff.agency)
    url = reverse("review:dossier-panel", args=[world.stage.pk, person_dossier.pk])
    forms = [
        {"action": "assign", "panel": world.panel.pk, "from_panel": ""},
        {"action": "assign", "panel": second.pk, "from_panel": ""},
    ]
    results = race([logged_in(world.staff), logged_in(colleague)], url, forms)
    assert not [r for r in results if r[0] == "error"], results
    (item,) = PanelDossier.objects.filter(stage=world.stage, dossier=person_dossier)
    winner = 0 if item.panel_id == world.panel.pk else 1
    person_dossier.refresh_from_db()
    number = person_dossier.number
    assert f"{number}已分配给“{item.panel.name}”。" in results[winner][1]
    assert (
        f"在此期间{number}已分配给“{item.panel.name}”，本次未作任何变更" in results[1 - winner][1]
    )
    assert (
        AuditEvent.objects.filter(
            action="review.dossier_assigned", target_id=str(person_dossier.pk)
        ).count()
        == 1
    )
    # offers only to the winning panel's accepted members
    offered = set(Assignment.objects.filter(dossier=person_dossier).values_list("panel", flat=True))
    assert offered == {item.panel_id}
