"""The expert review end to end through the services: plan, start, panels, conflicts,
sheets, results, stages, ranking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import CycleState, DossierState
from applications.models import Dossier
from award_portal.audit.models import AuditEvent
from review.enums import AssignmentState, SheetState, StageState
from review.models import Assignment, ConflictFlag, ReviewStage, StageResult
from review.permissions import can_read_assignment
from review.selectors import review_board
from review.services.conflicts import conflict_declare, flag_resolve
from review.services.panels import (
    assignment_apply,
    assignment_propose,
    dossier_assign,
    member_answer,
    member_invite,
    panel_create,
)
from review.services.plans import review_start, stage_close
from review.services.scoring import (
    criteria_of,
    result_confirm,
    sheet_return,
    sheet_save,
    sheet_submit,
)
from tests.factories.applications import organisation_for
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def started(cycle, office, applicant, org_dossier):
    organisation_for  # noqa: B018 - the fixture made the organisation
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    experts = [expert_for(staff) for _ in range(3)]
    stage = ReviewStage.objects.get(plan__cycle=cycle, position=1)
    panel = panel_create(actor=staff, stage=stage, name="第一评审组")
    for index, expert in enumerate(experts):
        member_invite(actor=staff, panel=panel, expert=expert, leader=index == 0)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    return {
        "cycle": cycle,
        "dossier": Dossier.objects.get(pk=org_dossier.pk),
        "agency": agency,
        "staff": staff,
        "experts": experts,
        "stage": stage,
        "panel": panel,
    }


def score_all(assignment, percent=60):
    categories, items = criteria_of(assignment.stage, assignment.dossier)
    user = assignment.expert.user
    sheet_save(
        actor=user,
        assignment=assignment,
        percents={item.pk: percent for item in items},
        comments={c.pk: ("优势明显", "仍需改进") for c in categories},
    )
    return sheet_submit(actor=user, assignment=assignment)


def confirm(stage, dossier, leader, *, agreed=None, reasons=None):
    categories, items = criteria_of(stage, dossier)
    return result_confirm(
        actor=leader.user,
        stage=stage,
        dossier=dossier,
        agreed=agreed if agreed is not None else {i.pk: 60 for i in items},
        reasons=reasons or {},
        comments={c.pk: ("组内一致认为优势明显", "建议加强") for c in categories},
    )


def test_review_start_moves_qualified_dossiers_and_freezes_the_plan(started):
    cycle = started["cycle"]
    cycle.refresh_from_db()
    assert cycle.state == CycleState.EXPERT_REVIEW
    assert started["dossier"].state == DossierState.UNDER_REVIEW
    assert cycle.review_plan.is_frozen
    assert started["stage"].state == StageState.OPEN
    assert AuditEvent.objects.filter(action="review.plan_frozen").exists()


def test_a_stage_from_declaration_to_result(started, office):
    dossier, stage, panel = started["dossier"], started["stage"], started["panel"]
    dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    assignments = list(Assignment.objects.filter(stage=stage, dossier=dossier))
    assert {a.state for a in assignments} == {AssignmentState.OFFERED}
    # nothing beyond the name before the declaration
    assert not can_read_assignment(assignments[0].expert.user, assignments[0])
    for assignment in assignments:
        conflict_declare(actor=assignment.expert.user, assignment=assignment, has_conflict=False)
        assignment.refresh_from_db()
        assert can_read_assignment(assignment.expert.user, assignment)
    for assignment in assignments:
        score_all(assignment)
    leader = started["experts"][0]
    result = confirm(stage, dossier, leader)
    assert result.score == Decimal("600.00")
    assert result.maximum == 1000
    stage_close(actor=office, stage=stage)
    stage.refresh_from_db()
    assert stage.state == StageState.CLOSED
    # the grants went with the stage
    for assignment in assignments:
        assert not can_read_assignment(assignment.expert.user, assignment)
    nxt = ReviewStage.objects.get(plan=stage.plan, position=2)
    assert nxt.state == StageState.OPEN
    board = review_board(started["cycle"])
    row = board.kinds["organisation"][0]
    assert row.results[stage.pk].score == Decimal("600.00")
    assert row.composite is None  # not every weighted stage yet


def test_a_conflict_recuses_at_once_and_for_good(started):
    dossier, stage, panel = started["dossier"], started["stage"], started["panel"]
    dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    conflicted = Assignment.objects.filter(stage=stage, dossier=dossier).last()
    conflict_declare(
        actor=conflicted.expert.user,
        assignment=conflicted,
        has_conflict=True,
        conflict_type="consulting",
        note="曾为其提供咨询",
    )
    conflicted.refresh_from_db()
    assert conflicted.state == AssignmentState.RECUSED
    assert not can_read_assignment(conflicted.expert.user, conflicted)
    assert AuditEvent.objects.filter(action="review.recused", target_id=str(dossier.pk)).exists()


def test_the_expert_working_for_the_applicant_is_flagged_and_blocks_the_panel(started, office):
    dossier, stage = started["dossier"], started["stage"]
    insider = expert_for(started["staff"], employer=dossier.organisation.name, name="内部专家")
    panel = panel_create(actor=started["staff"], stage=stage, name="第二评审组")
    member_invite(actor=started["staff"], panel=panel, expert=insider)
    with pytest.raises(ValidationError, match="内部专家"):
        dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    flag = ConflictFlag.objects.get(expert=insider, dossier=dossier)
    assert flag.state == "open"  # kept although the assignment was refused
    flag_resolve(actor=office, flag=flag, confirmed=True, reason="系申报单位员工")
    # the confirmed conflict keeps the member out; the dossier may go to the panel
    dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    assert not Assignment.objects.filter(expert=insider, dossier=dossier).exists()


def test_the_proposal_places_the_dossier_and_applies(started):
    proposal = assignment_propose(stage=started["stage"])
    assert [(d.pk, p.pk) for d, p in proposal.pairs] == [
        (started["dossier"].pk, started["panel"].pk)
    ]
    problems = assignment_apply(
        actor=started["staff"],
        stage=started["stage"],
        pairs=[(d.pk, p.pk) for d, p in proposal.pairs],
    )
    assert problems == []
    assert Assignment.objects.filter(stage=started["stage"]).count() == 3


def test_the_leader_returns_a_sheet_and_consensus_needs_reasons(started):
    dossier, stage, panel = started["dossier"], started["stage"], started["panel"]
    dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    assignments = list(Assignment.objects.filter(stage=stage, dossier=dossier).order_by("id"))
    for assignment, percent in zip(assignments, (60, 60, 20), strict=True):
        conflict_declare(actor=assignment.expert.user, assignment=assignment, has_conflict=False)
        score_all(assignment, percent)
    leader = started["experts"][0]
    outlier = assignments[2]
    sheet_return(actor=leader.user, sheet=outlier.sheet, reason="请核对4.7各项评分")
    outlier.refresh_from_db()
    assert outlier.state == AssignmentState.SCORING
    assert outlier.sheet.state == SheetState.DRAFT
    with pytest.raises(ValidationError):
        confirm(stage, dossier, leader)
    score_all(outlier, 50)
    _categories, items = criteria_of(stage, dossier)
    agreed = {i.pk: 55 for i in items}  # members' mean 56.67 -> 55: no reason needed
    agreed[items[0].pk] = 70
    with pytest.raises(ValidationError, match=items[0].code):
        confirm(stage, dossier, leader, agreed=agreed)
    result = confirm(stage, dossier, leader, agreed=agreed, reasons={items[0].pk: "现场核实后上调"})
    assert result.dispersed is False
    assert StageResult.objects.filter(stage=stage, dossier=dossier).count() == 1


def test_an_expert_of_no_panel_cannot_declare(started):
    dossier, stage, panel = started["dossier"], started["stage"], started["panel"]
    dossier_assign(actor=started["staff"], stage=stage, dossier=dossier, panel=panel)
    assignment = Assignment.objects.filter(stage=stage, dossier=dossier).first()
    stranger = expert_for(started["staff"])
    with pytest.raises(PermissionDenied):
        conflict_declare(actor=stranger.user, assignment=assignment, has_conflict=False)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.OFFERED
