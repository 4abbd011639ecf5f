"""The expert's pages: the landing page, the answer to an invitation, the conflict
declaration (Art. 25)."""

import pytest
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from review.enums import AssignmentState, MemberState
from review.models import Assignment, ConflictDeclaration
from review.services.panels import member_answer
from tests.review._panels_world import world_fixture  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def body(response) -> str:
    return response.content.decode()


def main(response) -> str:
    text = body(response)
    return text[text.index("<main") :]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def offered(world):
    """The invited expert accepted: an offer of the dossier awaits its declaration."""
    member_answer(actor=world.invited.user, member=world.member_of(world.invited), accept=True)
    return world.assignment_of(world.invited)


def test_the_home_lists_an_invitation_with_its_link(world, client):
    client.force_login(world.invited.user)
    page = main(client.get(reverse("review:expert-home")))
    assert "待答复的邀请" in page
    assert reverse("review:invitation-answer", args=[world.member_of(world.invited).pk]) in page
    assert world.dossier.applicant_name not in page  # not before accepting


def test_before_declaring_only_name_kind_sector_and_district_show(world, client, offered):
    client.force_login(world.invited.user)
    page = main(client.get(reverse("review:expert-home")))
    organisation = world.dossier.organisation
    assert world.dossier.applicant_name in page
    assert "组织" in page  # the kind
    assert organisation.get_sector_display() in page
    assert organisation.get_district_display() in page
    assert reverse("review:declare", args=[offered.pk]) in page
    # nothing else of the application: not its number, no link to its sheet
    assert world.dossier.number not in page
    assert f'href="{reverse("review:sheet", args=[offered.pk])}"' not in page
    declare = main(client.get(reverse("review:declare", args=[offered.pk])))
    assert "第二十五条" in declare and "主动回避" in declare
    assert world.dossier.number not in declare
    assert organisation.legal_representative not in declare
    assert organisation.uscc not in declare


def test_sheets_panels_led_and_recusals(world, client):
    assigned = world.assignment_of(world.assigned)
    client.force_login(world.assigned.user)
    page = main(client.get(reverse("review:expert-home")))
    assert reverse("review:sheet", args=[assigned.pk]) in page
    assert "待完成的评分表" in page and "2026年6月9日24时前提交" in page
    assert "您担任组长的评审组" not in page

    client.force_login(world.leader.user)
    page = main(client.get(reverse("review:expert-home")))
    assert "您担任组长的评审组" in page
    assert reverse("review:result", args=[world.stage.pk, world.dossier.pk]) in page

    client.force_login(world.conflicted.user)
    page = main(client.get(reverse("review:expert-home")))
    assert "您的回避记录" in page and world.dossier.applicant_name in page
    conflicted = world.assignment_of(world.conflicted)
    for url in (
        reverse("review:sheet", args=[conflicted.pk]),
        reverse("review:declare", args=[conflicted.pk]),
        reverse("review:result", args=[world.stage.pk, world.dossier.pk]),
    ):
        assert f'href="{url}"' not in page
    assert world.dossier.number not in page


def test_a_leader_recused_from_a_dossier_gets_no_link_to_its_result(world, client):
    """The leader's panel keeps the dossier, but a recused leader sees nothing of it."""
    from review.models import PanelMember
    from review.services.panels import panel_set_leader

    PanelMember.objects.filter(panel=world.panel, expert=world.conflicted).update(
        state=MemberState.ACCEPTED
    )
    panel_set_leader(actor=world.staff, panel=world.panel, expert=world.conflicted)
    client.force_login(world.conflicted.user)
    page = main(client.get(reverse("review:expert-home")))
    assert "您担任组长的评审组" in page and "第一评审组" in page
    assert reverse("review:result", args=[world.stage.pk, world.dossier.pk]) not in page
    assert "暂无申报。" in page


def test_an_expert_without_a_profile_is_told_to_ask(client, expert):
    client.force_login(expert)
    page = main(client.get(reverse("review:expert-home")))
    assert "您的账户尚未纳入评审专家库" in page


