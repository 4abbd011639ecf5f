"""Score sheets and the panel's result (Art. 13, 18; GB/Z 19579).

Each expert scores every item of the criteria set independently (a percentage in steps
of 5, the band guidance beside it) and writes strengths and opportunities per category.
A submitted sheet is locked; the panel leader may return it with a reason. Once every
member's sheet is in, the leader confirms the panel's result with the stage's method
(consensus: the agreed percentage per item, with a reason where it departs from the
members' mean) and the panel's comments per category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Dossier, DossierFile
from award_portal.audit.enums import Action, Outcome
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import page_moment
from award_portal.documents.watermark import Stamp, StampRefused, stamped_copy
from award_portal.notifications.services import notify

from .. import aggregation
from ..enums import Aggregation, AssignmentState, SheetState
from ..models import (
    Assignment,
    BandGuidance,
    CategoryComment,
    Criterion,
    ItemScore,
    Panel,
    PanelComment,
    PanelDossier,
    ResultItem,
    ReviewStage,
    ScoreSheet,
    SheetReturn,
    StageResult,
)
from ..permissions import (
    can_read_assignment,
    can_score_assignment,
    expert_of,
    is_office,
    stage_is_running,
)
from .plans import agency_users, office_users

STEP = 5


def criteria_of(stage: ReviewStage, dossier: Dossier):
    """(categories, items) of the set the plan uses for the dossier's kind: categories are
    the top-level rows, items the scored leaves."""
    criteria_set = stage.plan.criteria_for(dossier.kind)
    rows = list(criteria_set.criteria.all())
    parents = {row.parent_id for row in rows if row.parent_id}
    categories = [row for row in rows if row.parent_id is None]
    items = [row for row in rows if row.pk not in parents]
    return categories, items


def _check_percents(percents: dict[int, int], items: list[Criterion]) -> dict[int, int]:
    known = {item.pk for item in items}
    clean = {}
    for key, value in percents.items():
        if key not in known:
            raise ValidationError(_("An item of another criteria set was sent."))
        if value is None or value == "":
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("A percentage must be a whole number.")) from None
        if not 0 <= number <= 100 or number % STEP:
            raise ValidationError(
                _("A percentage is between 0 and 100, in steps of %(step)s.") % {"step": STEP}
            )
        clean[key] = number
    return clean


# the edit token of a page opened before the sheet existed
NEW_SHEET = "new"


def _sheet_for(assignment: Assignment) -> tuple[ScoreSheet, bool]:
    sheet, created = ScoreSheet.objects.get_or_create(assignment=assignment)
    return ScoreSheet.objects.select_for_update().get(pk=sheet.pk), created


STALE = gettext_lazy(
    "This sheet was saved elsewhere (another window, or the panel leader returned "
    "it) while you were editing. Reload the page; your changes were not saved."
)


def _store(sheet: ScoreSheet, items: list[Criterion], percents: dict[int, int]) -> None:
    by_id = {item.pk: item for item in items}
    for key, percent in percents.items():
        ItemScore.objects.update_or_create(
            sheet=sheet,
            criterion_id=key,
            defaults={
                "percent": percent,
                "score": aggregation.item_score(by_id[key].points, percent),
            },
        )
    sheet.total = sum((row.score for row in sheet.items.all()), Decimal(0))


@transaction.atomic
def sheet_save(
    *,
    actor,
    assignment: Assignment,
    percents: dict[int, int],
    comments: dict[int, tuple[str, str]],
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> ScoreSheet:
    """Save the expert's draft (items may still be open).

    ``expected_updated_at``: the sheet's ``updated_at`` when the page was opened, or
    ``NEW_SHEET`` when there was no sheet yet; a save over a newer state is refused
    (another window saved, or the leader returned the sheet in between).

    Side effects, in order: the sheet row (created when first saved, locked); the item
    rows with their computed scores; the category comments; the total recomputed; the
    assignment moves to ``scoring``; one ``review.sheet_saved`` event (items rated, total).
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("stage__plan__cycle", "dossier", "expert")
        .get(pk=assignment.pk)
    )
    if not can_read_assignment(actor, assignment):
        raise PermissionDenied
    if not can_score_assignment(actor, assignment):
        # the expert's own sheet, submitted (perhaps a moment ago, in another window)
        raise ValidationError(_("This sheet has been submitted and is locked."))
    sheet, created = _sheet_for(assignment)
    if sheet.state == SheetState.SUBMITTED:
        raise ValidationError(_("This sheet has been submitted and is locked."))
    if expected_updated_at == NEW_SHEET:
        if not created:
            raise ValidationError(str(STALE))
    elif expected_updated_at is not None and sheet.updated_at != expected_updated_at:
        raise ValidationError(str(STALE))
    categories, items = criteria_of(assignment.stage, assignment.dossier)
    clean = _check_percents(percents, items)
    _store(sheet, items, clean)
    category_ids = {c.pk for c in categories}
    for key, (strengths, opportunities) in comments.items():
        if key not in category_ids:
            raise ValidationError(_("A category of another criteria set was sent."))
        CategoryComment.objects.update_or_create(
            sheet=sheet,
            criterion_id=key,
            defaults={"strengths": strengths.strip(), "opportunities": opportunities.strip()},
        )
    sheet.save()
    if assignment.state == AssignmentState.DECLARED:
        assignment.start_scoring()
        assignment.save()
    audit_record(
        action=Action.SHEET_SAVED,
        actor=actor,
        target=assignment.dossier,
        request=request,
        details={
            "stage": assignment.stage.kind,
            "rated": sheet.items.count(),
            "total": str(sheet.total),
        },
    )
    return sheet


