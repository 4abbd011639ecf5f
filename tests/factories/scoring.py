"""A running review stage with a panel, through the real services: the tests of the score
sheets, the results, the board and the exports start from here."""

from dataclasses import dataclass, field

from applications.models import Dossier
from review.models import Assignment, Expert, Panel, ReviewStage
from review.services.agencies import agency_account_create, agency_save
from review.services.conflicts import conflict_declare
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from review.services.plans import review_start
from review.services.scoring import criteria_of, result_confirm, sheet_save, sheet_submit
from tests.factories.applications import uscc
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)


@dataclass
class Running:
    cycle: object
    stage: ReviewStage
    panel: Panel
    staff: object  # a user of the engaged agency
    leader: Expert
    members: list[Expert]  # the leader first, then the other non-conflicted members
    conflicted: Expert | None
    outsider: Expert  # in the pool, on no panel
    dossiers: list[Dossier] = field(default_factory=list)

    def assignment(self, expert: Expert, dossier: Dossier | None = None) -> Assignment:
        dossier = dossier or self.dossiers[0]
        return Assignment.objects.get(stage=self.stage, expert=expert, dossier=dossier)


def running_stage(
    office,
    cycle,
    dossiers,
    applicants,
    *,
    members=3,
    conflicted=True,
    conflicted_leads=False,
    **plan,
):
    """Qualify the dossiers, start the review, form one panel (the first member leads),
    assign every dossier to it; every member declares no conflict except the
    ``conflicted`` one, who declares a consulting relation with every dossier."""
    for dossier, applicant in zip(dossiers, applicants, strict=True):
        qualify(office, dossier, applicant)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle, **plan)
    review_start(actor=office, cycle=cycle)
    stage = ReviewStage.objects.get(plan__cycle=cycle, position=1)
    names = ["王明", "李华", "张强", "赵敏", "刘洋"]
    experts = [expert_for(staff, name=f"{names[i]}专家") for i in range(members)]
    spoiler = expert_for(staff, name="回避专家") if conflicted else None
    outsider = expert_for(staff, name="未分配专家")
    panel = panel_create(actor=staff, stage=stage, name="第一评审组")
    for index, expert in enumerate([*experts, *([spoiler] if spoiler else [])]):
        leads = expert is spoiler if conflicted_leads else index == 0
        member_invite(actor=staff, panel=panel, expert=expert, leader=leads)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    fresh = [Dossier.objects.get(pk=d.pk) for d in dossiers]
    for dossier in fresh:
        dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
        for expert in experts:
            assignment = Assignment.objects.get(stage=stage, expert=expert, dossier=dossier)
            conflict_declare(actor=expert.user, assignment=assignment, has_conflict=False)
        if spoiler:
            assignment = Assignment.objects.get(stage=stage, expert=spoiler, dossier=dossier)
            conflict_declare(
                actor=spoiler.user,
                assignment=assignment,
                has_conflict=True,
                conflict_type="consulting",
                note="曾为该单位提供咨询",
            )
    return Running(
        cycle=cycle,
        stage=stage,
        panel=Panel.objects.get(pk=panel.pk),
        staff=staff,
        leader=spoiler if conflicted_leads else experts[0],
        members=experts,
        conflicted=spoiler,
        outsider=outsider,
        dossiers=fresh,
    )


def other_agency_user(office, name="另一评审机构有限公司"):
    """A user of an agency that is not engaged for the round."""
    agency = agency_save(
        actor=office,
        data={
            "name": name,
            "uscc": uscc(7777),
            "address": "包头市",
            "contact_name": "赵经理",
            "contact_phone": "04720000000",
            "contact_email": "other-agency@example.invalid",
        },
    )
    return agency_account_create(
        actor=office,
        agency=agency,
        username="other_agency_staff",
        email="other_agency_staff@example.invalid",
        display_name="另一机构职员",
    )


def fill(assignment, percent=60, *, percents=None, submit=True, comments=None):
    """Rate every item (``percent``, or per criterion id from ``percents``), comment on
    every category, and submit."""
    categories, items = criteria_of(assignment.stage, assignment.dossier)
    user = assignment.expert.user
    sheet_save(
        actor=user,
        assignment=assignment,
        percents={item.pk: (percents or {}).get(item.pk, percent) for item in items},
        comments=comments or {c.pk: ("方法系统，展开充分", "测量分析尚需加强") for c in categories},
    )
    if submit:
        return sheet_submit(actor=user, assignment=assignment)
    return assignment.sheet


def confirm(running: Running, dossier=None, *, agreed=None, reasons=None):
    dossier = dossier or running.dossiers[0]
    categories, items = criteria_of(running.stage, dossier)
    return result_confirm(
        actor=running.leader.user,
        stage=running.stage,
        dossier=dossier,
        agreed=agreed if agreed is not None else {i.pk: 60 for i in items},
        reasons=reasons or {},
        comments={c.pk: ("组内一致认为领导作用突出", "建议加强数据分析") for c in categories},
    )


