"""Score sheets, the dossier's files for its experts, the panel's result, the office's
review board, closing a stage, and the exports.

Who sees what: an expert only the sheet of an assignment it may read
(``can_read_assignment``: assigned, no conflict, the stage running, the grant); the
panel's leader the panel's result of a dossier it is not conflicted on; the office, the
auditor and the engaged agency the board and the results, read-only (the office reopens
results and closes stages). Anybody else gets 404 for an object, exactly as if it did
not exist; every page with dossier contents is ``no-store``.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from applications.declarations import EXCLUSIONS, conditions_for, rendered
from applications.enums import Category
from applications.models import Cycle, Dossier, DossierFile
from applications.services.bans import bans_in_force_for
from applications.services.receipts import received_version
from award_portal.accounts.enums import ApplicantKind
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.documents.files import attachment_response
from award_portal.documents.spreadsheets import xlsx_response

from ..enums import Aggregation, SheetState, StageState
from ..forms.scoring import ReasonForm, ResultForm, SheetForm
from ..models import Assignment, ReviewStage, ScoreSheet, StageResult
from ..permissions import (
    agency_engaged_for,
    can_read_assignment,
    can_score_assignment,
    can_view_review,
    expert_of,
    is_office,
    oversees_review,
    stage_is_running,
)
from ..selectors import review_board
from ..services.exports import (
    ranking_sheets,
    review_export_record,
    score_header,
    score_rows,
    summary_header,
    summary_rows,
)
from ..services.panels import acting_leader
from ..services.plans import stage_close
from ..services.scoring import (
    NEW_SHEET,
    assigned_file_open,
    assigned_files,
    criteria_of,
    leads_for,
    leads_undeclared,
    panel_comparison,
    panel_of,
    panel_progress,
    prefilled_comment,
    result_confirm,
    result_history,
    result_problem,
    result_reopen,
    sheet_layout,
    sheet_missing,
    sheet_return,
    sheet_save,
    sheet_submit,
    stage_close_preview,
)

no_store = method_decorator(never_cache, name="dispatch")

# rows of one applicant kind on a page of the board (the Excel ranking has them all)
BOARD_PAGE = 100


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- the expert's score sheet --------------------------------------------------------------


def readable_assignment(request, pk: int) -> Assignment:
    """The assignment, or 404 for anybody who may not read it (a conflicted expert gets
    exactly what an unassigned one gets)."""
    assignment = (
        Assignment.objects.select_related(
            "stage__plan__cycle__edition",
            "stage__plan__criteria_organisation",
            "stage__plan__criteria_individual",
            "panel__leader",
            "expert",
            "dossier__cycle__edition",
            "dossier__organisation",
            "dossier__individual",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not can_read_assignment(request.user, assignment):
        raise Http404
    return assignment


def _sheet_of(assignment: Assignment) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(assignment=assignment)
        .prefetch_related("items", "comments", "returns__returned_by")
        .first()
    )


def _token(sheet: ScoreSheet | None) -> str:
    return sheet.updated_at.isoformat() if sheet else NEW_SHEET


def _expected(token: str):
    """The edit token sent back; a token that is not a time can match no sheet, so the
    save is refused as stale rather than taken as "no check"."""
    if not token or token == NEW_SHEET:
        return token or None
    try:
        parsed = parse_datetime(token)
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    return parsed or token


@no_store
class SheetView(LoginRequiredMixin, View):
    template_name = "review/scoring/sheet.html"

    def page(self, request, assignment, *, form=None, problems=None, status=200):
        sheet = _sheet_of(assignment)
        stage, dossier = assignment.stage, assignment.dossier
        blocks, total = sheet_layout(stage, dossier, sheet)
        editable = can_score_assignment(request.user, assignment)
        if editable and form is None:
            form = SheetForm(blocks=blocks, token=_token(sheet))
        if editable:
            for block in blocks:
                for line in block.items:
                    line.field = form[f"item_{line.criterion.pk}"]
                block.strengths_field = form[f"strengths_{block.category.pk}"]
                block.opportunities_field = form[f"opportunities_{block.category.pk}"]
        categories, items = criteria_of(stage, dossier)
        submitted = sheet is not None and sheet.state == SheetState.SUBMITTED
        panel = assignment.panel
        comparison = None
        if submitted and result_problem(stage, dossier, panel) is None:
            # independent first: the others' scores only after the expert's own
            # submission, and only once every member's sheet is in
            comparison = panel_comparison(
                stage, dossier, panel, names=False, me=expert_of(request.user)
            )
        version = received_version(dossier)
        edition = dossier.cycle.edition
        return render(
            request,
            self.template_name,
            {
                "assignment": assignment,
                "stage": stage,
                "dossier": dossier,
                "version": version,
                "applicant": version.applicant,
                "conditions": rendered(conditions_for(dossier.kind), edition),
                "exclusions": rendered(EXCLUSIONS, edition),
                "declarations": version.declarations,
                "categories": list(Category),
                "files": assigned_files(assignment),
                "sheet": sheet,
                "blocks": blocks,
                "total": total,
                "maximum": sum(line.criterion.points for b in blocks for line in b.items),
                "form": form if editable else None,
                "editable": editable,
                "submitted": submitted,
                # after a refused submission: what is missing, as an alert; while
                # drafting: the same list, quietly, beside the buttons
                "problems": problems or [],
                "missing": sheet_missing(sheet, categories, items)
                if editable and sheet is not None and problems is None
                else [],
                "returns": list(sheet.returns.all()) if sheet else [],
                "comparison": comparison,
                "is_leader": leads_for(request.user, panel, dossier),
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self.page(request, readable_assignment(request, pk))

    def post(self, request, pk: int):
        assignment = readable_assignment(request, pk)
        if not can_score_assignment(request.user, assignment):
            messages.error(request, _("This sheet has been submitted and is locked."))
            return redirect("review:sheet", assignment.pk)
        sheet = _sheet_of(assignment)
        blocks, _total = sheet_layout(assignment.stage, assignment.dossier, sheet)
        form = SheetForm(request.POST, blocks=blocks, token=_token(sheet))
        if not form.is_valid():
            return self.page(request, assignment, form=form)
        expected = _expected(form.cleaned_data.get("updated_at") or "")
        try:
            sheet_save(
                actor=request.user,
                assignment=assignment,
                percents=form.percents(),
                comments=form.comments(),
                expected_updated_at=expected,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(request, assignment, form=form)
        if request.POST.get("action") != "submit":
            messages.success(request, _("Draft saved. The scores below are computed from it."))
            return redirect("review:sheet", assignment.pk)
        try:
            sheet_submit(actor=request.user, assignment=assignment, request=request)
        except ValidationError as error:
            messages.error(request, _("Your draft was saved, but it cannot be submitted yet."))
            return self.page(request, assignment, problems=_errors(error))
        messages.success(request, _("Sheet submitted. It is now locked."))
        return redirect("review:sheet", assignment.pk)


def _download_name(stored: DossierFile) -> str:
    stem = os.path.splitext(os.path.basename(stored.original_name))[0] or stored.title
    return f"{stem}{stored.download_extension}"


@no_store
class AssignedFileView(LoginRequiredMixin, View):
    """A received file of the assigned dossier: an ordinary file as it was received, a
    trade secret only as a PDF stamped for this expert (or a page saying why it cannot
    be shown here). Every open is logged by the service."""

    def get(self, request, pk: int, file_pk: int):
        assignment = readable_assignment(request, pk)
        try:
            opening = assigned_file_open(
                actor=request.user, assignment=assignment, file_pk=file_pk, request=request
            )
        except (PermissionDenied, DossierFile.DoesNotExist):
            raise Http404 from None
        stored = opening.stored
        if opening.refused:
            return render(
                request,
                "review/scoring/file_refused.html",
                {"assignment": assignment, "file": stored, "message": opening.refused},
            )
        if opening.pdf is not None:
            stem = os.path.splitext(os.path.basename(stored.original_name))[0] or stored.title
            response = HttpResponse(opening.pdf, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=f"{stem}（商业秘密）.pdf"
            )
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return attachment_response(
            stored.file, filename=_download_name(stored), content_type=stored.content_type
        )


# --- the panel's result ----------------------------------------------------------------------
def rating_levels(stage, dossier) -> list[tuple[str, list]]:
    """The legend of the result page: the band guidance of the dossier's criteria set,
    per kind of item (process, result, rubric)."""
    from ..enums import CriterionKind

    criteria_set = stage.plan.criteria_for(dossier.kind)
    grouped: dict[str, list] = {}
    for band in criteria_set.bands.order_by("kind", "low"):
        grouped.setdefault(band.kind, []).append(band)
    labels = dict(CriterionKind.choices)
    return [(str(labels.get(kind, kind)), rows) for kind, rows in grouped.items()]


def _stage_and_dossier(stage_pk: int, dossier_pk: int):
    stage = (
        ReviewStage.objects.select_related(
            "plan__cycle__engagement",
            "plan__criteria_organisation",
            "plan__criteria_individual",
        )
        .filter(pk=stage_pk)
        .first()
    )
    if stage is None:
        raise Http404
    dossier = (
        Dossier.objects.select_related("organisation", "individual", "cycle")
        .filter(pk=dossier_pk, cycle_id=stage.plan.cycle_id)
        .first()
    )
    if dossier is None:
        raise Http404
    return stage, dossier


class DeclareFirst(Exception):
    """The member who leads the panel for the dossier has not declared on it yet."""


def result_access(user, stage, dossier, panel) -> str:
    """``leader``, ``office``, ``reader`` (auditor, engaged agency); 404 otherwise, and
    ``DeclareFirst`` for the leader who has not declared no conflict with it yet."""
    cycle = stage.plan.cycle
    if is_office(user):
        return "office"
    if oversees_review(user) or agency_engaged_for(user, cycle):
        return "reader"
    if panel is not None and stage_is_running(stage):
        if leads_for(user, panel, dossier):
            return "leader"
        if leads_undeclared(user, panel, dossier):
            raise DeclareFirst
    raise Http404


@no_store
class ResultView(LoginRequiredMixin, View):
    template_name = "review/scoring/result.html"

    def context(self, request, stage_pk, dossier_pk):
        stage, dossier = _stage_and_dossier(stage_pk, dossier_pk)
        panel = panel_of(stage, dossier)
        access = result_access(request.user, stage, dossier, panel)
        history = result_history(stage, dossier)
        current = next((r for r in history if r.superseded_at is None), None)
        problem = result_problem(stage, dossier, panel) if panel else None
        comparison = None
        if panel is not None and problem is None:
            comparison = panel_comparison(stage, dossier, panel, names=True)
        return {
            "stage": stage,
            "dossier": dossier,
            "panel": panel,
            "access": access,
            "running": stage_is_running(stage),
            "history": history,
            "current": current,
            "superseded": [r for r in history if r.superseded_at is not None],
            "problem": problem,
            "progress": panel_progress(stage, dossier, panel) if panel else [],
            "comparison": comparison,
            "consensus": stage.aggregation == Aggregation.CONSENSUS,
            "method_label": stage.get_aggregation_display(),
            "leader_expert": expert_of(request.user) if access == "leader" else None,
            "acting": acting_leader(panel, dossier) if panel else None,
            "next_stage": stage.plan.stages.filter(position__gt=stage.position)
            .order_by("position")
            .first(),
            "bands": rating_levels(stage, dossier),
        }

    def form_for(self, context, data=None):
        comparison = context["comparison"]
        if (
            context["access"] != "leader"
            or comparison is None
            or context["current"] is not None
            or not context["running"]
        ):
            return None
        prefill = {
            c.category.pk: (prefilled_comment(c.strengths), prefilled_comment(c.opportunities))
            for c in comparison.categories
        }
        return ResultForm(
            data, comparison=comparison, consensus=context["consensus"], prefill=prefill
        )

    def render_page(self, request, context, form, errors=(), status=200):
        reopen = None
        if context["access"] == "office" and context["current"] and context["running"]:
            reopen = ReasonForm()
        if form is not None:
            for category in context["comparison"].categories:
                category.strengths_field = form[f"strengths_{category.category.pk}"]
                category.opportunities_field = form[f"opportunities_{category.category.pk}"]
                if context["consensus"]:
                    for item in category.items:
                        item.agreed_field = form[f"agreed_{item.criterion.pk}"]
                        item.reason_field = form[f"reason_{item.criterion.pk}"]
        return render(
            request,
            self.template_name,
            {**context, "form": form, "reopen_form": reopen, "errors": list(errors)},
            status=status,
        )

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except DeclareFirst:
            messages.warning(
                request,
                _(
                    "You lead the panel for this application, but you have not declared "
                    "whether you have a conflict of interest with it. Declare first; the "
                    "panel's result opens to you after a declaration of no conflict."
                ),
            )
            return redirect("review:expert-home")

    def get(self, request, stage: int, dossier: int):
        context = self.context(request, stage, dossier)
        return self.render_page(request, context, self.form_for(context))

    def post(self, request, stage: int, dossier: int):
        context = self.context(request, stage, dossier)
        form = self.form_for(context, request.POST)
        if form is None:
            messages.error(request, _("The panel's result cannot be confirmed here now."))
            return redirect("review:result", stage, dossier)
        if not form.is_valid():
            return self.render_page(request, context, form)
        try:
            result_confirm(
                actor=request.user,
                stage=context["stage"],
                dossier=context["dossier"],
                agreed=form.agreed(),
                reasons=form.reasons(),
                comments=form.comments(),
                request=request,
            )
        except ValidationError as error:
            return self.render_page(request, context, form, errors=_errors(error))
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The panel's result is confirmed."))
        return redirect("review:result", stage, dossier)


@no_store
class SheetReturnView(LoginRequiredMixin, View):
    """The leader returns a member's submitted sheet, after a confirmation page."""

    template_name = "review/scoring/sheet_return.html"

    def sheet(self, request, pk):
        sheet = (
            ScoreSheet.objects.select_related(
                "assignment__stage__plan__cycle",
                "assignment__panel",
                "assignment__expert",
                "assignment__dossier__organisation",
                "assignment__dossier__individual",
            )
            .filter(pk=pk)
            .first()
        )
        if sheet is None:
            raise Http404
        assignment = sheet.assignment
        me = expert_of(request.user)
        if (
            me is None
            or assignment.expert_id == me.pk
            or not leads_for(request.user, assignment.panel, assignment.dossier)
            or not stage_is_running(assignment.stage)
            or sheet.state != SheetState.SUBMITTED
        ):
            raise Http404
        return sheet

    def page(self, request, sheet, form, errors=()):
        return render(
            request,
            self.template_name,
            {"sheet": sheet, "assignment": sheet.assignment, "form": form, "errors": errors},
        )

    def get(self, request, pk: int):
        return self.page(request, self.sheet(request, pk), ReasonForm())

    def post(self, request, pk: int):
        sheet = self.sheet(request, pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.page(request, sheet, form)
        try:
            sheet_return(
                actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            return self.page(request, sheet, form, _errors(error))
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("The sheet of %(expert)s was returned; the expert has been told.")
            % {"expert": sheet.assignment.expert.name},
        )
        return redirect("review:result", sheet.assignment.stage_id, sheet.assignment.dossier_id)


@no_store
class ResultReopenView(LoginRequiredMixin, View):
    """The office reopens a confirmed result while its stage runs, with a reason."""

    template_name = "review/scoring/result_reopen.html"

    def result(self, request, pk):
        result = (
            StageResult.objects.select_related(
                "stage__plan__cycle__engagement", "dossier__organisation", "dossier__individual"
            )
            .filter(pk=pk)
            .first()
        )
        if result is None or not can_view_review(request.user, result.stage.plan.cycle):
            raise Http404
        if not is_office(request.user):
            raise PermissionDenied
        return result

    def page(self, request, result, form, errors=()):
        return render(
            request, self.template_name, {"result": result, "form": form, "errors": errors}
        )

    def get(self, request, pk: int):
        return self.page(request, self.result(request, pk), ReasonForm())

    def post(self, request, pk: int):
        result = self.result(request, pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.page(request, result, form)
        try:
            result_reopen(
                actor=request.user,
                result=result,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            return self.page(request, result, form, _errors(error))
        messages.success(
            request,
            _("The result is reopened; the panel leader has been told and confirms it again."),
        )
        return redirect("review:result", result.stage_id, result.dossier_id)


# --- the office's board, closing a stage, exports -----------------------------------------


def visible_cycle(request, pk: int) -> Cycle:
    cycle = Cycle.objects.select_related("engagement__agency", "edition").filter(pk=pk).first()
    if cycle is None or not can_view_review(request.user, cycle):
        raise Http404
    return cycle


@no_store
class BoardView(RolePermissionRequiredMixin, View):
    permission_required = "review.view_reviewplan"
    template_name = "review/scoring/board.html"

    def get(self, request, cycle: int):
        round_ = visible_cycle(request, cycle)
        board = review_board(round_)
        kinds = []
        span = 0
        if board is not None:
            # one reverse per stage, not per cell
            sentinel = 10**17
            patterns = {
                stage.pk: reverse("review:result", args=[stage.pk, sentinel])
                for stage in board.stages
            }
            chosen = request.GET.get("kind")
            for kind, rows in board.kinds.items():
                if not rows and kind != ApplicantKind.ORGANISATION:
                    continue
                # ranks are computed over the whole list; the page shows a slice of it
                page = Paginator(rows, BOARD_PAGE).get_page(
                    request.GET.get("page") if chosen == kind else 1
                )
                for row in page.object_list:
                    for cell in row.cells:
                        if cell.linked:
                            cell.url = patterns[cell.stage.pk].replace(
                                str(sentinel), str(row.dossier.pk)
                            )
                if is_office(request.user):
                    # an applicant barred after its dossier was received (Art. 12(4),
                    # 28): scored on, but it cannot be on the candidate list
                    bans = bans_in_force_for(row.dossier for row in page.object_list)
                    for row in page.object_list:
                        row.ban = bans.get(row.dossier.pk)
                kinds.append((ApplicantKind(kind).label, kind, page))
            span = len(board.stages) + (7 if board.open_stage else 5)
        return render(
            request,
            self.template_name,
            {
                "cycle": round_,
                "board": board,
                "kinds": kinds,
                "span": span,
                "is_office": is_office(request.user),
            },
        )


@no_store
class StageCloseView(LoginRequiredMixin, View):
    """The office closes the open stage: a page listing what stands in the way or who
    advances by the plan's rule, then the closing."""

    template_name = "review/scoring/stage_close.html"

    def stage(self, request, pk):
        stage = ReviewStage.objects.select_related("plan__cycle__engagement").filter(pk=pk).first()
        if stage is None or not can_view_review(request.user, stage.plan.cycle):
            raise Http404
        if not is_office(request.user):
            raise PermissionDenied
        return stage

    def page(self, request, stage, errors=()):
        return render(
            request,
            self.template_name,
            {
                "stage": stage,
                "cycle": stage.plan.cycle,
                "preview": stage_close_preview(stage) if stage.state == StageState.OPEN else None,
                "errors": errors,
            },
        )

    def get(self, request, pk: int):
        return self.page(request, self.stage(request, pk))

    def post(self, request, pk: int):
        stage = self.stage(request, pk)
        try:
            stage_close(actor=request.user, stage=stage, request=request)
        except ValidationError as error:
            return self.page(request, stage, _errors(error))
        messages.success(request, _("%(stage)s is closed.") % {"stage": stage.get_kind_display()})
        return redirect(reverse("review:board", args=[stage.plan.cycle_id]))


class ExportMixin(RolePermissionRequiredMixin):
    permission_required = "review.view_reviewplan"

    def cycle(self, request, pk):
        cycle = visible_cycle(request, pk)
        if getattr(cycle, "review_plan", None) is None:
            raise Http404
        return cycle


@no_store
class ScoresExportView(ExportMixin, View):
    def get(self, request, cycle: int):
        round_ = self.cycle(request, cycle)
        details = score_rows(round_)
        summary = summary_rows(round_)
        review_export_record(
            actor=request.user,
            cycle=round_,
            export="scores",
            rows=len(details) + len(summary),
            request=request,
        )
        return xlsx_response(
            filename=f"scores-{round_.pk}.xlsx",
            sheets=[
                (_("Item scores"), score_header(), details),
                (_("Stage results"), summary_header(), summary),
            ],
            widths={
                str(_("Item scores")): (12, 14, 30, 12, 10, 30, 8, 10, 10, 14, 20),
                str(_("Stage results")): (12, 14, 30, 10, 10, 8, 10, 16, 8, 12, 12, 12, 8, 20, 12),
            },
        )


@no_store
class RankingExportView(ExportMixin, View):
    def get(self, request, cycle: int):
        round_ = self.cycle(request, cycle)
        board = review_board(round_)
        sheets = ranking_sheets(board)
        review_export_record(
            actor=request.user,
            cycle=round_,
            export="ranking",
            rows=sum(len(rows) for _title, _header, rows in sheets),
            request=request,
        )
        return xlsx_response(filename=f"ranking-{round_.pk}.xlsx", sheets=sheets)
