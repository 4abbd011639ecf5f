"""Supervision after the award: prize-fund reports (Art. 24: the office evaluates the use
of the money, 专项财政资金绩效评价) and follow-up visits (Art. 33 定期寻访; Art. 32: the
award year stated, the title not on products).

Every service here checks who acts, writes, and records one audit event in the same
transaction; messages to the winner or the office go through ``notify`` (in-app, and
e-mail sent by the worker after commit).
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState
from applications.services.grants import dossier_applicant_users
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import money
from award_portal.documents.files import inspect_upload
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notify
from award_portal.workdays.engine import WorkdayCalendar
from award_portal.workdays.models import DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..models import Award
from ..models.supervision import (
    FollowUpVisit,
    FundCategory,
    FundEvidence,
    FundLine,
    FundReport,
    FundReportState,
    FundReportVersion,
    FundSchedule,
    Rating,
    VisitFinding,
    VisitState,
)
from ..permissions import is_office, is_winner_user, oversees

FUND_REPORT_CLOCK = "publicity.fund_report"
MAX_EVIDENCE = 30
CENT = Decimal("0.01")


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def _office_users() -> list:
    from award_portal.accounts.enums import Role
    from award_portal.accounts.models import User

    return list(User.objects.filter(groups__name=Role.OFFICE, is_active=True))


# --- the schedule -------------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    sequence: int
    start: date
    end: date
    final: bool


def report_periods(award: Award, interval_months: int) -> list[Period]:
    """The title's validity cut into periods of ``interval_months``; the last, ending with
    the title, is the final report."""
    periods, start, n = [], award.valid_from, 1
    while start <= award.valid_until:
        end = min(add_months(award.valid_from, interval_months * n) - timedelta(days=1),
                  award.valid_until)  # fmt: skip
        periods.append(Period(n, start, end, end == award.valid_until))
        start, n = end + timedelta(days=1), n + 1
    return periods


def _report_deadline(
    report: FundReport, *, start: date, working_days: int, label: str, calendar=None
):
    """The report's stored deadline: the winner's users are reminded and, once it is
    overdue, the office is told (the core reminder sweep)."""
    return deadline_create(
        kind=FUND_REPORT_CLOCK,
        subject=report,
        calendar=calendar,
        label=label,
        start_date=start,
        working_days=working_days,
        responsible=dossier_applicant_users(report.award.dossier),
        escalate_to=_office_users(),
        url=reverse("publicity:fund-report", args=[report.pk]),
        allow_pending=True,
    )


@transaction.atomic
def fund_schedule_set(
    *,
    actor,
    cycle,
    interval_months: int,
    due_working_days: int,
    correction_working_days: int,
    request: HttpRequest | None = None,
) -> FundSchedule:
    """Set (or, before any report is written, change) the round's report schedule.

    Side effects, in order: the schedule; the round's unwritten reports replaced by one
    report per period for each winner with a prize whose title is not revoked, each with
    its stored deadline (reminded and flagged by the core sweep); one
    ``publicity.fund_schedule_set`` event.
    """
    _require_office(actor)
    from applications.models import Cycle

    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.AWARDED:
        raise ValidationError(_("The report schedule is set once the round's winners are awarded."))
    if not 1 <= interval_months <= 36:
        raise ValidationError(_("A report is due at least every 36 months."))
    if not 1 <= due_working_days <= 60 or not 1 <= correction_working_days <= 60:
        raise ValidationError(_("Give between 1 and 60 working days."))
    reports = FundReport.objects.filter(award__cycle=cycle)
    if (
        reports.exclude(version=0).exists()
        or FundLine.objects.filter(report__in=reports).exists()
        or FundEvidence.objects.filter(report__in=reports).exists()
    ):
        raise ValidationError(
            _("A winner has started its reports: the schedule can no longer be changed.")
        )
    for old in reports:
        deadline_close_for(subject=old, kind=FUND_REPORT_CLOCK, status=DeadlineStatus.CANCELLED)
    reports.delete()
    schedule, _created = FundSchedule.objects.update_or_create(
        cycle=cycle,
        defaults={
            "interval_months": interval_months,
            "due_working_days": due_working_days,
            "correction_working_days": correction_working_days,
            "set_by": actor,
            "set_at": timezone.now(),
        },
    )
    calendar = WorkdayCalendar.load()
    created = 0
    awards = Award.objects.filter(cycle=cycle, prize__isnull=False, revoked_on__isnull=True)
    for award in awards.select_related("dossier__organisation", "dossier__individual__user"):
        for period in report_periods(award, interval_months):
            report = FundReport.objects.create(
                award=award,
                sequence=period.sequence,
                period_start=period.start,
                period_end=period.end,
                final=period.final,
            )
            report.deadline = _report_deadline(
                report,
                calendar=calendar,
                label=_("Prize-fund report of %(name)s (%(start)s to %(end)s)")
                % {"name": award.winner_name, "start": day(period.start), "end": day(period.end)},
                start=period.end,
                working_days=due_working_days,
            )
            report.save(update_fields=["deadline"])
            created += 1
    audit_record(
        action=Action.FUND_SCHEDULE_SET,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "interval_months": interval_months,
            "due_working_days": due_working_days,
            "correction_working_days": correction_working_days,
            "reports": created,
        },
    )
    return schedule


# --- the winner's report ------------------------------------------------------------------
def _require_winner(actor, report: FundReport) -> None:
    if not is_winner_user(actor, report.award):
        raise PermissionDenied


def _locked(report: FundReport, *, winner: bool = False) -> FundReport:
    """The report, with its award locked first: the cap on all the award's reports
    together is checked by one writer at a time. A revoked title takes no more reports
    from the winner (the office may still evaluate what was submitted)."""
    award = Award.objects.select_for_update().get(pk=report.award_id)
    revoked = award.revoked_on is not None and award.revoked_on <= timezone.localdate()
    if winner and revoked:
        raise ValidationError(_("The title is revoked: no prize-fund report is taken any more."))
    return (
        FundReport.objects.select_for_update(of=("self",))
        .select_related("award__prize", "award__dossier", "deadline")
        .get(pk=report.pk)
    )


def fund_reports_stop(*, award: Award) -> int:
    """For the revocation of a title (called inside that service, whose audit row
    records it): the reminders of the award's unsubmitted reports are cancelled.
    Returns how many deadlines were closed."""
    closed = 0
    for report in award.reports.filter(
        state__in=[FundReportState.DRAFT, FundReportState.CORRECTION]
    ):
        closed += deadline_close_for(
            subject=report, kind=FUND_REPORT_CLOCK, status=DeadlineStatus.CANCELLED
        )
    return closed


def parse_amount(text) -> Decimal:
    """Yuan with at most two decimals (fen), positive; full-width digits and separators
    accepted."""
    raw = str(text or "").strip().replace(",", "").replace("，", "").replace("．", ".")
    raw = raw.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not an amount in yuan.") % {"value": str(text)[:30]}
        ) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(_("Each amount must be more than zero."))
    if value != value.quantize(CENT):
        raise ValidationError(_("Amounts are given to the fen: at most two decimals."))
    if value >= Decimal("10") ** 10:
        raise ValidationError(_("“%(value)s” is not an amount in yuan.") % {"value": raw[:30]})
    return value.quantize(CENT)


def _check_lines(lines) -> list[tuple[str, str, Decimal]]:
    cleaned = []
    for category, description, amount in lines:
        if category not in FundCategory.values:
            raise ValidationError(_("Choose one of the uses Article 24 names, or “other”."))
        description = (description or "").strip()
        if not description:
            raise ValidationError(_("Say what each amount was spent on."))
        cleaned.append((category, description[:300], parse_amount(amount)))
    return cleaned


def _cumulative_problem(report: FundReport, total: Decimal) -> str | None:
    """All the winner's reports together may not exceed the prize."""
    prize = report.award.prize.amount_yuan
    others = sum(
        (
            line.amount
            for line in FundLine.objects.filter(report__award=report.award).exclude(report=report)
        ),
        Decimal("0"),
    )
    if others + total > prize:
        return _(
            "The reports add up to %(sum)s yuan, more than the prize of %(prize)s yuan "
            "(%(others)s yuan in the other reports)."
        ) % {"sum": money(others + total), "prize": money(prize), "others": money(others)}
    return None