def page_without_noise(response) -> str:
    """The page's main content with the CSRF token taken out, to compare two answers
    (the header differs by who is signed in and their unread notifications)."""
    import re

    text = response.content.decode()
    main = re.search(r"<main.*</main>", text, re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main.group(0) if main else text)


def bulk_review(office, cycle, count: int, *, experts: int = 5, start: int = 0):
    """A round in its last review stage with ``count`` dossiers under review, each scored
    by ``experts`` experts in each of the three stages (full sheets: every item, every
    category comment); the first two stages closed with their results, the third open
    with its sheets submitted and no result yet. Rows written in bulk (the services make
    the plan, the agency and the experts); returns (experts, open stage)."""
    from datetime import timedelta

    from django.utils import timezone

    from applications.enums import DossierState
    from review.enums import AssignmentState, MemberState, SheetState, StageState
    from review.models import (
        CategoryComment,
        ItemScore,
        PanelDossier,
        PanelMember,
        ResultItem,
        ScoreSheet,
        StageResult,
    )
    from tests.factories.bulk import received_dossiers

    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle)
    pool = [expert_for(staff, name=f"批量专家{i}") for i in range(experts)]
    dossiers = received_dossiers(cycle, count, start=start)
    for serial, dossier in enumerate(dossiers, start=1):
        dossier.number = f"2026-Z-{start + serial:04d}"
        dossier.serial = serial
    Dossier.objects.bulk_update(dossiers, ["number", "serial"], batch_size=500)
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(state=DossierState.UNDER_REVIEW)
    type(cycle).objects.filter(pk=cycle.pk).update(state="expert_review")
    stages = list(ReviewStage.objects.filter(plan__cycle=cycle).order_by("position"))
    now = timezone.now()
    categories, items = criteria_of(stages[0], dossiers[0])
    for position, stage in enumerate(stages, start=1):
        last = position == len(stages)
        stage.state = StageState.OPEN if last else StageState.CLOSED
        stage.opened_at = now - timedelta(days=3 - position)
        stage.closed_at = None if last else now
        stage.save()
        panel = Panel.objects.create(
            stage=stage, name=f"批量评审组{position}", leader=pool[0], created_by=staff
        )
        PanelMember.objects.bulk_create(
            [PanelMember(panel=panel, expert=e, state=MemberState.ACCEPTED) for e in pool]
        )
        PanelDossier.objects.bulk_create(
            [
                PanelDossier(panel=panel, stage=stage, dossier=d, assigned_by=staff)
                for d in dossiers
            ],
            batch_size=1000,
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    stage=stage,
                    panel=panel,
                    expert=e,
                    dossier=d,
                    state=AssignmentState.SUBMITTED,
                    declared_at=now,
                    submitted_at=now,
                )
                for d in dossiers
                for e in pool
            ],
            batch_size=1000,
        )
        sheets = ScoreSheet.objects.bulk_create(
            [
                ScoreSheet(
                    assignment=a,
                    state=SheetState.SUBMITTED,
                    total=sum(i.points for i in items) * (50 + n % 5 * 5) / 100,
                    submitted_at=now,
                )
                for n, a in enumerate(assignments)
            ],
            batch_size=1000,
        )
        ItemScore.objects.bulk_create(
            (
                ItemScore(
                    sheet=s,
                    criterion=i,
                    percent=50 + n % 5 * 5,
                    score=i.points * (50 + n % 5 * 5) / 100,
                )
                for n, s in enumerate(sheets)
                for i in items
            ),
            batch_size=5000,
        )
        CategoryComment.objects.bulk_create(
            (
                CategoryComment(sheet=s, criterion=c, strengths="优势", opportunities="改进")
                for s in sheets
                for c in categories
            ),
            batch_size=5000,
        )
        if not last:
            results = StageResult.objects.bulk_create(
                [
                    StageResult(
                        stage=stage,
                        panel=panel,
                        dossier=d,
                        method="mean",
                        sheets=experts,
                        score=600 + n % 300,
                        maximum=1000,
                        mean_total=600,
                        sd_total=70.71,
                        range_total=200,
                        dispersed=n % 7 == 0,
                        confirmed_by=pool[0],
                        advanced=True,
                    )
                    for n, d in enumerate(dossiers)
                ],
                batch_size=1000,
            )
            ResultItem.objects.bulk_create(
                (
                    ResultItem(
                        result=r,
                        criterion=i,
                        percent=60,
                        score=i.points * 60 / 100,
                        members_mean=60,
                        members_sd=7.07,
                        members_range=20,
                    )
                    for r in results
                    for i in items
                ),
                batch_size=5000,
            )
    return pool, stages[-1]
