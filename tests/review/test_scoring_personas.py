"""Every page of the scoring area, for every persona: the expected answer, and nothing of
the dossier (applicant, scores, experts' names) for those who may not see it. A
conflicted expert gets exactly what an unassigned one gets."""

import pytest
from django.urls import reverse

from tests.factories.scoring import (
    confirm,
    fill,
    other_agency_user,
    page_without_noise,
    running_stage,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PERSONAS = [
    "office",
    "auditor",
    "agency_staff",
    "other_agency",
    "leader",
    "member",
    "outsider",
    "conflicted",
    "working_group",
    "applicant",
    "other_applicant",
    "anonymous",
]

# expected status per page and persona (302: sent to log in)
EXPECTED = {
    "sheet": {"member": 200},
    "result": {"office": 200, "auditor": 200, "agency_staff": 200, "leader": 200},
    "sheet-return": {"leader": 200},
    "result-reopen": {"office": 200, "auditor": 403, "agency_staff": 403},
    "board": {"office": 200, "auditor": 200, "agency_staff": 200},
    "stage-close": {"office": 200, "auditor": 403, "agency_staff": 403},
    "scores-export": {"office": 200, "auditor": 200, "agency_staff": 200},
    "ranking-export": {"office": 200, "auditor": 200, "agency_staff": 200},
}
# pages behind a role permission answer 403 to a signed-in person without the role
ROLE_PAGES = {"board", "scores-export", "ranking-export"}
REVIEW_READERS = {"office", "auditor", "agency_staff", "other_agency"}


def expected(page, persona):
    if persona == "anonymous":
        return 302
    if persona in EXPECTED[page]:
        return EXPECTED[page][persona]
    if page in ROLE_PAGES and persona not in REVIEW_READERS:
        return 403
    return 404


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    for expert, percent in zip(running.members, (60, 65, 20), strict=True):
        fill(running.assignment(expert), percent)
    return running


@pytest.fixture
def users(world, request, office):
    return {
        "office": office,
        "auditor": request.getfixturevalue("auditor"),
        "agency_staff": world.staff,
        "other_agency": other_agency_user(office),
        "leader": world.leader.user,
        "member": world.members[1].user,
        "outsider": world.outsider.user,
        "conflicted": world.conflicted.user,
        "working_group": request.getfixturevalue("working_group"),
        "applicant": request.getfixturevalue("applicant"),
        "other_applicant": request.getfixturevalue("other_applicant"),
        "anonymous": None,
    }


def urls(world, result=None):
    dossier = world.dossiers[0]
    member = world.members[1]
    return {
        "sheet": reverse("review:sheet", args=[world.assignment(member).pk]),
        "result": reverse("review:result", args=[world.stage.pk, dossier.pk]),
        "sheet-return": reverse("review:sheet-return", args=[world.assignment(member).sheet.pk]),
        "board": reverse("review:board", args=[world.cycle.pk]),
        "stage-close": reverse("review:stage-close", args=[world.stage.pk]),
        "scores-export": reverse("review:scores-export", args=[world.cycle.pk]),
        "ranking-export": reverse("review:ranking-export", args=[world.cycle.pk]),
        **({"result-reopen": reverse("review:result-reopen", args=[result.pk])} if result else {}),
    }


def secrets_of(world) -> list[str]:
    dossier = world.dossiers[0]
    return [
        dossier.organisation.name,
        dossier.number,
        world.members[1].name,
        world.leader.name,
        "核心工艺",
    ]


def check(client, user, url, status, world):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, user)
    if status != 200 and response.get("Content-Type", "").startswith("text/html"):
        text = response.content.decode()
        # the page header names the signed-in person; nothing else may name anybody
        text = text.replace(f'class="who">{user.display_name}', "") if user else text
        for secret in secrets_of(world):
            assert secret not in text, (url, user, secret)
    return response


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_for_every_persona(client, world, users, persona):
    for page, url in urls(world).items():
        check(client, users[persona], url, expected(page, persona), world)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_reopen_page_for_every_persona(client, world, users, persona):
    result = confirm(
        world,
        agreed={i: 50 for i in _item_ids(world)},
        reasons={i: "组内讨论后确定" for i in _item_ids(world)},
    )
    url = urls(world, result)["result-reopen"]
    check(client, users[persona], url, expected("result-reopen", persona), world)


def _item_ids(world):
    from review.services.scoring import criteria_of

    return [i.pk for i in criteria_of(world.stage, world.dossiers[0])[1]]


def test_the_conflicted_expert_is_answered_like_an_unassigned_one(client, world, users):
    """Page by page, the same status and the same page (apart from the token and the
    path) for the recused expert's own assignment as for an unassigned expert."""
    spoiler = world.conflicted
    own = reverse("review:sheet", args=[world.assignment(spoiler).pk])
    nobody = reverse("review:sheet", args=[10**9])
    client.force_login(spoiler.user)
    mine, ghost = client.get(own), client.get(nobody)
    client.force_login(world.outsider.user)
    stranger = client.get(own)
    assert mine.status_code == ghost.status_code == stranger.status_code == 404
    assert page_without_noise(mine) == page_without_noise(stranger)
    for page, url in urls(world).items():
        client.force_login(spoiler.user)
        a = client.get(url)
        client.force_login(world.outsider.user)
        b = client.get(url)
        assert a.status_code == b.status_code, page


def test_a_conflicted_leader_sees_nothing_of_the_dossier(
    client, office, cycle, applicant, org_dossier
):
    running = running_stage(office, cycle, [org_dossier], [applicant], conflicted_leads=True)
    assert running.leader == running.conflicted
    url = reverse("review:result", args=[running.stage.pk, running.dossiers[0].pk])
    client.force_login(running.leader.user)
    mine = client.get(url)
    client.force_login(running.outsider.user)
    stranger = client.get(url)
    assert mine.status_code == stranger.status_code == 404
    assert page_without_noise(mine) == page_without_noise(stranger)