def sheet_missing(sheet: ScoreSheet, categories, items) -> list[str]:
    """What a sheet still lacks before it can be submitted."""
    rated = set(sheet.items.values_list("criterion_id", flat=True))
    missing = [f"{item.code} {item.name}" for item in items if item.pk not in rated]
    comments = {c.criterion_id: c for c in sheet.comments.all()}
    for category in categories:
        comment = comments.get(category.pk)
        if comment is None or not comment.strengths or not comment.opportunities:
            missing.append(
                _("%(code)s %(name)s: strengths and opportunities for improvement")
                % {"code": category.code, "name": category.name}
            )
    return missing


@transaction.atomic
def sheet_submit(
    *, actor, assignment: Assignment, request: HttpRequest | None = None
) -> ScoreSheet:
    """Submit a complete sheet; from then on it is locked.

    Side effects, in order: the sheet submitted (time); the assignment ``submitted``; one
    ``review.sheet_submitted`` event; when it is the panel's last sheet for the dossier,
    the leader is told the result can be confirmed.
    """
    # Lock every assignment of the panel for this dossier (in id order, so two experts
    # submitting at once queue instead of deadlocking): the last of them sees the others'
    # sheets in and tells the leader exactly once.
    panel_rows = Assignment.objects.filter(
        stage_id=assignment.stage_id, dossier_id=assignment.dossier_id, panel_id=assignment.panel_id
    )
    list(panel_rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    assignment = Assignment.objects.select_related(
        "stage__plan__cycle", "dossier", "expert", "panel__leader__user"
    ).get(pk=assignment.pk)
    if not can_score_assignment(actor, assignment):
        raise PermissionDenied
    sheet, _created = _sheet_for(assignment)
    if sheet.state == SheetState.SUBMITTED:
        raise ValidationError(_("This sheet has been submitted already."))
    categories, items = criteria_of(assignment.stage, assignment.dossier)
    missing = sheet_missing(sheet, categories, items)
    if missing:
        raise ValidationError(
            _("The sheet is not complete: %(list)s.") % {"list": "；".join(missing)}
        )
    sheet.state = SheetState.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save()
    assignment.submit()
    assignment.save()
    audit_record(
        action=Action.SHEET_SUBMITTED,
        actor=actor,
        target=assignment.dossier,
        request=request,
        details={"stage": assignment.stage.kind, "total": str(sheet.total)},
    )
    waiting = Assignment.objects.filter(
        stage=assignment.stage, dossier=assignment.dossier, panel=assignment.panel
    ).filter(state__in=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING])
    from .panels import acting_leader

    leader = acting_leader(assignment.panel, assignment.dossier)
    if (
        leader is not None
        and not waiting.exists()
        and result_problem(assignment.stage, assignment.dossier, assignment.panel) is None
    ):
        notify(
            user=leader.user,
            title=_("All sheets are in for %(number)s") % {"number": assignment.dossier.number},
            body=_("Confirm the panel's result for %(stage)s.")
            % {"stage": assignment.stage.get_kind_display()},
            url=reverse("review:result", args=[assignment.stage.pk, assignment.dossier.pk]),
        )
    return sheet