@transaction.atomic
def fund_report_save(
    *, actor, report: FundReport, summary: str, lines, request: HttpRequest | None = None
) -> FundReport:
    """Save the draft: its summary and spending lines (category, description, amount),
    replacing the earlier draft lines.

    Side effects, in order: the lines replaced; one ``publicity.fund_report_saved`` event
    with the total.
    """
    _require_winner(actor, report)
    report = _locked(report, winner=True)
    if not report.editable:
        raise ValidationError(
            _(
                "This report is submitted: it can be changed only when the office asks for "
                "a correction."
            )
        )
    cleaned = _check_lines(lines)
    total = sum((amount for _c, _d, amount in cleaned), Decimal("0"))
    problem = _cumulative_problem(report, total)
    if problem:
        raise ValidationError(problem)
    report.lines.all().delete()
    FundLine.objects.bulk_create(
        [FundLine(report=report, category=c, description=d, amount=a) for c, d, a in cleaned]
    )
    report.summary = (summary or "").strip()[:5000]
    report.save(update_fields=["summary"])
    audit_record(
        action=Action.FUND_REPORT_SAVED,
        actor=actor,
        target=report,
        request=request,
        details={"lines": len(cleaned), "total": money(total)},
    )
    return report


@transaction.atomic
def fund_evidence_add(
    *, actor, report: FundReport, upload, request: HttpRequest | None = None
) -> FundEvidence:
    """Attach an evidence file (the dossier's upload checks: type by content, size,
    no macros), kept privately.

    Side effects, in order: the file stored; one ``publicity.fund_evidence_added`` event
    with its hash.
    """
    _require_winner(actor, report)
    report = _locked(report, winner=True)
    if not report.editable:
        raise ValidationError(
            _(
                "This report is submitted: it can be changed only when the office asks for "
                "a correction."
            )
        )
    if upload is None:
        raise ValidationError(_("Choose a file to attach."))
    if report.evidence.count() >= MAX_EVIDENCE:
        raise ValidationError(_("A report holds at most %(n)s files.") % {"n": MAX_EVIDENCE})
    info = inspect_upload(upload)
    evidence = FundEvidence(
        report=report,
        original_name=(upload.name or "file")[:255],
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor,
    )
    upload.seek(0)
    evidence.file.save(f"evidence{info.extension}", ContentFile(upload.read()), save=False)
    evidence.save()
    audit_record(
        action=Action.FUND_EVIDENCE_ADDED,
        actor=actor,
        target=report,
        request=request,
        details={"file": evidence.original_name, "sha256": info.sha256, "size": info.size},
    )
    return evidence


