"""Reads for the review pages, already scoped to the user and joined for their page.

Every figure comes from stored sheets and confirmed results; nothing is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from applications.enums import AFTER_REVIEW_STATES, REVIEW_STATES, DossierState
from applications.models import Cycle, Dossier
from award_portal.accounts.enums import ApplicantKind
from award_portal.workdays.models import Deadline, DeadlineStatus

from . import aggregation
from .enums import AssignmentState, FlagState, MemberState, SheetState, StageState
from .models import (
    Assignment,
    ConflictDeclaration,
    ConflictFlag,
    Expert,
    ItemScore,
    PanelDossier,
    PanelMember,
    ReviewPlan,
    ReviewStage,
    StageResult,
)
from .permissions import agency_of, expert_of, is_office, oversees_review


def cycles_for_review(user) -> QuerySet[Cycle]:
    """The rounds whose review the user may see: all for the office and the auditor, the
    engaged rounds for an agency."""
    cycles = Cycle.objects.filter(review_plan__isnull=False).select_related(
        "edition", "engagement__agency"
    )
    if oversees_review(user):
        return cycles
    agency = agency_of(user)
    if agency is not None:
        return cycles.filter(engagement__agency=agency)
    return Cycle.objects.none()


def plan_of(cycle: Cycle) -> ReviewPlan | None:
    return (
        ReviewPlan.objects.filter(cycle=cycle)
        .select_related("criteria_organisation", "criteria_individual", "cycle__edition")
        .prefetch_related("stages")
        .first()
    )


@dataclass
class StageCell:
    """One dossier in one stage on the board."""

    stage: ReviewStage
    result: StageResult | None = None
    panel: str = ""
    not_reached: bool = False  # it did not advance to this stage
    url: str = ""  # the page of the panel's result (set by the view)

    @property
    def percent(self) -> Decimal | None:
        if self.result is None:
            return None
        return aggregation.percent_of(self.result.score, self.result.maximum)

    @property
    def linked(self) -> bool:
        return bool(self.panel) or self.result is not None


@dataclass
class BoardRow:
    dossier: Dossier
    results: dict[int, StageResult] = field(default_factory=dict)  # stage id -> result
    cells: list[StageCell] = field(default_factory=list)
    composite: Decimal | None = None
    rank: int | None = None
    dispersed: bool = False  # a confirmed result, or the open stage's sheets, differ
    dispersed_open: bool = False  # the open stage's submitted sheets differ (before a result)
    due: int = 0  # sheets expected in the open stage
    submitted: int = 0
    overdue: int = 0
    panel: str = ""
    reached: ReviewStage | None = None
    ban: object | None = None  # set by the office's board: a ban in force (Art. 12(4), 28)
    stopped_after: ReviewStage | None = None  # did not advance after this stage
    advanced_to_last: bool = True


@dataclass
class Board:
    cycle: Cycle
    plan: ReviewPlan
    stages: list[ReviewStage]
    kinds: dict[str, list[BoardRow]]
    open_stage: ReviewStage | None = None

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.kinds.values())

    @property
    def review_done(self) -> bool:
        """Every stage closed and every dossier of the review concluded (dossiers that
        have since moved on stay on the board, with their scores)."""
        return (
            bool(self.stages)
            and all(stage.state == StageState.CLOSED for stage in self.stages)
            and all(
                row.dossier.state != DossierState.UNDER_REVIEW
                for rows in self.kinds.values()
                for row in rows
            )
        )


def review_board(cycle: Cycle, *, today=None) -> Board | None:
    """The office's review board: per applicant kind, every dossier in the review with its
    stage scores, composite, dispersion flags, panels and the open stage's progress
    (sheets due, submitted, overdue), ranked.

    Ranking: dossiers with a composite (they completed every weighted stage) by composite;
    then the others by the last stage they reached and its score (as a percentage of
    its maximum); equal figures share a rank and are listed by application number.
    Dispersion: a confirmed result marked dispersed, or, in the open stage before its
    result, submitted sheets whose percentages for an item differ by more than the
    stage's threshold. A constant number of queries whatever the number of dossiers,
    experts and sheets.
    """
    plan = plan_of(cycle)
    if plan is None:
        return None
    today = today or timezone.localdate()
    stages = list(plan.stages.all())
    position = {stage.pk: stage.position for stage in stages}
    weights = {stage.pk: stage.weight for stage in stages}
    by_id = {stage.pk: stage for stage in stages}
    # only what the board shows: a thousand rows of full dossiers and results would spend
    # most of the page's time turning unused dates and decimals into Python objects
    dossiers = list(
        Dossier.objects.filter(cycle=cycle, state__in=REVIEW_STATES | AFTER_REVIEW_STATES)
        .select_related("organisation", "individual")
        .only(
            "id",
            "cycle_id",
            "number",
            "kind",
            "state",
            "organisation__id",
            "organisation__name",
            "individual__id",
            "individual__full_name",
        )
        .order_by("number")
    )
    rows = {d.pk: BoardRow(dossier=d) for d in dossiers}
    for result in StageResult.objects.filter(
        stage__plan=plan, superseded_at__isnull=True, dossier__cycle=cycle
    ).only("id", "stage_id", "dossier_id", "score", "maximum", "dispersed", "advanced"):
        row = rows.get(result.dossier_id)
        if row is None:  # withdrawn since
            continue
        row.results[result.stage_id] = result
        row.dispersed = row.dispersed or result.dispersed
    panels: dict[tuple[int, int], str] = {
        (stage_id, dossier_id): name
        for stage_id, dossier_id, name in PanelDossier.objects.filter(
            stage__plan=plan, dossier__cycle=cycle
        ).values_list("stage_id", "dossier_id", "panel__name")
    }
    open_stage = next((s for s in stages if s.state == StageState.OPEN), None)
    if open_stage is not None:
        counts = (
            Assignment.objects.filter(stage=open_stage, dossier__cycle=cycle)
            .exclude(state__in=[AssignmentState.RECUSED, AssignmentState.WITHDRAWN])
            .values("dossier")
            .annotate(
                due=Count("id"),
                submitted=Count("id", filter=Q(state=AssignmentState.SUBMITTED)),
            )
        )
        overdue = open_stage.ends_on < today
        for count in counts:
            row = rows.get(count["dossier"])
            if row is None:
                continue
            row.due = count["due"]
            row.submitted = count["submitted"]
            row.overdue = (count["due"] - count["submitted"]) if overdue else 0
        spread = (
            ItemScore.objects.filter(
                sheet__state=SheetState.SUBMITTED,
                sheet__assignment__state=AssignmentState.SUBMITTED,
                sheet__assignment__stage=open_stage,
                sheet__assignment__dossier__cycle=cycle,
            )
            .values("sheet__assignment__dossier", "criterion")
            .annotate(spread=Max("percent") - Min("percent"))
            .filter(spread__gt=open_stage.dispersion_threshold)
            .values_list("sheet__assignment__dossier", flat=True)
            .distinct()
        )
        for dossier_id in spread:
            row = rows.get(dossier_id)
            if row is not None and open_stage.pk not in row.results:
                row.dispersed_open = True
                row.dispersed = True
    for row in rows.values():
        scores = {
            stage_id: (result.score, result.maximum) for stage_id, result in row.results.items()
        }
        row.composite = aggregation.composite(weights, scores)
        if row.results:
            row.reached = by_id[max(row.results, key=lambda sid: position[sid])]
        stopped = False
        for stage in stages:
            result = row.results.get(stage.pk)
            cell = StageCell(
                stage=stage,
                result=result,
                panel=panels.get((stage.pk, row.dossier.pk), ""),
                not_reached=stopped,
            )
            row.cells.append(cell)
            if result is not None and result.advanced is False:
                stopped = True
                row.stopped_after = stage
                row.advanced_to_last = False
        if open_stage is not None:
            row.panel = panels.get((open_stage.pk, row.dossier.pk), "")
    kinds: dict[str, list[BoardRow]] = {kind: [] for kind in ApplicantKind.values}
    for row in rows.values():
        kinds[row.dossier.kind].append(row)
    for kind_rows in kinds.values():

        def key(row):
            if row.composite is not None:
                return (0, 0, -row.composite, row.dossier.number or "")
            if row.reached is not None:
                result = row.results[row.reached.pk]
                return (1, -row.reached.position, -result.percent, row.dossier.number or "")
            return (2, 0, 0, row.dossier.number or "")

        kind_rows.sort(key=key)
        previous = None
        for index, row in enumerate(kind_rows, start=1):
            if row.composite is None and row.reached is None:
                continue
            # equal figures share a rank (1, 1, 3): the order of numbers is no merit
            if previous is not None and key(previous)[:3] == key(row)[:3]:
                row.rank = previous.rank
            else:
                row.rank = index
            previous = row
    return Board(cycle=cycle, plan=plan, stages=stages, kinds=kinds, open_stage=open_stage)


def expert_worklist(user) -> dict:
    """What waits for an expert: invitations to answer, dossiers to declare on, sheets to
    score, panels led. Only the applicant's name, kind, sector and district appear
    before the expert declares no conflict."""
    expert = expert_of(user)
    if expert is None:
        return {"expert": None}
    invitations = list(
        PanelMember.objects.filter(expert=expert, state=MemberState.INVITED)
        .exclude(panel__stage__state=StageState.CLOSED)
        .select_related("panel__stage__plan__cycle")
    )
    assignments = list(
        Assignment.objects.filter(expert=expert, stage__state=StageState.OPEN)
        .exclude(state__in=[AssignmentState.WITHDRAWN])
        .filter(dossier__state=DossierState.UNDER_REVIEW)
        .select_related(
            "stage__plan__cycle", "panel", "dossier__organisation", "dossier__individual", "sheet"
        )
        .order_by("stage__ends_on", "dossier__number")
    )
    led = list(
        PanelMember.objects.filter(expert=expert, state=MemberState.ACCEPTED, panel__leader=expert)
        .exclude(panel__stage__state=StageState.CLOSED)
        .select_related("panel__stage__plan__cycle")
    )
    return {
        "expert": expert,
        "invitations": invitations,
        "to_declare": [a for a in assignments if a.state == AssignmentState.OFFERED],
        "to_score": [
            a for a in assignments if a.state in (AssignmentState.DECLARED, AssignmentState.SCORING)
        ],
        "submitted": [a for a in assignments if a.state == AssignmentState.SUBMITTED],
        # recusals stay listed after their stage closed (Art. 25: they are for good)
        "recused": list(
            Assignment.objects.filter(expert=expert, state=AssignmentState.RECUSED)
            .select_related("stage__plan__cycle", "dossier__organisation", "dossier__individual")
            .order_by("-recused_at", "-pk")
        ),
        "led": led,
    }


def recusal_register(cycle: Cycle):
    """Every declared conflict and every decided likely conflict of the round's dossiers
    (the register the office and the auditor keep)."""
    declarations = (
        ConflictDeclaration.objects.filter(dossier__cycle=cycle)
        .select_related("expert", "dossier__organisation", "dossier__individual")
        .order_by("declared_at")
    )
    flags = (
        ConflictFlag.objects.filter(dossier__cycle=cycle)
        .select_related("expert", "dossier__organisation", "dossier__individual", "resolved_by")
        .order_by("raised_at")
    )
    return declarations, flags


def open_flags(cycle: Cycle):
    return (
        ConflictFlag.objects.filter(dossier__cycle=cycle, state=FlagState.OPEN)
        .select_related("expert", "dossier__organisation", "dossier__individual")
        .order_by("raised_at")
    )


def experts_visible_to(user) -> QuerySet[Expert]:
    if oversees_review(user):
        experts = Expert.objects.all()
    else:
        agency = agency_of(user)
        experts = Expert.objects.filter(agency=agency) if agency else Expert.objects.none()
    return experts.select_related("user", "agency").annotate(
        rounds=Count(
            "memberships__panel__stage__plan",
            filter=Q(memberships__state=MemberState.ACCEPTED),
            distinct=True,
        )
    )


def expert_history(expert: Expert) -> dict:
    """An expert's record for the office: rounds served, dossiers scored, recusals."""
    memberships = (
        PanelMember.objects.filter(expert=expert)
        .select_related("panel__stage__plan__cycle")
        .order_by("-invited_at")
    )
    sheets = (
        Assignment.objects.filter(
            expert=expert, state=AssignmentState.SUBMITTED, sheet__state=SheetState.SUBMITTED
        )
        .select_related("stage__plan__cycle", "dossier")
        .order_by("-submitted_at")
    )
    recusals = Assignment.objects.filter(
        expert=expert, state=AssignmentState.RECUSED
    ).select_related("stage__plan__cycle", "dossier")
    declarations = ConflictDeclaration.objects.filter(
        expert=expert, has_conflict=True
    ).select_related("dossier__cycle")
    return {
        "memberships": memberships,
        "sheets": sheets,
        "recusals": recusals,
        "declarations": declarations,
    }


def review_deadlines(cycle: Cycle):
    return Deadline.objects.filter(
        status=DeadlineStatus.OPEN, url__contains=f"/review/{cycle.pk}/"
    ).order_by("due_date")


def panels_of(stage: ReviewStage):
    return stage.panels.prefetch_related(
        Prefetch("members", queryset=PanelMember.objects.select_related("expert").order_by("id")),
        Prefetch(
            "dossiers",
            queryset=PanelDossier.objects.select_related(
                "dossier__organisation", "dossier__individual"
            ).order_by("dossier__number"),
        ),
    ).select_related("leader")


def is_staff_reader(user) -> bool:
    return is_office(user) or oversees_review(user)