def leads_for(user, panel: Panel, dossier: Dossier) -> bool:
    """The member who leads the panel for this dossier (its leader, or the acting leader
    when the leader is recused: a recused leader sees nothing of the dossier, like any
    other expert), once that member has declared no conflict with it in the stage."""
    return leads_undeclared(user, panel, dossier) and has_declared(user, panel, dossier)


def leads_undeclared(user, panel: Panel, dossier: Dossier) -> bool:
    """The member who leads the panel for this dossier, declared or not yet."""
    from .panels import acting_leader

    expert = expert_of(user)
    if expert is None:
        return False
    leader = acting_leader(panel, dossier)
    return leader is not None and leader.pk == expert.pk


def has_declared(user, panel: Panel, dossier: Dossier) -> bool:
    expert = expert_of(user)
    return (
        expert is not None
        and Assignment.objects.filter(
            stage_id=panel.stage_id,
            dossier=dossier,
            expert=expert,
            state__in=[
                AssignmentState.DECLARED,
                AssignmentState.SCORING,
                AssignmentState.SUBMITTED,
            ],
        ).exists()
    )


def _current_result(stage: ReviewStage, dossier: Dossier) -> StageResult | None:
    return StageResult.objects.filter(
        stage=stage, dossier=dossier, superseded_at__isnull=True
    ).first()


@transaction.atomic
def sheet_return(
    *, actor, sheet: ScoreSheet, reason: str, request: HttpRequest | None = None
) -> ScoreSheet:
    """The panel leader sends a submitted sheet back to its expert, with a reason.

    Side effects, in order: one append-only return record (with the total before); the
    sheet is a draft again and the assignment ``scoring``; one ``review.sheet_returned``
    event; the expert told.
    """
    # the assignment first, then the sheet: the order sheet_save locks them in
    assignment = Assignment.objects.select_for_update().get(pk=sheet.assignment_id)
    sheet = (
        ScoreSheet.objects.select_for_update()
        .select_related(
            "assignment__stage__plan__cycle",
            "assignment__panel",
            "assignment__dossier",
            "assignment__expert__user",
        )
        .get(pk=sheet.pk)
    )
    panel = sheet.assignment.panel
    if not leads_for(actor, panel, assignment.dossier) or not stage_is_running(
        sheet.assignment.stage
    ):
        raise PermissionDenied
    if assignment.expert_id == expert_of(actor).pk:
        raise ValidationError(_("A leader does not return his or her own sheet."))
    if sheet.state != SheetState.SUBMITTED:
        raise ValidationError(
            _("This sheet is not submitted (it may have been returned a moment ago).")
        )
    if _current_result(assignment.stage, assignment.dossier) is not None:
        raise ValidationError(
            _(
                "The panel's result is confirmed; the office must reopen it before a sheet "
                "is returned."
            )
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for returning the sheet."))
    SheetReturn.objects.create(
        sheet=sheet, returned_by=expert_of(actor), reason=reason.strip(), total_before=sheet.total
    )
    sheet.state = SheetState.DRAFT
    sheet.submitted_at = None
    sheet.save()
    assignment.reopen()
    assignment.save()
    audit_record(
        action=Action.SHEET_RETURNED,
        actor=actor,
        target=assignment.dossier,
        request=request,
        details={
            "stage": assignment.stage.kind,
            "expert": assignment.expert_id,
            "reason": reason.strip(),
        },
    )
    notify(
        user=sheet.assignment.expert.user,
        title=_("Your sheet for %(number)s was returned") % {"number": assignment.dossier.number},
        body=reason.strip(),
        url=reverse("review:sheet", args=[assignment.pk]),
    )
    return sheet


def submitted_sheets(stage: ReviewStage, dossier: Dossier, panel: Panel) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(
            assignment__stage=stage,
            assignment__dossier=dossier,
            assignment__panel=panel,
            assignment__state=AssignmentState.SUBMITTED,
            state=SheetState.SUBMITTED,
        )
        .select_related("assignment__expert")
        .prefetch_related("items", "comments")
        .order_by("id")
    )