@transaction.atomic
def fund_evidence_remove(
    *, actor, evidence: FundEvidence, request: HttpRequest | None = None
) -> None:
    """Remove a file never submitted; a submitted file stays with its version.

    Side effects, in order: the row and the stored file deleted; one
    ``publicity.fund_evidence_removed`` event.
    """
    report = evidence.report
    _require_winner(actor, report)
    report = _locked(report, winner=True)
    evidence = FundEvidence.objects.select_for_update().get(pk=evidence.pk)
    if not report.editable or evidence.submitted:
        raise ValidationError(_("A file submitted with a report is kept and cannot be removed."))
    name, sha256 = evidence.original_name, evidence.sha256
    stored = evidence.file.name
    evidence.delete()
    storage = FundEvidence._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        action=Action.FUND_EVIDENCE_REMOVED,
        actor=actor,
        target=report,
        request=request,
        details={"file": name, "sha256": sha256},
    )


@transaction.atomic
def fund_report_submit(
    *, actor, report: FundReport, request: HttpRequest | None = None
) -> FundReportVersion:
    """Submit the report (or its correction): frozen as the next version.

    Only once the period has ended (the draft may be written before). Side effects, in
    order: the version with its lines, total and files; the files kept for good; the
    report ``submitted`` (late when after the due date); its deadline met; the office
    told; one ``publicity.fund_report_submitted`` event.
    """
    _require_winner(actor, report)
    report = _locked(report, winner=True)
    if not report.editable:
        raise ValidationError(_("This report is submitted already."))
    today = timezone.localdate()
    if today <= report.period_end:
        # the draft may be written during the period; the report covers all of it
        raise ValidationError(
            _(
                "This report covers the period up to %(end)s: it can be submitted from "
                "%(first)s. Until then, save it as a draft."
            )
            % {"end": day(report.period_end), "first": day(report.period_end + timedelta(days=1))}
        )
    lines = list(report.lines.all())
    if not lines:
        raise ValidationError(_("Add at least one spending line before you submit."))
    if not report.evidence.exists():
        raise ValidationError(
            _("Attach the evidence (invoices, contracts, photos) before you submit.")
        )
    total = sum((line.amount for line in lines), Decimal("0"))
    problem = _cumulative_problem(report, total)
    if problem:
        raise ValidationError(problem)
    due = report.due_date
    report.version += 1
    files = list(report.evidence.all())
    version = FundReportVersion.objects.create(
        report=report,
        number=report.version,
        submitted_by=actor,
        summary=report.summary,
        lines=[
            {"category": line.category, "description": line.description, "amount": str(line.amount)}
            for line in lines
        ],
        total=total,
        files=[{"id": f.pk, "name": f.original_name, "sha256": f.sha256} for f in files],
        correction_note=report.correction_note,
    )
    report.evidence.update(submitted=True)
    report.state = FundReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.late = report.late or (due is not None and today > due)
    report.save(update_fields=["version", "state", "submitted_at", "late"])
    deadline_close_for(subject=report, kind=FUND_REPORT_CLOCK)
    url = reverse("publicity:fund-review", args=[report.pk])
    for user in _office_users():
        notify(
            user=user,
            title=_("Prize-fund report of %(name)s submitted for evaluation")
            % {"name": report.award.winner_name},
            body=_("%(from)s to %(to)s, version %(n)s: %(total)s yuan.")
            % {
                "from": day(report.period_start),
                "to": day(report.period_end),
                "n": version.number,
                "total": money(total),
            },
            url=url,
            email=False,
        )
    audit_record(
        action=Action.FUND_REPORT_SUBMITTED,
        actor=actor,
        target=report,
        request=request,
        details={
            "version": version.number,
            "total": money(total),
            "late": report.late,
            "other": money(
                sum((x.amount for x in lines if x.category == FundCategory.OTHER), Decimal(0))
            ),
        },
    )
    return version


