"""Every page of the panels, assignment and conflict area, asked by every persona.

A round or object the user may not know is a 404; a page the user may read but not act
on is a 403 for the action; roles without the review's pages get 403 and anonymous
visitors the log-in page. A conflicted expert gets exactly what an unassigned one gets.
Nothing of the dossier's contents (summaries, file titles) appears on any of these
pages, and the applicant's name appears only to those who may know it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from review.models import Assignment, PanelDossier, PanelMember
from tests.review._panels_world import SECRETS, world_fixture  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PERSONAS = [
    "office",
    "agency",
    "other_agency",
    "leader",
    "assigned",
    "unassigned",
    "conflicted",
    "working_group",
    "auditor",
    "applicant",
    "other_applicant",
    "anonymous",
]
EXPERTS = ["leader", "assigned", "unassigned", "conflicted"]
STAFF_ONLY = {"office": 200, "agency": 200, "other_agency": 404, "auditor": 200}
MANAGERS = {"office": 200, "agency": 200, "other_agency": 404, "auditor": 403}
OVERSEERS = {"office": 200, "agency": 403, "other_agency": 404, "auditor": 200}


def expected(table: dict, persona: str) -> int:
    if persona == "anonymous":
        return 302
    return table.get(persona, 403)


def user_of(world, persona, request):
    if persona == "anonymous":
        return None
    known = {
        "agency": world.staff,
        "other_agency": world.other_staff,
        "leader": world.leader.user,
        "assigned": world.assigned.user,
        "unassigned": world.unassigned.user,
        "conflicted": world.conflicted.user,
    }
    return known[persona] if persona in known else request.getfixturevalue(persona)


def client_for(world, persona, request) -> Client:
    client = Client()
    user = user_of(world, persona, request)
    if user is not None:
        client.force_login(user)
    return client


# who may see the applicant's name on a page at all
KNOWS_NAME = {"office", "agency", "auditor", "leader", "assigned", "conflicted"}


def check(world, request, url, table, *, method="get", data=None, name_for=KNOWS_NAME):
    failures = []
    name = world.dossier.applicant_name
    for persona in PERSONAS:
        client = client_for(world, persona, request)
        response = getattr(client, method)(url, data or {})
        want = expected(table, persona)
        if response.status_code != want:
            failures.append(f"{persona}: {response.status_code} (expected {want})")
            continue
        body = response.content.decode(errors="replace")
        if response.status_code == 302 and persona == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
        leaked = [s for s in SECRETS if s in body]
        if leaked:
            failures.append(f"{persona}: leaked {leaked}")
        if persona not in name_for and name in body:
            failures.append(f"{persona}: sees the applicant's name")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text"):
            assert "no-store" in response["Cache-Control"], persona
    assert failures == [], f"{url}: {failures}"


def test_panels_page(world, request):
    check(world, request, reverse("review:panels", args=[world.cycle.pk]), STAFF_ONLY)


def test_panel_detail(world, request):
    check(world, request, reverse("review:panel-detail", args=[world.panel.pk]), STAFF_ONLY)


def test_panel_create(world, request):
    check(world, request, reverse("review:panel-create", args=[world.stage.pk]), MANAGERS)


def test_proposal(world, request):
    check(world, request, reverse("review:propose", args=[world.stage.pk]), MANAGERS)


def test_member_remove_confirmation(world, request):
    url = reverse("review:member-remove", args=[world.member_of(world.assigned).pk])
    check(world, request, url, MANAGERS)


def test_dossier_panel_confirmation(world, request):
    url = reverse("review:dossier-panel", args=[world.stage.pk, world.dossier.pk])
    check(world, request, url, MANAGERS)


def test_conflicts_page(world, request):
    check(world, request, reverse("review:conflicts", args=[world.cycle.pk]), OVERSEERS)


def test_conflicts_export(world, request):
    check(world, request, reverse("review:conflicts-export", args=[world.cycle.pk]), OVERSEERS)


def test_flag_page(world, request):
    check(world, request, reverse("review:flag-resolve", args=[world.flag.pk]), OVERSEERS)


def test_expert_home(world, request):
    """Every expert has a home; the unassigned one learns nothing of the dossier."""
    table = {persona: 200 for persona in EXPERTS}
    check(
        world,
        request,
        reverse("review:expert-home"),
        table,
        name_for={"office", "agency", "auditor", "leader", "assigned", "conflicted"},
    )


def test_invitation_answer_is_the_experts_own(world, request):
    url = reverse("review:invitation-answer", args=[world.member_of(world.leader).pk])
    table = {"leader": 200, "assigned": 404, "unassigned": 404, "conflicted": 404}
    check(world, request, url, table, name_for=set())


def test_declare_of_the_assigned_expert(world, request):
    """The assigned expert (declared already) is sent on to the sheet; any other expert,
    the conflicted one too, gets a 404."""
    url = reverse("review:declare", args=[world.assignment_of(world.assigned).pk])
    table = {"assigned": 302, "leader": 404, "unassigned": 404, "conflicted": 404}
    check(world, request, url, table, name_for=set())


def test_the_conflicted_expert_gets_what_an_unassigned_one_gets(world, client):
    own = world.assignment_of(world.conflicted)
    urls = [
        reverse("review:declare", args=[own.pk]),
        reverse("review:declare", args=[world.assignment_of(world.assigned).pk]),
        reverse("review:invitation-answer", args=[world.member_of(world.assigned).pk]),
        reverse("review:panels", args=[world.cycle.pk]),
        reverse("review:panel-detail", args=[world.panel.pk]),
    ]
    for url in urls:
        answers = []
        for expert in (world.conflicted, world.unassigned):
            client.force_login(expert.user)
            response = client.get(url)
            body = response.content.decode()
            # the page itself, without the header that names the logged-in user
            answers.append((response.status_code, body[body.index("<main") :]))
        assert answers[0] == answers[1], url
    client.force_login(world.conflicted.user)
    response = client.post(reverse("review:declare", args=[own.pk]), {"has_conflict": "no"})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.state == "recused"


def test_the_other_agency_cannot_change_anything(world, client):
    client.force_login(world.other_staff)
    before = (
        PanelMember.objects.count(),
        PanelDossier.objects.count(),
        Assignment.objects.count(),
        world.panel.name,
    )
    posts = [
        (reverse("review:panel-create", args=[world.stage.pk]), {"name": "越权评审组"}),
        (
            reverse("review:panel-detail", args=[world.panel.pk]),
            {"action": "invite", "expert": world.unassigned.pk},
        ),
        (reverse("review:member-remove", args=[world.member_of(world.assigned).pk]), {}),
        (
            reverse("review:dossier-panel", args=[world.stage.pk, world.dossier.pk]),
            {"action": "unassign", "from_panel": world.panel.pk},
        ),
        (reverse("review:propose", args=[world.stage.pk]), {f"d{world.dossier.pk}": ""}),
        (
            reverse("review:flag-resolve", args=[world.flag.pk]),
            {"decision": "clear", "reason": "越权"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    world.panel.refresh_from_db()
    assert before == (
        PanelMember.objects.count(),
        PanelDossier.objects.count(),
        Assignment.objects.count(),
        world.panel.name,
    )


def test_the_auditor_reads_but_cannot_act(world, client, auditor):
    client.force_login(auditor)
    before = (PanelMember.objects.count(), PanelDossier.objects.count(), world.flag.state)
    page = client.get(reverse("review:panel-detail", args=[world.panel.pk])).content.decode()
    assert "评审专家甲" in page
    assert "设为组长" not in page and "调出" not in page  # no action offered
    posts = [
        (reverse("review:panel-create", args=[world.stage.pk]), {"name": "审计评审组"}),
        (
            reverse("review:panel-detail", args=[world.panel.pk]),
            {"action": "invite", "expert": world.unassigned.pk},
        ),
        (reverse("review:member-remove", args=[world.member_of(world.assigned).pk]), {}),
        (
            reverse("review:flag-resolve", args=[world.flag.pk]),
            {"decision": "clear", "reason": "审计不应处理"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    world.flag.refresh_from_db()
    assert before == (PanelMember.objects.count(), PanelDossier.objects.count(), world.flag.state)
    flag_page = client.get(reverse("review:flag-resolve", args=[world.flag.pk])).content.decode()
    assert "记录认定" not in flag_page