def result_problem(stage: ReviewStage, dossier: Dossier, panel: Panel) -> str | None:
    """Why the panel's result cannot be confirmed yet, or None."""
    waiting = Assignment.objects.filter(stage=stage, dossier=dossier, panel=panel).filter(
        state__in=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING]
    )
    if waiting.exists():
        return _("Sheets still missing from: %(list)s.") % {
            "list": "、".join(a.expert.name for a in waiting.select_related("expert"))
        }
    sheets = submitted_sheets(stage, dossier, panel)
    if len(sheets) < stage.min_panel_size:
        return _(
            "The plan asks for at least %(n)s sheets in this stage; %(m)s are in. Add a member "
            "to the panel."
        ) % {"n": stage.min_panel_size, "m": len(sheets)}
    if stage.aggregation == Aggregation.TRIMMED_MEAN and len(sheets) < 2 * stage.trim_k + 1:
        return _("A trimmed mean dropping %(k)s from each end needs %(n)s sheets.") % {
            "k": stage.trim_k,
            "n": 2 * stage.trim_k + 1,
        }
    return None


def stage_figures(
    stage: ReviewStage, dossier: Dossier, panel: Panel, *, agreed: dict[int, int] | None = None
) -> aggregation.StageFigures:
    """The stage's figures from the stored sheets (and, for consensus, the agreed
    percentages; the members' mean stands in where none is given yet)."""
    _categories, items = criteria_of(stage, dossier)
    points = {item.pk: item.points for item in items}
    sheets = [
        aggregation.Sheet(
            id=sheet.pk, percents={row.criterion_id: row.percent for row in sheet.items.all()}
        )
        for sheet in submitted_sheets(stage, dossier, panel)
    ]
    method = stage.aggregation
    if method == Aggregation.CONSENSUS and agreed is None:
        method = Aggregation.MEAN  # a preview before the panel agrees
    return aggregation.aggregate(
        method=method,
        sheets=sheets,
        points=points,
        threshold=stage.dispersion_threshold,
        k=stage.trim_k if method == Aggregation.TRIMMED_MEAN else 0,
        agreed=agreed,
    )


def _nearest_step(value: Decimal) -> int:
    return int((value / STEP).quantize(Decimal(1), rounding="ROUND_HALF_UP") * STEP)