# --- the office's evaluation --------------------------------------------------------------
def _tell_winner(report: FundReport, *, title: str, body: str) -> None:
    url = reverse("publicity:fund-report", args=[report.pk])
    for user in dossier_applicant_users(report.award.dossier):
        notify(user=user, title=title, body=body, url=url)


@transaction.atomic
def fund_report_evaluate(
    *,
    actor,
    report: FundReport,
    rating: str,
    findings: str,
    other_examined: str = "",
    request: HttpRequest | None = None,
) -> FundReport:
    """The performance evaluation of a submitted report (专项财政资金绩效评价).

    Money outside the Art. 24 uses ("other") cannot pass unexamined: the examination is
    required when the report has any. Side effects, in order: the report ``evaluated``
    with its rating and findings; the winner told; one
    ``publicity.fund_report_evaluated`` event.
    """
    _require_office(actor)
    report = _locked(report)
    if report.state != FundReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report awaiting evaluation can be evaluated."))
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating."))
    if not (findings or "").strip():
        raise ValidationError(_("Write the evaluation's findings."))
    other = report.other_total()
    if other and not (other_examined or "").strip():
        raise ValidationError(
            _(
                "%(amount)s yuan is spent outside the uses Article 24 names: write what the "
                "office found about it."
            )
            % {"amount": money(other)}
        )
    report.state = FundReportState.EVALUATED
    report.rating = rating
    report.findings = findings.strip()
    report.other_examined = (other_examined or "").strip()
    report.evaluated_by = actor
    report.evaluated_at = timezone.now()
    report.save()
    _tell_winner(
        report,
        title=_("Your prize-fund report has been evaluated"),
        body=_("%(from)s to %(to)s: rated “%(rating)s”. %(findings)s")
        % {
            "from": day(report.period_start),
            "to": day(report.period_end),
            "rating": Rating(rating).label,
            "findings": report.findings,
        },
    )
    audit_record(
        action=Action.FUND_REPORT_EVALUATED,
        actor=actor,
        target=report,
        request=request,
        details={"rating": rating, "version": report.version, "other": money(other)},
    )
    return report


