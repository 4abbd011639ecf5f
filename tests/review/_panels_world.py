"""A round in expert review with every persona of the panel and conflict pages, built
through the real services on the tests' fixed day (2026-06-02).

- the organisation's dossier (a trade-secret file, category summaries) is qualified and
  under review; the round's agency has formed "第一评审组" for the material review:
  ``leader`` (accepted, leads it), ``assigned`` (accepted, declared no conflict),
  ``conflicted`` (accepted, declared a conflict: recused), ``invited`` (not answered yet);
- ``unassigned`` is in the agency's pool but on no panel;
- ``insider`` works for the applicant: inviting it to the panel was refused and left a
  likely conflict for the office (``flag``);
- another round has another agency (``other_staff``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from applications.models import Dossier
from review.models import Assignment, ConflictFlag, Panel, PanelMember, ReviewStage
from review.services.conflicts import conflict_declare
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from review.services.plans import review_start
from tests.factories.applications import announced_cycle
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)

# what must never appear on these pages: the dossier's contents and file titles
SECRETS = ("摘要", "核心工艺", "自我评价报告")


@dataclass
class World:
    cycle: object
    dossier: Dossier
    stage: ReviewStage
    panel: Panel
    staff: object
    other_staff: object
    leader: object
    assigned: object
    conflicted: object
    unassigned: object
    invited: object
    insider: object
    flag: ConflictFlag

    def assignment_of(self, expert) -> Assignment:
        return Assignment.objects.get(stage=self.stage, dossier=self.dossier, expert=expert)

    def member_of(self, expert) -> PanelMember:
        return PanelMember.objects.get(panel=self.panel, expert=expert)


def build_world(*, cycle, office, applicant, dossier, edition, more=()) -> World:
    """``more``: further (applicant user, ready dossier) pairs, qualified with the first;
    they are under review without a panel."""
    qualify(office, dossier, applicant)
    for user, other in more:
        qualify(office, other, user)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    stage = ReviewStage.objects.get(plan__cycle=cycle, position=1)
    dossier = Dossier.objects.get(pk=dossier.pk)
    leader, assigned, conflicted, unassigned, invited = (
        expert_for(staff, name=name)
        for name in ("组长专家", "评审专家甲", "回避专家乙", "库内专家丙", "待答专家丁")
    )
    insider = expert_for(staff, name="内部专家", employer=dossier.organisation.name)
    panel = panel_create(actor=staff, stage=stage, name="第一评审组")
    for expert in (leader, assigned, conflicted):
        member_invite(actor=staff, panel=panel, expert=expert, leader=expert is leader)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
    member_invite(actor=staff, panel=panel, expert=invited)
    with pytest.raises(ValidationError, match="内部专家"):
        member_invite(actor=staff, panel=panel, expert=insider)
    for expert in (leader, assigned):
        conflict_declare(
            actor=expert.user,
            assignment=Assignment.objects.get(stage=stage, dossier=dossier, expert=expert),
            has_conflict=False,
        )
    conflict_declare(
        actor=conflicted.user,
        assignment=Assignment.objects.get(stage=stage, dossier=dossier, expert=conflicted),
        has_conflict=True,
        conflict_type="consulting",
        note="曾为其提供质量管理咨询",
    )
    other_cycle = announced_cycle(office, edition, name="另一届")
    other_staff = agency_user(office, agency_for(office, other_cycle, name="另一评审机构"))
    return World(
        cycle=cycle,
        dossier=dossier,
        stage=stage,
        panel=panel,
        staff=staff,
        other_staff=other_staff,
        leader=leader,
        assigned=assigned,
        conflicted=conflicted,
        unassigned=unassigned,
        invited=invited,
        insider=insider,
        flag=ConflictFlag.objects.get(expert=insider, dossier=dossier),
    )


@pytest.fixture(name="world")
def world_fixture(cycle, office, applicant, org_dossier, edition_2021) -> World:
    return build_world(
        cycle=cycle, office=office, applicant=applicant, dossier=org_dossier, edition=edition_2021
    )


def another_organisation(cycle, *, username: str, named=()):
    """A further organisation applicant with a ready dossier; ``named``: the experts or
    organisations it considers conflicted (Art. 25), saved in its draft."""
    from applications.services.dossiers import dossier_save_draft
    from tests.factories import ApplicantFactory
    from tests.factories.applications import organisation_for, ready_dossier

    user = ApplicantFactory(username=username)
    organisation_for(user)
    dossier = ready_dossier(user, cycle)
    if named:
        dossier = dossier_save_draft(
            actor=user,
            dossier=dossier,
            declarations=dossier.declarations,
            summaries=dossier.category_summaries,
            achievements=dossier.achievements,
            named_conflicts=list(named),
        )
    return user, dossier
