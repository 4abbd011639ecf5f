"""The panel services' rules: the proposal's choices and reasons, and giving a dossier
that somebody else gave meanwhile."""

import pytest
from django.core.exceptions import ValidationError

from applications.models import Dossier
from award_portal.audit.models import AuditEvent
from review.models import PanelDossier, ReviewPlan, ReviewStage
from review.services.conflicts import flag_resolve
from review.services.panels import (
    assignment_propose,
    dossier_assign,
    dossier_unassign,
    member_answer,
    member_invite,
    panel_create,
)
from tests.factories.review import expert_for
from tests.review._panels_world import another_organisation, build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def world(cycle, office, applicant, org_dossier, edition_2021, person_user, person_dossier):
    """The shared world, with an individual's dossier and an organisation of sector G
    (transport) under review without a panel."""
    org_user, org_g = another_organisation(cycle, username="org_g")
    world = build_world(
        cycle=cycle,
        office=office,
        applicant=applicant,
        dossier=org_dossier,
        edition=edition_2021,
        more=[(person_user, person_dossier), (org_user, org_g)],
    )
    world.person = Dossier.objects.get(pk=person_dossier.pk)
    world.org_g = Dossier.objects.get(pk=org_g.pk)
    return world


def panel_of(world, name, experts):
    panel = panel_create(actor=world.staff, stage=world.stage, name=name)
    for expert in experts:
        member_invite(actor=world.staff, panel=panel, expert=expert)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    return panel


def test_the_sector_comes_before_the_load(world):
    """The first panel (sector G experts) holds a dossier already; a new panel of
    manufacturing experts holds none. The transport organisation goes to the sector
    panel, the individual (no sector) to the emptier one."""
    manufacturing = [expert_for(world.staff, sectors=("C",)) for _ in range(3)]
    other = panel_of(world, "第二评审组", manufacturing)
    proposal = assignment_propose(stage=world.stage)
    placed = {d.pk: p for d, p in proposal.pairs}
    assert placed == {world.org_g.pk: world.panel, world.person.pk: other}
    assert proposal.sector_fit == {world.org_g.pk}
    # the resulting load: one more for each member of the chosen panels
    assert proposal.load[world.leader.pk] == proposal.load_before[world.leader.pk] + 1
    assert proposal.load[manufacturing[0].pk] == 1
    assert not PanelDossier.objects.filter(dossier=world.person).exists()  # nothing stored


def test_the_load_limit_keeps_a_panel_out_and_says_so(world):
    ReviewPlan.objects.filter(cycle=world.cycle).update(load_limit=1)
    proposal = assignment_propose(stage=world.stage)
    assert proposal.pairs == []
    reasons = dict((d.pk, reason) for d, reason in proposal.unplaced)
    assert "组长专家、评审专家甲将超过每人1份的评审上限" in reasons[world.person.pk]


def test_a_cleared_likely_conflict_no_longer_keeps_the_panel_away(world, office):
    """The insider works for the first applicant; a panel of the insider alone cannot
    take that dossier while the flag is open, and can once the office cleared it."""
    dossier_unassign(
        actor=world.staff,
        item=PanelDossier.objects.get(stage=world.stage, dossier=world.dossier),
    )
    ReviewStage.objects.filter(pk=world.stage.pk).update(min_panel_size=4)
    fresh = [expert_for(world.staff, name=f"新专家{i}") for i in range(3)]
    alone = panel_of(world, "第二评审组", [world.insider, *fresh])
    proposal = assignment_propose(stage=world.stage)
    reasons = dict((d.pk, reason) for d, reason in proposal.unplaced)
    # the recused member keeps only himself out; the panel is too small without him
    assert (
        "“第一评审组”：回避专家乙已声明存在利害关系；无利害关系的成员3名，少于评审方案要求的4名"
        in reasons[world.dossier.pk]
    )
    assert "“第二评审组”：内部专家存在疑似利害关系，待协调办公室认定" in reasons[world.dossier.pk]
    flag_resolve(actor=office, flag=world.flag, confirmed=False, reason="已离职多年，无往来")
    proposal = assignment_propose(stage=world.stage)
    assert (world.dossier.pk, alone.pk) in [(d.pk, p.pk) for d, p in proposal.pairs]


def test_a_likely_conflict_not_recorded_yet_is_seen_by_the_proposal(world):
    """An expert of the applicant's organisation who joined a panel before the dossier
    came: the proposal detects the conflict itself, without recording it."""
    insider = expert_for(world.staff, name="新内部专家", employer=world.org_g.organisation.name)
    lone = panel_of(world, "第二评审组", [insider])
    proposal = assignment_propose(stage=world.stage)
    placed = {d.pk: p.pk for d, p in proposal.pairs}
    assert placed.get(world.org_g.pk) != lone.pk
    assert not insider.conflict_flags.exists()


def test_a_panel_with_a_recused_member_is_proposed_while_enough_members_remain(world):
    """The first panel: the leader, a member and an invited expert without a conflict,
    one recused member. With a minimum of 3 the proposal gives the dossier to it; with
    4 it says the panel has too few members without a conflict."""
    dossier_unassign(
        actor=world.staff,
        item=PanelDossier.objects.get(stage=world.stage, dossier=world.dossier),
    )
    proposal = assignment_propose(stage=world.stage)
    assert (world.dossier.pk, world.panel.pk) in [(d.pk, p.pk) for d, p in proposal.pairs]
    ReviewStage.objects.filter(pk=world.stage.pk).update(min_panel_size=4)
    proposal = assignment_propose(stage=world.stage)
    reasons = dict((d.pk, reason) for d, reason in proposal.unplaced)
    assert "无利害关系的成员3名，少于评审方案要求的4名" in reasons[world.dossier.pk]


def test_giving_a_dossier_someone_else_gave_meanwhile_changes_nothing(world):
    other = panel_of(world, "第二评审组", [world.unassigned])
    dossier_assign(actor=world.staff, stage=world.stage, dossier=world.person, panel=world.panel)
    events = AuditEvent.objects.filter(action="review.dossier_assigned").count()
    # the same panel again (a double click): nothing new
    dossier_assign(actor=world.staff, stage=world.stage, dossier=world.person, panel=world.panel)
    # another panel, by somebody who saw it without a panel: refused
    with pytest.raises(ValidationError, match="第一评审组"):
        dossier_assign(actor=world.staff, stage=world.stage, dossier=world.person, panel=other)
    # a move from a panel it is not on: refused
    third = panel_create(actor=world.staff, stage=world.stage, name="第三评审组")
    with pytest.raises(ValidationError, match="第一评审组"):
        dossier_assign(
            actor=world.staff,
            stage=world.stage,
            dossier=world.person,
            panel=third,
            from_panel=other,
        )
    assert PanelDossier.objects.get(dossier=world.person).panel == world.panel
    assert AuditEvent.objects.filter(action="review.dossier_assigned").count() == events
    # the move the actor saw: done
    dossier_assign(
        actor=world.staff,
        stage=world.stage,
        dossier=world.person,
        panel=other,
        from_panel=world.panel,
    )
    assert PanelDossier.objects.get(dossier=world.person).panel == other