@transaction.atomic
def fund_correction_request(
    *, actor, report: FundReport, note: str, request: HttpRequest | None = None
) -> FundReport:
    """Send a submitted report back for correction; the submitted version stays.

    Side effects, in order: the report ``correction`` with the note; a new deadline
    (the schedule's correction time in working days); the winner told; one
    ``publicity.fund_correction_requested`` event.
    """
    _require_office(actor)
    report = _locked(report)
    if report.state != FundReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report awaiting evaluation can be sent back."))
    if not (note or "").strip():
        raise ValidationError(_("Say what the winner must correct."))
    schedule = report.award.cycle.fund_schedule
    report.state = FundReportState.CORRECTION
    report.correction_note = note.strip()
    report.deadline = _report_deadline(
        report,
        start=timezone.localdate(),
        working_days=schedule.correction_working_days,
        label=_("Correction of the prize-fund report of %(name)s")
        % {"name": report.award.winner_name},
    )
    report.save(update_fields=["state", "correction_note", "deadline"])
    due = report.deadline.due_date
    _tell_winner(
        report,
        title=_("Please correct your prize-fund report"),
        body=_("The office asks: %(note)s Submit the corrected report by %(due)s.")
        % {"note": report.correction_note, "due": day(due) if due else "—"},
    )
    audit_record(
        action=Action.FUND_CORRECTION_REQUESTED,
        actor=actor,
        target=report,
        request=request,
        details={"note": report.correction_note, "due": due.isoformat() if due else None},
    )
    return report


def fund_evidence_open(
    *, actor, report: FundReport, evidence_id: int, request: HttpRequest | None = None
) -> FundEvidence | None:
    """An evidence file for the winner's users, the office or the auditor; None when the
    report has no such file. Side effects: one ``file.downloaded`` event."""
    if not (oversees(actor) or is_winner_user(actor, report.award)):
        raise PermissionDenied
    evidence = report.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        return None
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=report,
        request=request,
        details={"fund_evidence": evidence.pk, "sha256": evidence.sha256},
    )
    return evidence


def round_totals(cycle) -> list[tuple[str, str, Decimal]]:
    """Per Art. 24 use: (code, label, amount) over the round's submitted reports (the
    latest version of each), "other" last."""
    totals = {code: Decimal("0") for code in FundCategory.values}
    for line in FundLine.objects.filter(report__award__cycle=cycle).exclude(
        report__state=FundReportState.DRAFT
    ):
        totals[line.category] += line.amount
    return [(code, FundCategory(code).label, totals[code]) for code in FundCategory.values]


# --- follow-up visits ---------------------------------------------------------------------
def _award_valid_on(award: Award, when: date) -> bool:
    return award.status_on(when) == "valid"