@transaction.atomic
def result_confirm(
    *,
    actor,
    stage: ReviewStage,
    dossier: Dossier,
    agreed: dict[int, int] | None,
    reasons: dict[int, str],
    comments: dict[int, tuple[str, str]],
    request: HttpRequest | None = None,
) -> StageResult:
    """The panel leader confirms the panel's result for the dossier (组长负责制).

    Consensus: ``agreed`` holds the percentage per item; where it departs from the
    members' mean (rounded to a step of 5) a reason is required. Other methods compute
    the figures from the sheets. The panel's comments per category are required (the
    feedback report is made of them).

    Side effects, in order: the result row with its figures, its item rows and the
    panel's comments; one ``review.result_confirmed`` event; the office and the agency
    told when the dossier was marked for a consensus discussion.
    """
    stage = ReviewStage.objects.select_related("plan__cycle").get(pk=stage.pk)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    item = PanelDossier.objects.select_related("panel").filter(stage=stage, dossier=dossier).first()
    if item is None:
        raise ValidationError(_("This dossier has no panel in this stage."))
    panel = item.panel
    if not leads_for(actor, panel, dossier) or not stage_is_running(stage):
        raise PermissionDenied
    if _current_result(stage, dossier) is not None:
        raise ValidationError(_("The panel's result is confirmed already."))
    problem = result_problem(stage, dossier, panel)
    if problem:
        raise ValidationError(problem)
    categories, items = criteria_of(stage, dossier)
    clean_agreed = None
    if stage.aggregation == Aggregation.CONSENSUS:
        clean_agreed = _check_percents(agreed or {}, items)
        missing = [f"{i.code} {i.name}" for i in items if i.pk not in clean_agreed]
        if missing:
            raise ValidationError(
                _("Enter the agreed percentage of every item; missing: %(list)s.")
                % {"list": "、".join(missing)}
            )
    figures = stage_figures(stage, dossier, panel, agreed=clean_agreed)
    if stage.aggregation == Aggregation.CONSENSUS:
        departing = [
            i
            for i in items
            if clean_agreed[i.pk] != _nearest_step(figures.items[i.pk].members_mean)
            and not (reasons.get(i.pk) or "").strip()
        ]
        if departing:
            raise ValidationError(
                _(
                    "Give the reason where the agreed percentage departs from the members' "
                    "mean: %(list)s."
                )
                % {"list": "、".join(f"{i.code} {i.name}" for i in departing)}
            )
    lacking = [
        f"{c.code} {c.name}"
        for c in categories
        if not (comments.get(c.pk, ("", ""))[0] or "").strip()
        or not (comments.get(c.pk, ("", ""))[1] or "").strip()
    ]
    if lacking:
        raise ValidationError(
            _("Write the panel's strengths and opportunities for every category: %(list)s.")
            % {"list": "、".join(lacking)}
        )
    leader = expert_of(actor)
    result = StageResult.objects.create(
        stage=stage,
        panel=panel,
        dossier=dossier,
        method=stage.aggregation,
        sheets=figures.sheets,
        score=figures.score,
        maximum=figures.maximum,
        mean_total=figures.mean_total,
        sd_total=figures.sd_total,
        range_total=figures.range_total,
        dispersed=figures.dispersed,
        confirmed_by=leader,
    )
    for row in items:
        item_figures = figures.items[row.pk]
        ResultItem.objects.create(
            result=result,
            criterion=row,
            percent=item_figures.percent,
            score=item_figures.score,
            members_mean=item_figures.members_mean,
            members_sd=item_figures.members_sd,
            members_range=item_figures.members_range,
            reason=(reasons.get(row.pk) or "").strip(),
        )
    for category in categories:
        strengths, opportunities = comments[category.pk]
        PanelComment.objects.create(
            result=result,
            criterion=category,
            strengths=strengths.strip(),
            opportunities=opportunities.strip(),
        )
    audit_record(
        action=Action.RESULT_CONFIRMED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "stage": stage.kind,
            "method": stage.aggregation,
            "score": str(result.score),
            "sheets": result.sheets,
            "dispersed": result.dispersed,
            "kept": figures.kept,
        },
    )
    cycle = stage.plan.cycle
    for user in {u.pk: u for u in [*office_users(), *agency_users(cycle)]}.values():
        notify(
            user=user,
            title=_("%(number)s: the panel's result for %(stage)s is confirmed")
            % {"number": dossier.number, "stage": stage.get_kind_display()},
            body=_("Score %(score)s of %(max)s.") % {"score": result.score, "max": result.maximum},
            url=reverse("review:board", args=[cycle.pk]),
            email=False,
        )
    return result


