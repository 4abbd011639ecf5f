"""Supervision after the award (Art. 24, 32, 33): the winner's prize-fund reports, the
office's evaluation, follow-up visits and their findings, the office's page of each
winner and the list of winners under supervision.

Fund reports and visit records are never public. The office acts, the auditor reads;
the winner's own users file their reports. Anybody else who is signed in gets a 404
(they may not know such a record exists); anonymous visitors are asked to log in.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Cycle
from award_portal.accounts.enums import Role
from award_portal.documents.files import attachment_response

from ..forms.supervision import (
    CorrectionForm,
    EvaluateForm,
    EvidenceForm,
    FindingCloseForm,
    LineFormSet,
    ScheduleForm,
    SummaryForm,
    VisitPlanForm,
    VisitRecordForm,
)
from ..models import Award
from ..models.supervision import (
    FollowUpVisit,
    FundCategory,
    FundEvidence,
    FundReport,
    FundReportState,
    FundSchedule,
    VisitFinding,
    VisitState,
)
from ..permissions import is_office, is_winner_user, oversees
from ..services.supervision import (
    finding_close,
    fund_correction_request,
    fund_evidence_add,
    fund_evidence_open,
    fund_evidence_remove,
    fund_report_evaluate,
    fund_report_save,
    fund_report_submit,
    fund_schedule_set,
    report_is_overdue,
    round_totals,
    title_days_left,
    visit_plan,
    visit_record,
)
from .office import download_name, refuse, small_int


def _refuse(request, error: ValidationError) -> None:
    refuse(request, error)


def annotate_report(report: FundReport, today) -> FundReport:
    report.overdue = report_is_overdue(report, today)
    report.submit_from = report.period_end + timedelta(days=1)
    lines = list(report.lines.all())
    report.line_total = sum((line.amount for line in lines), Decimal("0"))
    report.other_amount = sum(
        (line.amount for line in lines if line.category == FundCategory.OTHER), Decimal("0")
    )
    return report


def annotate_award(award: Award, today) -> Award:
    award.status = award.status_on(today)
    award.days_left = title_days_left(award, today)
    return award


# --- access ---------------------------------------------------------------------------------
class SupervisionOfficePage(View):
    """The office acts, the auditor reads; everybody else signed in: 404."""

    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not oversees(request.user):
            raise Http404
        self.acting = is_office(request.user)
        if request.method not in ("GET", "HEAD") and not self.acting:
            raise PermissionDenied
        self.today = timezone.localdate()
        self.setup_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_objects(self, **kwargs) -> None:
        pass

    def render_page(self, **context):
        context.setdefault("acting", self.acting)
        context.setdefault("today", self.today)
        return render(self.request, self.template_name, context)


# --- the office: winners under supervision --------------------------------------------------
class SupervisionListView(SupervisionOfficePage):
    template_name = "publicity/supervision/list.html"

    def get(self, request):
        awards = list(
            Award.objects.select_related("cycle", "prize")
            .prefetch_related(
                Prefetch("reports", queryset=FundReport.objects.select_related("deadline")),
                Prefetch(
                    "visits",
                    queryset=FollowUpVisit.objects.prefetch_related("findings"),
                ),
            )
            .order_by("-award_year", "cycle_id", "kind", "id")
        )
        rows = []
        for award in awards:
            annotate_award(award, self.today)
            reports = list(award.reports.all())
            award.reports_waiting = sum(1 for r in reports if r.state == FundReportState.SUBMITTED)
            award.reports_overdue = sum(1 for r in reports if report_is_overdue(r, self.today))
            upcoming = [r for r in reports if r.editable and r.due_date is not None]
            award.next_due = min((r.due_date for r in upcoming), default=None)
            visits = list(award.visits.all())
            award.visits_done = sum(1 for v in visits if v.state == VisitState.RECORDED)
            award.next_visit = min(
                (v.planned_on for v in visits if v.state == VisitState.PLANNED), default=None
            )
            award.open_findings = sum(
                1 for v in visits for f in v.findings.all() if f.closed_on is None
            )
            rows.append(award)
        cycles = sorted({a.cycle for a in rows}, key=lambda c: -c.pk)
        return self.render_page(awards=rows, cycles=cycles)


class WinnerPage(SupervisionOfficePage):
    template_name = "publicity/supervision/winner.html"

    def setup_objects(self, **kwargs) -> None:
        self.award = get_object_or_404(
            Award.objects.select_related("cycle", "dossier", "prize"), pk=kwargs["pk"]
        )

    def page(self, plan_form=None):
        award = annotate_award(self.award, self.today)
        reports = [
            annotate_report(r, self.today)
            for r in award.reports.select_related("deadline").prefetch_related("lines")
        ]
        visits = list(award.visits.prefetch_related("findings"))
        open_findings = [f for v in visits for f in v.findings.all() if f.closed_on is None]
        spent = sum((r.line_total for r in reports if r.version), Decimal("0"))
        return self.render_page(
            award=award,
            cycle=award.cycle,
            reports=reports,
            visits=visits,
            open_findings=open_findings,
            spent=spent,
            plan_form=plan_form or VisitPlanForm(initial={"department": _("Coordination office")}),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        form = VisitPlanForm(request.POST)
        if not form.is_valid():
            return self.page(plan_form=form)
        try:
            visit_plan(actor=request.user, award=self.award, request=request, **form.cleaned_data)
        except ValidationError as error:
            _refuse(request, error)
            return self.page(plan_form=form)
        messages.success(
            request,
            _("The visit to %(name)s is planned.") % {"name": self.award.winner_name},
        )
        return redirect("publicity:supervision-winner", pk=self.award.pk)


class RoundFundView(SupervisionOfficePage):
    """The round's report schedule, its reports and its totals per Art. 24 use."""

    template_name = "publicity/supervision/round_fund.html"

    def setup_objects(self, **kwargs) -> None:
        self.cycle = get_object_or_404(Cycle, pk=kwargs["cycle"])

    def page(self, form=None):
        schedule = FundSchedule.objects.filter(cycle=self.cycle).first()
        if form is None:
            form = ScheduleForm(
                initial=(
                    {
                        "interval_months": schedule.interval_months,
                        "due_working_days": schedule.due_working_days,
                        "correction_working_days": schedule.correction_working_days,
                    }
                    if schedule
                    else None
                )
            )
        reports = [
            annotate_report(r, self.today)
            for r in FundReport.objects.filter(award__cycle=self.cycle)
            .select_related("award", "deadline")
            .prefetch_related("lines")
            .order_by("award__kind", "award_id", "sequence")
        ]
        totals = round_totals(self.cycle)
        return self.render_page(
            cycle=self.cycle,
            schedule=schedule,
            form=form,
            reports=reports,
            totals=totals,
            grand_total=sum((amount for _c, _l, amount in totals), Decimal("0")),
            other_total=totals[-1][2],
        )

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            return self.page(form=form)
        try:
            fund_schedule_set(
                actor=request.user, cycle=self.cycle, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _refuse(request, error)
            return self.page(form=form)
        messages.success(request, _("The report schedule is set; the winners' reports are due."))
        return redirect("publicity:round-fund", cycle=self.cycle.pk)


class FundReviewView(SupervisionOfficePage):
    """One report for the office: its versions, files, evaluation or correction."""

    template_name = "publicity/supervision/fund_review.html"

    def setup_objects(self, **kwargs) -> None:
        self.report = get_object_or_404(
            FundReport.objects.select_related("award__cycle", "award__prize", "deadline"),
            pk=kwargs["pk"],
        )

    def page(self, evaluate_form=None, correction_form=None):
        report = annotate_report(self.report, self.today)
        return self.render_page(
            report=report,
            award=report.award,
            cycle=report.award.cycle,
            lines=list(report.lines.all()),
            versions=list(report.versions.all().order_by("-number")),
            evidence=list(report.evidence.all()),
            evaluate_form=evaluate_form or EvaluateForm(),
            correction_form=correction_form or CorrectionForm(),
            categories=dict(FundCategory.choices),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "evaluate":
                form = EvaluateForm(request.POST)
                if not form.is_valid():
                    return self.page(evaluate_form=form)
                fund_report_evaluate(
                    actor=request.user, report=self.report, request=request, **form.cleaned_data
                )
                messages.success(request, _("The evaluation is recorded and the winner told."))
            elif action == "correct":
                form = CorrectionForm(request.POST)
                if not form.is_valid():
                    return self.page(correction_form=form)
                fund_correction_request(
                    actor=request.user,
                    report=self.report,
                    note=form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, _("The report is sent back for correction."))
            else:
                raise Http404
        except ValidationError as error:
            _refuse(request, error)
        return redirect("publicity:fund-review", pk=self.report.pk)


class VisitView(SupervisionOfficePage):
    template_name = "publicity/supervision/visit.html"

    def setup_objects(self, **kwargs) -> None:
        self.visit = get_object_or_404(
            FollowUpVisit.objects.select_related("award__cycle"), pk=kwargs["pk"]
        )

    def page(self, record_form=None, bound_close=None):
        findings = list(self.visit.findings.all())
        for finding in findings:
            finding.form = (
                bound_close
                if bound_close is not None and bound_close.prefix == f"f{finding.pk}"
                else FindingCloseForm(prefix=f"f{finding.pk}", initial={"closed_on": self.today})
            )
        return self.render_page(
            visit=self.visit,
            award=annotate_award(self.visit.award, self.today),
            cycle=self.visit.award.cycle,
            findings=findings,
            record_form=record_form
            or VisitRecordForm(initial={"visited_on": min(self.today, self.visit.planned_on)}),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "record":
                form = VisitRecordForm(request.POST)
                if not form.is_valid():
                    return self.page(record_form=form)
                visit_record(
                    actor=request.user, visit=self.visit, request=request, **form.cleaned_data
                )
                messages.success(request, _("The visit is recorded."))
            elif action == "close":
                finding = get_object_or_404(
                    VisitFinding, pk=small_int(request.POST.get("finding")) or 0, visit=self.visit
                )
                form = FindingCloseForm(request.POST, prefix=f"f{finding.pk}")
                if not form.is_valid():
                    return self.page(bound_close=form)
                finding_close(
                    actor=request.user,
                    finding=finding,
                    closed_on=form.cleaned_data["closed_on"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, _("The finding is closed."))
            else:
                raise Http404
        except ValidationError as error:
            _refuse(request, error)
            if action == "record":
                return self.page(record_form=form)
        return redirect("publicity:visit", pk=self.visit.pk)


# --- the winner -----------------------------------------------------------------------------
def winner_awards(user):
    """The awards whose dossier this applicant's user may see."""
    if not user.is_authenticated or user.role != Role.APPLICANT:
        return []
    from guardian.shortcuts import get_objects_for_user

    dossiers = get_objects_for_user(
        user, "applications.view_dossier", accept_global_perms=False
    ).values("pk")
    return list(
        Award.objects.filter(dossier__in=dossiers)
        .select_related("cycle", "prize")
        .order_by("-award_year", "id")
    )


class MyFundReportsView(View):
    template_name = "publicity/supervision/my_reports.html"

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role != Role.APPLICANT:
            raise Http404
        today = timezone.localdate()
        won = winner_awards(request.user)
        # a title without prize money has no report to make (Art. 24)
        awards = [award for award in won if getattr(award, "prize", None) is not None]
        for award in awards:
            annotate_award(award, today)
            award.report_list = [
                annotate_report(r, today)
                for r in award.reports.select_related("deadline").prefetch_related("lines")
            ]
        return render(
            request,
            self.template_name,
            {"awards": awards, "without_prize": len(won) - len(awards), "today": today},
        )


class FundReportView(View):
    """The winner's report: lines, summary, evidence; save as a draft or submit."""

    template_name = "publicity/supervision/fund_report.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.report = get_object_or_404(
            FundReport.objects.select_related("award__cycle", "award__prize", "deadline"),
            pk=kwargs["pk"],
        )
        if oversees(request.user) and request.method in ("GET", "HEAD"):
            return redirect("publicity:fund-review", pk=self.report.pk)
        if not is_winner_user(request.user, self.report.award):
            raise Http404
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def page(self, formset=None, summary_form=None, evidence_form=None):
        report = annotate_report(self.report, self.today)
        lines = list(report.lines.all())
        if formset is None:
            formset = LineFormSet(
                initial=[
                    {"category": x.category, "description": x.description, "amount": x.amount}
                    for x in lines
                ]
            )
        others = [
            annotate_report(r, self.today)
            for r in report.award.reports.exclude(pk=report.pk).prefetch_related("lines")
        ]
        used_elsewhere = sum((r.line_total for r in others), Decimal("0"))
        return render(
            self.request,
            self.template_name,
            {
                "report": report,
                "award": report.award,
                "lines": lines,
                "formset": formset,
                "summary_form": summary_form or SummaryForm(initial={"summary": report.summary}),
                "evidence_form": evidence_form or EvidenceForm(),
                "evidence": list(report.evidence.all()),
                "versions": list(report.versions.all().order_by("-number")),
                "used_elsewhere": used_elsewhere,
                "prize": report.award.prize.amount_yuan,
                "left": report.award.prize.amount_yuan - used_elsewhere - report.line_total,
                "categories": dict(FundCategory.choices),
                "today": self.today,
            },
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                formset = LineFormSet(request.POST)
                summary_form = SummaryForm(request.POST)
                if not formset.is_valid() or not summary_form.is_valid():
                    return self.page(formset=formset, summary_form=summary_form)
                lines = [
                    (row["category"], row["description"], row["amount"])
                    for row in formset.cleaned_data
                    if row and row.get("category")
                ]
                if action == "submit" and not self.report.editable:
                    # a second click on "submit": one clear answer, nothing written
                    raise ValidationError(_("This report is submitted already."))
                fund_report_save(
                    actor=request.user,
                    report=self.report,
                    summary=summary_form.cleaned_data["summary"],
                    lines=lines,
                    request=request,
                )
                if action == "submit":
                    fund_report_submit(actor=request.user, report=self.report, request=request)
                    messages.success(
                        request, _("Your report is submitted; the office will evaluate it.")
                    )
                else:
                    messages.success(request, _("Your draft is saved."))
            elif action == "upload":
                form = EvidenceForm(request.POST, request.FILES)
                if not form.is_valid():
                    return self.page(evidence_form=form)
                fund_evidence_add(
                    actor=request.user,
                    report=self.report,
                    upload=form.cleaned_data["file"],
                    request=request,
                )
                messages.success(request, _("The file is attached."))
            elif action == "remove":
                evidence = get_object_or_404(
                    FundEvidence, pk=small_int(request.POST.get("file")) or 0, report=self.report
                )
                fund_evidence_remove(actor=request.user, evidence=evidence, request=request)
                messages.success(request, _("The file is removed."))
            else:
                raise Http404
        except ValidationError as error:
            _refuse(request, error)
            if action in ("save", "submit") and self.report.editable:
                return self.page(formset=formset, summary_form=summary_form)
        return redirect("publicity:fund-report", pk=self.report.pk)


class FundEvidenceView(View):
    """An evidence file: the winner's users, the office, the auditor; else 404."""

    def get(self, request, pk, file_pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        report = get_object_or_404(FundReport.objects.select_related("award__dossier"), pk=pk)
        if not (oversees(request.user) or is_winner_user(request.user, report.award)):
            raise Http404
        evidence = fund_evidence_open(
            actor=request.user, report=report, evidence_id=file_pk, request=request
        )
        if evidence is None:
            raise Http404
        return attachment_response(
            evidence.file,
            filename=download_name(evidence.original_name, evidence.file.name),
            content_type=evidence.content_type,
        )


def winner_panel(request) -> dict:
    """The winner's dashboard: its titles' status, reports due and overdue."""
    today = timezone.localdate()
    awards = winner_awards(request.user)
    due, overdue = [], []
    if awards:
        reports = (
            FundReport.objects.filter(award__in=awards)
            .exclude(state__in=[FundReportState.SUBMITTED, FundReportState.EVALUATED])
            .select_related("award", "deadline")
            .order_by("deadline__due_date", "sequence")
        )
        for report in reports:
            if report.due_date is None or report.period_start > today:
                continue  # a later period's report is not due yet
            (overdue if today > report.due_date else due).append(report)
    # a title without prize money has no report to make (Art. 24): no panel for it
    awards = [award for award in awards if getattr(award, "prize", None) is not None]
    for award in awards:
        annotate_award(award, today)
    return {"awards": awards, "due": due[:5], "overdue": overdue}