@transaction.atomic
def visit_plan(
    *, actor, award: Award, planned_on: date, department: str, request: HttpRequest | None = None
) -> FollowUpVisit:
    """Plan a visit within the title's validity, by the office or a department it names.

    Side effects, in order: the planned visit; one ``publicity.visit_planned`` event.
    """
    _require_office(actor)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if not _award_valid_on(award, planned_on):
        raise ValidationError(
            _("Visits are planned within the title's validity (%(start)s to %(end)s).")
            % {"start": day(award.valid_from), "end": day(award.valid_until)}
        )
    if planned_on < timezone.localdate():
        raise ValidationError(_("A visit is planned for today or a later day."))
    department = (department or "").strip()
    if not department:
        raise ValidationError(_("Name the department that visits."))
    visit = FollowUpVisit.objects.create(
        award=award, planned_on=planned_on, department=department[:200], planned_by=actor
    )
    audit_record(
        action=Action.VISIT_PLANNED,
        actor=actor,
        target=visit,
        request=request,
        details={"award": award.pk, "planned_on": planned_on.isoformat(), "by": visit.department},
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    actor,
    visit: FollowUpVisit,
    visited_on: date,
    visitors: str,
    production: str,
    quality_management: str,
    title_use: str,
    award_year_stated: bool,
    title_on_products: bool,
    rating: str,
    findings: list[str],
    request: HttpRequest | None = None,
) -> FollowUpVisit:
    """Record what the visit saw. A breach of Art. 32 (no award year, the title on a
    product) opens a finding of its own; each other finding is opened as written.

    Side effects, in order: the visit ``recorded``; its findings opened; one
    ``publicity.visit_recorded`` event.
    """
    _require_office(actor)
    visit = FollowUpVisit.objects.select_for_update().select_related("award").get(pk=visit.pk)
    if visit.state != VisitState.PLANNED:
        raise ValidationError(_("This visit is recorded already."))
    if visited_on > timezone.localdate():
        raise ValidationError(_("A visit is recorded once it has taken place."))
    if not _award_valid_on(visit.award, visited_on):
        raise ValidationError(
            _("The visit date must fall within the title's validity (%(start)s to %(end)s).")
            % {"start": day(visit.award.valid_from), "end": day(visit.award.valid_until)}
        )
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating."))
    texts = {
        "visitors": visitors,
        "production": production,
        "quality_management": quality_management,
        "title_use": title_use,
    }
    if any(not (value or "").strip() for value in texts.values()):
        raise ValidationError(
            _(
                "Record the visitors and what was seen of production, quality management and "
                "the use of the title."
            )
        )
    for name, value in texts.items():
        setattr(visit, name, value.strip())
    visit.visitors = visit.visitors[:300]
    visit.visited_on = visited_on
    visit.award_year_stated = bool(award_year_stated)
    visit.title_on_products = bool(title_on_products)
    visit.rating = rating
    visit.state = VisitState.RECORDED
    visit.recorded_by = actor
    visit.recorded_at = timezone.now()
    visit.save()
    opened = []
    if not award_year_stated:
        opened.append((_("The title is publicised without the award year (Art. 32)."), "32"))
    if title_on_products:
        opened.append(
            (
                _("The title is used on product advertising, instructions or packaging (Art. 32)."),
                "32",
            )
        )
    opened += [(text.strip(), "") for text in findings if text and text.strip()]
    VisitFinding.objects.bulk_create(
        [
            VisitFinding(visit=visit, text=text, article=article, opened_on=visited_on)
            for text, article in opened
        ]
    )
    audit_record(
        action=Action.VISIT_RECORDED,
        actor=actor,
        target=visit,
        request=request,
        details={
            "visited_on": visited_on.isoformat(),
            "rating": rating,
            "award_year_stated": visit.award_year_stated,
            "title_on_products": visit.title_on_products,
            "findings": len(opened),
        },
    )
    return visit


@transaction.atomic
def finding_close(
    *, actor, finding: VisitFinding, closed_on: date, note: str, request: HttpRequest | None = None
) -> VisitFinding:
    """Close a finding once it is put right, with the date and how.

    Side effects, in order: the finding closed; one ``publicity.finding_closed`` event.
    """
    _require_office(actor)
    finding = VisitFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.closed_on is not None:
        raise ValidationError(_("This finding is closed already."))
    if closed_on < finding.opened_on or closed_on > timezone.localdate():
        raise ValidationError(
            _("The closing date lies between the visit (%(start)s) and today.")
            % {"start": day(finding.opened_on)}
        )
    if not (note or "").strip():
        raise ValidationError(_("Say how the finding was put right."))
    finding.closed_on = closed_on
    finding.closing_note = note.strip()
    finding.closed_by = actor
    finding.save()
    audit_record(
        action=Action.FINDING_CLOSED,
        actor=actor,
        target=finding.visit,
        request=request,
        details={"finding": finding.pk, "closed_on": closed_on.isoformat()},
    )
    return finding


def title_days_left(award: Award, today: date) -> int | None:
    """Calendar days the title still runs after today (None unless valid)."""
    if award.status_on(today) != "valid":
        return None
    return (award.valid_until - today).days


def report_is_overdue(report: FundReport, today: date) -> bool:
    return report.editable and report.due_date is not None and today > report.due_date
