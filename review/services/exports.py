"""The review's exports (point 14): every score as Excel, and the ranking per applicant
kind. Readers: the office, the auditor and the agency engaged for the round (it produced
the scores; the office supervises it, Art. 8(2)). Experts never export. Every export is
an audit event; every cell goes through the formula-safe writer.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from applications.models import Cycle
from award_portal.accounts.enums import ApplicantKind
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from .. import aggregation
from ..enums import AssignmentState, SheetState
from ..models import ItemScore, PanelDossier, StageResult
from ..selectors import Board


def score_header() -> list[str]:
    return [
        _("Stage"),
        _("Application number"),
        _("Applicant"),
        _("Expert"),
        _("Item code"),
        _("Item"),
        _("Points"),
        _("Percentage"),
        _("Score"),
        _("Sheet state"),
        _("Submitted at"),
    ]


def _yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def score_rows(cycle: Cycle) -> list[list]:
    """One row per dossier × expert × item of every sheet of the round (drafts too, and
    the sheets of experts who were recused later, marked as such: raw sheets are kept
    forever and the office sees them all)."""
    rows = []
    queryset = (
        ItemScore.objects.filter(sheet__assignment__stage__plan__cycle=cycle)
        .select_related(
            "criterion",
            "sheet__assignment__stage",
            "sheet__assignment__expert",
            "sheet__assignment__dossier__organisation",
            "sheet__assignment__dossier__individual",
        )
        .order_by(
            "sheet__assignment__stage__position",
            "sheet__assignment__dossier__number",
            "sheet__assignment__expert__name",
            "sheet_id",
            "criterion__position",
        )
    )
    for row in queryset.iterator(chunk_size=2000):
        sheet = row.sheet
        assignment = sheet.assignment
        if assignment.state in (AssignmentState.RECUSED, AssignmentState.WITHDRAWN):
            state = assignment.get_state_display()
        else:
            state = sheet.get_state_display()
        rows.append(
            [
                assignment.stage.get_kind_display(),
                assignment.dossier.number,
                assignment.dossier.applicant_name,
                assignment.expert.name,
                row.criterion.code,
                row.criterion.name,
                row.criterion.points,
                row.percent,
                row.score,
                state,
                sheet.submitted_at if sheet.state == SheetState.SUBMITTED else None,
            ]
        )
    return rows


def summary_header() -> list[str]:
    return [
        _("Stage"),
        _("Application number"),
        _("Applicant"),
        _("Applicant kind"),
        _("Stage score"),
        _("Maximum"),
        _("Score (%)"),
        _("Aggregation"),
        _("Sheets"),
        _("Standard deviation of the totals"),
        _("Range of the totals"),
        _("Members differed beyond the threshold"),
        _("Advanced"),
        _("Confirmed at"),
        _("Composite (0–100)"),
    ]


def summary_rows(cycle: Cycle) -> list[list]:
    """One row per dossier × stage: the current result's figures (a dossier with a
    panel but no confirmed result yet has a row without figures), and the dossier's
    composite."""
    results = list(
        StageResult.objects.filter(
            stage__plan__cycle=cycle, superseded_at__isnull=True
        ).select_related("stage", "dossier__organisation", "dossier__individual")
    )
    stages = list(cycle.review_plan.stages.all())
    weights = {stage.pk: stage.weight for stage in stages}
    by_dossier: dict[int, dict[int, StageResult]] = {}
    for result in results:
        by_dossier.setdefault(result.dossier_id, {})[result.stage_id] = result
    composites = {
        dossier_id: aggregation.composite(
            weights, {sid: (r.score, r.maximum) for sid, r in found.items()}
        )
        for dossier_id, found in by_dossier.items()
    }
    keyed = {(r.stage_id, r.dossier_id): r for r in results}
    pending = PanelDossier.objects.filter(stage__plan__cycle=cycle).select_related(
        "stage", "dossier__organisation", "dossier__individual"
    )
    entries = [(r.stage, r.dossier, r) for r in results]
    entries += [
        (item.stage, item.dossier, None)
        for item in pending
        if (item.stage_id, item.dossier_id) not in keyed
    ]
    entries.sort(key=lambda e: (e[0].position, e[1].number or "", e[1].pk))
    rows = []
    for stage, dossier, result in entries:
        head = [
            stage.get_kind_display(),
            dossier.number,
            dossier.applicant_name,
            dossier.get_kind_display(),
        ]
        if result is None:
            rows.append([*head, None, None, None, _("No confirmed result yet"), *[None] * 7])
            continue
        rows.append(
            [
                *head,
                result.score,
                result.maximum,
                aggregation.percent_of(result.score, result.maximum),
                result.get_method_display(),
                result.sheets,
                result.sd_total,
                result.range_total,
                _yes_no(result.dispersed),
                _yes_no(result.advanced),
                result.confirmed_at,
                composites.get(dossier.pk),
            ]
        )
    return rows


def ranking_sheets(board: Board) -> list[tuple[str, list, list[list]]]:
    """One sheet per applicant kind, in the board's order."""
    header = [_("Rank"), _("Application number"), _("Applicant"), _("Status")]
    for stage in board.stages:
        label = stage.get_kind_display()
        header += [
            _("%(stage)s: score") % {"stage": label},
            _("%(stage)s: score (%%)") % {"stage": label},
        ]
    header += [
        _("Composite (0–100)"),
        _("Members differed beyond the threshold"),
        _("Did not advance after"),
    ]
    sheets = []
    for kind in ApplicantKind:
        rows = []
        for row in board.kinds.get(kind.value, []):
            line = [row.rank, row.dossier.number, row.dossier.applicant_name]
            line.append(row.dossier.get_state_display())
            for cell in row.cells:
                if cell.result is None:
                    line += [None, None]
                else:
                    line += [
                        cell.result.score,
                        aggregation.percent_of(cell.result.score, cell.result.maximum),
                    ]
            line += [
                row.composite,
                _yes_no(row.dispersed),
                row.stopped_after.get_kind_display() if row.stopped_after else "",
            ]
            rows.append(line)
        sheets.append((str(kind.label), header, rows))
    return sheets


@transaction.atomic
def review_export_record(
    *, actor, cycle: Cycle, export: str, rows: int, request: HttpRequest | None = None
) -> None:
    """An export of the review's figures is itself an event.

    Side effects, in order: one ``review.exported`` event (what, how many rows).
    """
    audit_record(
        action=Action.REVIEW_EXPORTED,
        actor=actor,
        target=cycle,
        request=request,
        details={"export": export, "rows": rows},
    )