def test_accept_an_invitation(world, client):
    member = world.member_of(world.invited)
    client.force_login(world.invited.user)
    url = reverse("review:invitation-answer", args=[member.pk])
    page = main(client.get(url))
    assert "第一评审组" in page and "组长专家" in page and "2026年6月3日" in page
    response = client.post(url, {"answer": "accept", "reason": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:expert-home")
    assert "您已加入“第一评审组”" in messages_of(response)
    member.refresh_from_db()
    assert member.state == MemberState.ACCEPTED
    assert world.assignment_of(world.invited).state == AssignmentState.OFFERED
    event = AuditEvent.objects.filter(action="review.member_answered").latest("id")
    assert (event.actor, event.target_id, event.details["accepted"]) == (
        world.invited.user,
        str(world.cycle.pk),
        True,
    )
    # answering again changes nothing and says so
    response = client.post(url, {"answer": "decline", "reason": "再想想"})
    assert response.status_code == 200
    assert "您已答复过该邀请。" in messages_of(response)
    member.refresh_from_db()
    assert member.state == MemberState.ACCEPTED
    assert AuditEvent.objects.filter(action="review.member_answered").count() == 4


def test_declining_needs_a_reason_and_tells_the_agency(world, client):
    member = world.member_of(world.invited)
    client.force_login(world.invited.user)
    url = reverse("review:invitation-answer", args=[member.pk])
    response = client.post(url, {"answer": "decline", "reason": "  "})
    assert response.status_code == 200
    assert "请向评审机构说明谢绝理由。" in body(response)
    member.refresh_from_db()
    assert member.state == MemberState.INVITED
    client.post(url, {"answer": "decline", "reason": "同期另有评审任务"})
    member.refresh_from_db()
    assert (member.state, member.decline_reason) == (MemberState.DECLINED, "同期另有评审任务")
    note = Notification.objects.filter(user=world.staff).latest("id")
    assert "待答专家丁" in note.title and note.body == "同期另有评审任务"
    assert not Assignment.objects.filter(expert=world.invited).exists()


def test_another_experts_invitation_is_a_404(world, client):
    client.force_login(world.unassigned.user)
    url = reverse("review:invitation-answer", args=[world.member_of(world.invited).pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert world.member_of(world.invited).state == MemberState.INVITED


def test_declare_no_conflict_opens_the_dossier(world, client, offered):
    client.force_login(world.invited.user)
    url = reverse("review:declare", args=[offered.pk])
    response = client.post(url, {"has_conflict": "no"})
    assert response["Location"] == reverse("review:sheet", args=[offered.pk])
    offered.refresh_from_db()
    assert offered.state == AssignmentState.DECLARED
    declaration = ConflictDeclaration.objects.get(expert=world.invited)
    assert declaration.has_conflict is False
    event = AuditEvent.objects.filter(action="review.conflict_declared").latest("id")
    assert (event.actor, event.target_id, event.details["conflict"]) == (
        world.invited.user,
        str(world.dossier.pk),
        False,
    )
    # a second click goes to the sheet; nothing is declared twice
    response = client.post(url, {"has_conflict": "yes", "conflict_type": "family"})
    assert response["Location"] == reverse("review:sheet", args=[offered.pk])
    assert ConflictDeclaration.objects.filter(expert=world.invited).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "这个字段是必填项"),
        ({"has_conflict": "yes", "confirm": "on"}, "请选择利害关系类型"),
        (
            {"has_conflict": "yes", "conflict_type": "other", "confirm": "on"},
            "请说明利害关系的具体情况。",
        ),
        ({"has_conflict": "yes", "conflict_type": "family"}, "请确认您知悉"),
        ({"has_conflict": "no", "conflict_type": "family"}, "您选择了利害关系类型"),
        ({"has_conflict": "maybe"}, "选择一个有效的选项"),
    ],
)
def test_a_declaration_that_does_not_add_up_changes_nothing(world, client, offered, data, message):
    client.force_login(world.invited.user)
    response = client.post(reverse("review:declare", args=[offered.pk]), data)
    assert response.status_code == 200
    assert message in body(response)
    offered.refresh_from_db()
    assert offered.state == AssignmentState.OFFERED
    assert not ConflictDeclaration.objects.filter(expert=world.invited).exists()


def test_declaring_a_conflict_recuses_for_good(world, client, offered):
    client.force_login(world.invited.user)
    url = reverse("review:declare", args=[offered.pk])
    response = client.post(
        url,
        {
            "has_conflict": "yes",
            "conflict_type": "other",
            "note": "配偶在该单位任职",
            "confirm": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("review:expert-home")
    assert "回避" in messages_of(response)
    offered.refresh_from_db()
    assert offered.state == AssignmentState.RECUSED
    declaration = ConflictDeclaration.objects.get(expert=world.invited)
    assert (declaration.conflict_type, declaration.note) == ("other", "配偶在该单位任职")
    page = main(response)
    assert reverse("review:declare", args=[offered.pk]) not in page
    assert client.get(url).status_code == 404
    assert client.get(reverse("review:sheet", args=[offered.pk])).status_code == 404
    # the leader, the agency and the office were told
    told = set(
        Notification.objects.filter(title__contains="待答专家丁").values_list("user", flat=True)
    )
    assert {world.leader.user.pk, world.staff.pk} <= told
