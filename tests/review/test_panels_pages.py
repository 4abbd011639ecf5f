"""The agency's panel pages: stages, panels, the pool, invitations, the leader, removal,
giving, moving and taking off dossiers, and the proposal."""

import pytest
from django.core import mail
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from review.enums import AssignmentState, MemberState
from review.models import Assignment, ConflictFlag, Panel, PanelDossier, PanelMember, ReviewStage
from review.services.panels import member_answer, member_invite, panel_create
from tests.factories.review import expert_for
from tests.review._panels_world import (
    another_organisation,
    build_world,
    world_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_panels_page_opens_on_the_open_stage_and_switches(world, client):
    client.force_login(world.staff)
    url = reverse("review:panels", args=[world.cycle.pk])
    body = page(client, url)
    assert 'aria-current="page">1. 材料评审（进行中）' in body
    assert "第一评审组" in body and "组长专家（组长）" in body
    assert "待答专家丁" in body and "已邀请" in body
    onsite = ReviewStage.objects.get(plan__cycle=world.cycle, kind="onsite")
    body = page(client, f"{url}?stage={onsite.pk}")
    assert 'aria-current="page">2. 现场评审（未开始）' in body
    assert "本阶段尚无评审组。" in body
    # a stage of another round, or rubbish, is simply the default stage
    body = page(client, f"{url}?stage=99999999999999999999")
    assert 'aria-current="page">1. 材料评审' in body


def test_a_panel_below_the_minimum_is_flagged(world, client):
    small = panel_create(actor=world.staff, stage=world.stage, name="第二评审组")
    member_invite(actor=world.staff, panel=small, expert=world.unassigned)
    member_answer(actor=world.unassigned.user, member=small.members.get(), accept=True, reason="")
    client.force_login(world.staff)
    body = page(client, reverse("review:panels", args=[world.cycle.pk]))
    assert "1个评审组已接受的成员少于最低人数3人。" in body
    assert "已接受1人，少于最低人数3人" in body
    assert "已接受3人" not in body  # the full panel is not flagged


def test_the_open_likely_conflicts_are_listed_for_the_agency(world, client):
    client.force_login(world.staff)
    body = page(client, reverse("review:panels", args=[world.cycle.pk]))
    assert "待协调办公室认定的疑似利害关系" in body
    assert "内部专家" in body and world.flag.detail in body
    assert reverse("review:flag-resolve", args=[world.flag.pk]) not in body  # office only


def test_create_a_panel_and_refuse_a_second_of_the_same_name(world, client):
    client.force_login(world.staff)
    url = reverse("review:panel-create", args=[world.stage.pk])
    response = client.post(url, {"name": "  第二评审组 "})
    panel = Panel.objects.get(stage=world.stage, name="第二评审组")
    assert response["Location"] == reverse("review:panel-detail", args=[panel.pk])
    event = AuditEvent.objects.filter(action="review.panel_saved").latest("id")
    assert (event.actor, event.target_id, event.details["name"]) == (
        world.staff,
        str(world.cycle.pk),
        "第二评审组",
    )
    response = client.post(url, {"name": "第二评审组"})
    assert response.status_code == 200
    assert "本环节已有名为“第二评审组”的评审组。" in response.content.decode()
    response = client.post(url, {"name": ""})
    assert response.status_code == 200
    assert Panel.objects.filter(stage=world.stage).count() == 2


def test_the_pool_shows_sectors_and_load_and_inviting_tells_the_expert(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    url = reverse("review:panel-detail", args=[world.panel.pk])
    body = page(client, url)
    assert "交通运输、仓储和邮政业" in body  # sector G, by its name
    assert "1 / 10" in body  # the leader holds one dossier of at most ten
    assert "与本组申报存在疑似利害关系，待协调办公室认定" in body  # the insider
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "invite", "expert": world.unassigned.pk, "leader": ""}
        )
    assert response.status_code == 302
    member = PanelMember.objects.get(panel=world.panel, expert=world.unassigned)
    assert member.state == MemberState.INVITED
    event = AuditEvent.objects.filter(action="review.member_invited").latest("id")
    assert (event.actor, event.details["expert"]) == (world.staff, world.unassigned.pk)
    answer_url = reverse("review:invitation-answer", args=[member.pk])
    note = Notification.objects.filter(user=world.unassigned.user).latest("id")
    assert note.url == answer_url and "第一评审组" in note.title
    assert [m.to for m in mail.outbox] == [[world.unassigned.user.email]]
    assert answer_url in mail.outbox[0].body


def test_inviting_the_insider_is_refused_with_the_reason(world, client):
    client.force_login(world.staff)
    url = reverse("review:panel-detail", args=[world.panel.pk])
    response = client.post(url, {"action": "invite", "expert": world.insider.pk}, follow=True)
    text = messages_of(response)
    assert "内部专家与本评审组的申报存在疑似利害关系，待协调办公室认定" in text
    assert world.dossier.number in text
    assert not PanelMember.objects.filter(expert=world.insider).exists()
    assert ConflictFlag.objects.filter(expert=world.insider).count() == 1