@transaction.atomic
def result_reopen(
    *, actor, result: StageResult, reason: str, request: HttpRequest | None = None
) -> StageResult:
    """The office reopens a confirmed result while its stage runs (the old row is kept,
    marked superseded, with the reason).

    Side effects, in order: the result superseded; one ``review.result_reopened`` event;
    the panel leader told.
    """
    if not is_office(actor):
        raise PermissionDenied
    result = (
        StageResult.objects.select_for_update(of=("self",))
        .select_related("stage__plan__cycle", "panel__leader__user", "dossier")
        .get(pk=result.pk)
    )
    if result.superseded_at is not None:
        raise ValidationError(_("This result has been reopened already."))
    if not stage_is_running(result.stage):
        raise ValidationError(_("The stage is closed; its results stand."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the result."))
    result.superseded_at = timezone.now()
    result.superseded_reason = reason.strip()
    result.save(update_fields=["superseded_at", "superseded_reason"])
    audit_record(
        action=Action.RESULT_REOPENED,
        actor=actor,
        target=result.dossier,
        request=request,
        details={"stage": result.stage.kind, "score": str(result.score), "reason": reason.strip()},
    )
    from .panels import acting_leader

    leader = acting_leader(result.panel, result.dossier)
    if leader is not None:
        notify(
            user=leader.user,
            title=_("The office reopened the result for %(number)s")
            % {"number": result.dossier.number},
            body=reason.strip(),
            url=reverse("review:result", args=[result.stage_id, result.dossier_id]),
        )
    return result


# --- reads for the pages ----------------------------------------------------------------


def percent_choices() -> list[int]:
    return list(range(0, 101, STEP))


def band_for(bands: list[BandGuidance], percent) -> BandGuidance | None:
    if percent is None:
        return None
    return next((band for band in bands if band.low <= percent <= band.high), None)


@dataclass
class ItemLine:
    """One scored item on a sheet: its stored percentage and computed score."""

    criterion: Criterion
    percent: int | None = None
    score: Decimal | None = None
    band: BandGuidance | None = None


@dataclass
class CategoryBlock:
    category: Criterion
    items: list[ItemLine]
    bands: list[BandGuidance]
    subtotal: Decimal = Decimal(0)
    strengths: str = ""
    opportunities: str = ""

    @property
    def rated(self) -> int:
        return sum(1 for line in self.items if line.percent is not None)


def _bands_by_kind(stage: ReviewStage, dossier: Dossier) -> dict[str, list[BandGuidance]]:
    criteria_set = stage.plan.criteria_for(dossier.kind)
    bands: dict[str, list[BandGuidance]] = {}
    for band in BandGuidance.objects.filter(criteria_set=criteria_set).order_by("kind", "low"):
        bands.setdefault(band.kind, []).append(band)
    return bands


def _children(category: Criterion, items: list[Criterion]) -> list[Criterion]:
    """A category's scored items; a rubric row without items is scored itself."""
    return [i for i in items if i.parent_id == category.pk or i.pk == category.pk]


def sheet_layout(stage: ReviewStage, dossier: Dossier, sheet: ScoreSheet | None):
    """The sheet grouped by category: each item with its stored percentage, its computed
    score and the band it falls in; the category subtotals; the total. Figures come
    from the stored item rows (computed by ``sheet_save``), never from the form."""
    categories, items = criteria_of(stage, dossier)
    bands = _bands_by_kind(stage, dossier)
    rows = {row.criterion_id: row for row in sheet.items.all()} if sheet else {}
    comments = {c.criterion_id: c for c in sheet.comments.all()} if sheet else {}
    blocks = []
    for category in categories:
        lines = []
        for item in _children(category, items):
            row = rows.get(item.pk)
            kind_bands = bands.get(item.kind, [])
            lines.append(
                ItemLine(
                    criterion=item,
                    percent=row.percent if row else None,
                    score=row.score if row else None,
                    band=band_for(kind_bands, row.percent) if row else None,
                )
            )
        comment = comments.get(category.pk)
        blocks.append(
            CategoryBlock(
                category=category,
                items=lines,
                bands=bands.get(category.kind, []),
                subtotal=sum((line.score for line in lines if line.score is not None), Decimal(0)),
                strengths=comment.strengths if comment else "",
                opportunities=comment.opportunities if comment else "",
            )
        )
    total = sum((block.subtotal for block in blocks), Decimal(0))
    return blocks, total


@dataclass
class Column:
    """One member's submitted sheet in the panel's comparison."""

    sheet: ScoreSheet
    label: str
    mine: bool = False
    kept: bool = True


@dataclass
class ComparedItem:
    criterion: Criterion
    percents: list[int]
    figures: aggregation.ItemFigures
    suggested: int  # the members' mean rounded to a step of 5


@dataclass
class ComparedCategory:
    category: Criterion
    items: list[ComparedItem]
    strengths: list[str]
    opportunities: list[str]


@dataclass
class Comparison:
    columns: list[Column]
    categories: list[ComparedCategory]
    figures: aggregation.StageFigures
    totals: list[Decimal]

    @property
    def span(self) -> int:
        """Columns of the table: item, points, one per member, mean, SD, range."""
        return 5 + len(self.columns)

    @property
    def dispersed_items(self) -> list[ComparedItem]:
        return [i for c in self.categories for i in c.items if i.figures.dispersed]


def member_label(index: int) -> str:
    """专家A, 专家B, ...: members as other members see them."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return _("Expert %(letter)s") % {"letter": letters[index % len(letters)]}


def panel_comparison(
    stage: ReviewStage, dossier: Dossier, panel: Panel, *, names: bool, me=None
) -> Comparison:
    """The members' submitted sheets side by side with the stage's figures. Call only
    when ``result_problem`` is None. ``names``: the leader and the supervisors see the
    members' names; members see each other as 专家A, 专家B, ..."""
    categories, items = criteria_of(stage, dossier)
    sheets = submitted_sheets(stage, dossier, panel)
    figures = stage_figures(stage, dossier, panel)
    kept = set(figures.kept)
    columns = [
        Column(
            sheet=sheet,
            label=sheet.assignment.expert.name if names else member_label(index),
            mine=me is not None and sheet.assignment.expert_id == me.pk,
            kept=sheet.pk in kept,
        )
        for index, sheet in enumerate(sheets)
    ]
    percents = {
        sheet.pk: {row.criterion_id: row.percent for row in sheet.items.all()} for sheet in sheets
    }
    comments = {sheet.pk: {c.criterion_id: c for c in sheet.comments.all()} for sheet in sheets}
    blocks = []
    for category in categories:
        compared = []
        for item in _children(category, items):
            item_figures = figures.items[item.pk]
            compared.append(
                ComparedItem(
                    criterion=item,
                    percents=[percents[s.pk][item.pk] for s in sheets],
                    figures=item_figures,
                    suggested=_nearest_step(item_figures.members_mean),
                )
            )
        texts = [comments[s.pk].get(category.pk) for s in sheets]
        blocks.append(
            ComparedCategory(
                category=category,
                items=compared,
                strengths=[t.strengths for t in texts if t and t.strengths],
                opportunities=[t.opportunities for t in texts if t and t.opportunities],
            )
        )
    return Comparison(
        columns=columns,
        categories=blocks,
        figures=figures,
        totals=[sheet.total for sheet in sheets],
    )


def panel_of(stage: ReviewStage, dossier: Dossier) -> Panel | None:
    item = (
        PanelDossier.objects.select_related("panel__leader")
        .filter(stage=stage, dossier=dossier)
        .first()
    )
    return item.panel if item else None


def panel_progress(stage: ReviewStage, dossier: Dossier, panel: Panel) -> list[Assignment]:
    """The panel's assignments for the dossier with their states (no scores)."""
    return list(
        Assignment.objects.filter(stage=stage, dossier=dossier, panel=panel)
        .select_related("expert", "sheet")
        .order_by("expert__name", "pk")
    )


def result_history(stage: ReviewStage, dossier: Dossier) -> list[StageResult]:
    """Every result of the dossier in the stage, the current one first, then the
    superseded ones (kept, never overwritten)."""
    return list(
        StageResult.objects.filter(stage=stage, dossier=dossier)
        .select_related("confirmed_by")
        .prefetch_related("items__criterion", "comments__criterion")
        .order_by("superseded_at", "-confirmed_at")
    )


def prefilled_comment(texts: list[str]) -> str:
    """The members' comments joined for the leader to edit, without the members' names
    (the panel's comments go into the applicant's feedback report)."""
    seen: list[str] = []
    for text in texts:
        if text.strip() and text.strip() not in seen:
            seen.append(text.strip())
    return "\n".join(seen)


@dataclass
class Advancing:
    """What closing a stage would decide, before the office confirms it."""

    problem: str | None
    following: ReviewStage | None
    kinds: dict[str, list[tuple[StageResult, bool | None]]] = field(default_factory=dict)


def stage_close_preview(stage: ReviewStage) -> Advancing:
    """Who advances when the office closes the stage, by the plan's rule per applicant
    kind (the same computation ``stage_close`` makes); or why it cannot close yet."""
    from .plans import stage_close_problem

    problem = stage_close_problem(stage)
    following = stage.plan.stages.filter(position__gt=stage.position).order_by("position").first()
    preview = Advancing(problem=problem, following=following)
    if problem:
        return preview
    results = list(
        StageResult.objects.filter(
            stage=stage, superseded_at__isnull=True, dossier__state="under_review"
        ).select_related("dossier__organisation", "dossier__individual")
    )
    for kind in ("organisation", "individual"):
        rows = sorted(
            (r for r in results if r.dossier.kind == kind),
            key=lambda r: (-r.percent, r.dossier.number or ""),
        )
        if not rows:
            continue
        if following is None:
            preview.kinds[kind] = [(r, None) for r in rows]
            continue
        advanced = aggregation.advancing(
            [(r.dossier_id, r.percent) for r in rows],
            rule=stage.advance_rule,
            n=stage.advance_n,
            threshold=Decimal(stage.advance_threshold)
            if stage.advance_threshold is not None
            else None,
        )
        preview.kinds[kind] = [(r, r.dossier_id in advanced) for r in rows]
    return preview


# --- the dossier's files for its assigned experts (Art. 30) -------------------------------


@dataclass
class FileOpening:
    """What an assigned expert gets for one file: the original as a download (an
    ordinary file), a stamped PDF (a trade secret), or why a trade secret cannot be
    shown here."""

    stored: DossierFile
    pdf: bytes | None = None
    refused: str = ""


def assigned_files(assignment: Assignment) -> list[DossierFile]:
    """The files the office received with the dossier (a superseded file is kept and
    listed; the page says which replaced it)."""
    return list(
        DossierFile.objects.filter(dossier_id=assignment.dossier_id, receipt__isnull=False)
        .select_related("receipt__document", "supersedes")
        .order_by("kind", "uploaded_at", "pk")
    )


@transaction.atomic
def assigned_file_open(
    *, actor, assignment: Assignment, file_pk: int, request: HttpRequest | None = None
) -> FileOpening:
    """An assigned, non-conflicted expert opens one of the dossier's received files while
    the stage runs.

    Side effects, in order: an ordinary file: one ``file.downloaded`` event; a trade
    secret: a stamped copy made from the original (the expert's name, the time,
    商业秘密 on every page) and one ``file.secret_opened`` event, or, when it cannot
    be stamped (an Office document, an unreadable file), one ``file.secret_opened``
    event with the outcome ``failure`` and nothing handed out. Raises
    ``PermissionDenied`` for anybody else and ``DossierFile.DoesNotExist`` for a file
    that is not the dossier's.
    """
    assignment = Assignment.objects.select_related("stage__plan__cycle", "dossier", "expert").get(
        pk=assignment.pk
    )
    if not can_read_assignment(actor, assignment):
        raise PermissionDenied
    stored = DossierFile.objects.get(
        pk=file_pk, dossier_id=assignment.dossier_id, receipt__isnull=False
    )
    details = {
        "file": stored.pk,
        "sha256": stored.sha256,
        "stage": assignment.stage.kind,
        "assignment": assignment.pk,
    }
    if not stored.trade_secret:
        audit_record(
            action=Action.FILE_DOWNLOADED,
            actor=actor,
            target=assignment.dossier,
            request=request,
            details=details,
        )
        return FileOpening(stored=stored)
    stamp = Stamp(
        reader=assignment.expert.name,
        when=page_moment(timezone.now()),
        reference=assignment.dossier.number or "",
    )
    try:
        with stored.file.open("rb") as handle:
            original = handle.read()
        pdf = stamped_copy(original, content_type=stored.content_type, stamp=stamp)
    except StampRefused as refusal:
        audit_record(
            action=Action.SECRET_FILE_OPENED,
            actor=actor,
            target=assignment.dossier,
            outcome=Outcome.FAILURE,
            request=request,
            details={**details, "stamped": False, "reason": refusal.message},
        )
        return FileOpening(stored=stored, refused=refusal.message)
    audit_record(
        action=Action.SECRET_FILE_OPENED,
        actor=actor,
        target=assignment.dossier,
        request=request,
        details={**details, "stamped": True, "stamp": stamp.line},
    )
    return FileOpening(stored=stored, pdf=pdf)