def test_an_expert_of_another_pool_cannot_be_invited(world, client, office):
    stranger = expert_for(office, name="办公室专家")  # kept by the office, not the agency
    client.force_login(world.staff)
    url = reverse("review:panel-detail", args=[world.panel.pk])
    response = client.post(url, {"action": "invite", "expert": stranger.pk}, follow=True)
    assert "请从本机构专家库中选择专家。" in messages_of(response)
    assert not PanelMember.objects.filter(expert=stranger).exists()


def test_an_expert_who_declined_can_be_invited_again(world, client):
    member = world.member_of(world.invited)
    member_answer(actor=world.invited.user, member=member, accept=False, reason="时间冲突")
    client.force_login(world.staff)
    url = reverse("review:panel-detail", args=[world.panel.pk])
    body = page(client, url)
    assert "已谢绝" in body and "时间冲突" in body
    client.post(url, {"action": "invite", "expert": world.invited.pk})
    member.refresh_from_db()
    assert (member.state, member.decline_reason, member.answered_at) == (
        MemberState.INVITED,
        "",
        None,
    )


def test_set_the_leader(world, client):
    client.force_login(world.staff)
    url = reverse("review:panel-detail", args=[world.panel.pk])
    client.post(url, {"action": "leader", "expert": world.assigned.pk})
    world.panel.refresh_from_db()
    assert world.panel.leader == world.assigned
    event = AuditEvent.objects.filter(action="review.panel_saved").latest("id")
    assert (event.actor, event.details["leader"]) == (world.staff, world.assigned.pk)
    assert Notification.objects.filter(user=world.assigned.user, title__contains="组长").exists()
    # somebody not on the panel cannot lead it
    response = client.post(url, {"action": "leader", "expert": world.unassigned.pk}, follow=True)
    assert "请选择本组成员。" in messages_of(response)
    world.panel.refresh_from_db()
    assert world.panel.leader == world.assigned


def test_remove_a_member_after_a_confirmation(world, client):
    client.force_login(world.staff)
    member = world.member_of(world.assigned)
    url = reverse("review:member-remove", args=[member.pk])
    body = page(client, url)
    assert "确定将评审专家甲调出“第一评审组”吗？" in body
    assert "1项未完成的评审任务将撤回" in body
    member.refresh_from_db()
    assert member.state == MemberState.ACCEPTED  # the page changed nothing
    response = client.post(url)
    assert response["Location"] == reverse("review:panel-detail", args=[world.panel.pk])
    member.refresh_from_db()
    assert member.state == MemberState.REMOVED
    assert world.assignment_of(world.assigned).state == AssignmentState.WITHDRAWN
    event = AuditEvent.objects.filter(action="review.panel_saved").latest("id")
    assert (event.actor, event.details["removed"]) == (world.staff, world.assigned.pk)


def test_move_a_dossier_to_another_panel_and_take_it_off(world, client):
    second = panel_create(actor=world.staff, stage=world.stage, name="第二评审组")
    member_invite(actor=world.staff, panel=second, expert=world.unassigned)
    member_answer(actor=world.unassigned.user, member=second.members.get(), accept=True)
    client.force_login(world.staff)
    url = reverse("review:dossier-panel", args=[world.stage.pk, world.dossier.pk])
    body = page(client, url)
    assert "调至其他评审组" in body and "确认撤出" in body
    client.post(url, {"action": "assign", "panel": second.pk, "from_panel": world.panel.pk})
    assert PanelDossier.objects.get(stage=world.stage, dossier=world.dossier).panel == second
    assert world.assignment_of(world.assigned).state == AssignmentState.WITHDRAWN
    assert world.assignment_of(world.unassigned).state == AssignmentState.OFFERED
    # a page opened before the move: it still shows the first panel; nothing changes
    response = client.post(url, {"action": "unassign", "from_panel": world.panel.pk}, follow=True)
    assert "在此期间" in messages_of(response)
    assert PanelDossier.objects.get(stage=world.stage, dossier=world.dossier).panel == second
    client.post(url, {"action": "unassign", "from_panel": second.pk})
    assert not PanelDossier.objects.filter(stage=world.stage, dossier=world.dossier).exists()
    assert world.assignment_of(world.unassigned).state == AssignmentState.WITHDRAWN
    event = AuditEvent.objects.filter(action="review.dossier_unassigned").latest("id")
    assert (event.actor, event.target_id) == (world.staff, str(world.dossier.pk))
    body = page(client, reverse("review:panels", args=[world.cycle.pk]))
    assert "未分配评审组的申报" in body and world.dossier.number in body


def test_a_dossier_with_submitted_sheets_stays(world, client):
    Assignment.objects.filter(pk=world.assignment_of(world.assigned).pk).update(
        state=AssignmentState.SUBMITTED
    )
    client.force_login(world.staff)
    url = reverse("review:dossier-panel", args=[world.stage.pk, world.dossier.pk])
    assert "不能调组或撤出" in page(client, url)
    response = client.post(url, {"action": "unassign", "from_panel": world.panel.pk}, follow=True)
    assert "已提交" in messages_of(response)
    assert PanelDossier.objects.filter(stage=world.stage, dossier=world.dossier).exists()


@pytest.fixture
def proposal_world(
    cycle, office, applicant, org_dossier, edition_2021, person_user, person_dossier
):
    """Besides the assigned dossier: an individual's dossier anybody may take, and an
    organisation that names 内蒙古大学 (every expert's employer) as conflicted."""
    named_user, named_dossier = another_organisation(
        cycle,
        username="org_named",
        named=[{"name": "", "organisation": "内蒙古大学", "reason": "曾合作开展项目"}],
    )
    world = build_world(
        cycle=cycle,
        office=office,
        applicant=applicant,
        dossier=org_dossier,
        edition=edition_2021,
        more=[(person_user, person_dossier), (named_user, named_dossier)],
    )
    second = panel_create(actor=world.staff, stage=world.stage, name="第二评审组")
    member_invite(actor=world.staff, panel=second, expert=world.unassigned)
    return world, second, person_dossier, named_dossier


def test_the_proposal_places_explains_and_applies(proposal_world, client):
    world, second, person_dossier, named_dossier = proposal_world
    person_dossier.refresh_from_db()
    named_dossier.refresh_from_db()
    client.force_login(world.staff)
    url = reverse("review:propose", args=[world.stage.pk])
    body = page(client, url)
    # the individual goes to the emptier panel; the named organisation fits no panel
    assert "第二评审组" in body
    assert "未能分配" in body and "申报方申请“内蒙古大学”回避" in body
    assert "“第一评审组”：" in body and "“第二评审组”：" in body
    assert "专家任务量" in body and "库内专家丙" in body
    assert not PanelDossier.objects.filter(dossier=person_dossier).exists()  # nothing stored
    # apply as proposed, but give the named organisation to the first panel by hand
    response = client.post(
        url,
        {f"d{person_dossier.pk}": second.pk, f"d{named_dossier.pk}": world.panel.pk},
        follow=True,
    )
    text = messages_of(response)
    assert "已将1份申报分配给评审组。" in text
    assert f"{named_dossier.number}：以下可能存在的利害关系待协调办公室处理" in text
    assert PanelDossier.objects.get(dossier=person_dossier).panel == second
    assert not PanelDossier.objects.filter(dossier=named_dossier).exists()
    # the refusal left the likely conflicts for the office
    assert ConflictFlag.objects.filter(dossier=named_dossier, state="open").count() == 4
    event = AuditEvent.objects.filter(action="review.dossier_assigned").latest("id")
    assert (event.actor, event.target_id) == (world.staff, str(person_dossier.pk))


def test_a_forged_panel_in_the_proposal_changes_nothing(proposal_world, client):
    world, _second, person_dossier, _named = proposal_world
    onsite = ReviewStage.objects.get(plan__cycle=world.cycle, kind="onsite")
    elsewhere = panel_create(actor=world.staff, stage=onsite, name="现场评审组")
    client.force_login(world.staff)
    url = reverse("review:propose", args=[world.stage.pk])
    response = client.post(url, {f"d{person_dossier.pk}": elsewhere.pk}, follow=True)
    assert "所选评审组不属于本阶段" in messages_of(response)
    assert not PanelDossier.objects.filter(dossier=person_dossier).exists()


def queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_ask_the_database_a_constant_number_of_times(proposal_world, client):
    """One dossier without a panel and three; four panel members and six; one open flag
    and more: the panels page, the panel page and the proposal cost the same."""
    world, second, _person, _named = proposal_world
    client.force_login(world.staff)
    urls = [
        reverse("review:panels", args=[world.cycle.pk]),
        reverse("review:panel-detail", args=[world.panel.pk]),
        reverse("review:propose", args=[world.stage.pk]),
    ]
    before = [queries(client, url) for url in urls]
    from review.services.panels import dossier_unassign

    dossier_unassign(
        actor=world.staff,
        item=PanelDossier.objects.get(stage=world.stage, dossier=world.dossier),
    )
    for expert in (expert_for(world.staff), expert_for(world.staff)):
        member_invite(actor=world.staff, panel=world.panel, expert=expert)
    member_invite(actor=world.staff, panel=second, expert=expert_for(world.staff))
    after = [queries(client, url) for url in urls]
    assert after == before


def test_the_expert_home_asks_a_constant_number_of_times(proposal_world, client):
    world, _second, person, _named = proposal_world
    client.force_login(world.leader.user)
    url = reverse("review:expert-home")
    before = queries(client, url)
    from review.services.panels import dossier_assign

    dossier_assign(actor=world.staff, stage=world.stage, dossier=person, panel=world.panel)
    after = queries(client, url)
    assert after == before
