"""Prize-fund reports (Art. 24): the office's schedule, the winner's report with lines in
the Art. 24 uses and "other", amounts to the fen that may not exceed the prize, evidence
files, drafts, versions kept through a correction, the office's evaluation (专项财政资金
绩效评价), reminders and overdue flags through the core sweep, the round's totals."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from award_portal.workdays.models import Deadline, DeadlineStatus
from award_portal.workdays.reminders import deadline_reminders_send
from publicity.models import FundEvidence, FundLine, FundReport, FundReportVersion
from publicity.models.supervision import FundReportState
from publicity.services.supervision import (
    add_months,
    fund_correction_request,
    fund_evidence_add,
    fund_evidence_remove,
    fund_report_evaluate,
    fund_report_save,
    fund_report_submit,
    fund_schedule_set,
    parse_amount,
    round_totals,
)
from tests.factories.applications import pdf_upload
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def schedule(office, cycle, months=12, due=20, correction=10):
    return fund_schedule_set(
        actor=office,
        cycle=cycle,
        interval_months=months,
        due_working_days=due,
        correction_working_days=correction,
    )


AFTER_SECOND_PERIOD = datetime(2026, 8, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def winner(office, edition_2021, june_2026, applicant):
    """An organisation (``applicant``'s) and an individual, approved 2024-08-05 (title
    valid to 2027-08-04); the yearly schedule set on 2026-06-02; today is 2026-08-05, the
    day after the second period ended (a report is submitted once its period is over)."""
    cycle, awards = awarded_round(office, edition_2021, winners=(1, 1), owner=applicant)
    schedule(office, cycle)
    june_2026.move_to(AFTER_SECOND_PERIOD)
    return cycle, awards[0]


def current(award) -> FundReport:
    """The report of the period that runs today (2025-08-05 to 2026-08-04)."""
    return FundReport.objects.get(award=award, sequence=2)


def test_the_schedule_cuts_the_validity_into_years_with_a_final_report(winner, applicant):
    cycle, award = winner
    reports = list(FundReport.objects.filter(award__cycle=cycle).order_by("sequence"))
    assert [(r.period_start, r.period_end, r.final) for r in reports] == [
        (date(2024, 8, 5), date(2025, 8, 4), False),
        (date(2025, 8, 5), date(2026, 8, 4), False),
        (date(2026, 8, 5), date(2027, 8, 4), True),
    ]
    assert all(r.award == award for r in reports)  # the individual has no prize, no report
    first, second, final = reports
    # 20 working days after 2025-08-04 (a Monday): 2025-09-01
    assert first.deadline.due_date == date(2025, 9, 1)
    assert second.deadline.due_date == date(2026, 9, 1)
    # 2027's holidays are not known: no guess, the deadline waits
    assert final.deadline.due_date is None and final.deadline.status == DeadlineStatus.OPEN
    assert list(first.deadline.responsible.all()) == [applicant]
    event = AuditEvent.objects.get(action="publicity.fund_schedule_set")
    assert event.details["reports"] == 3 and event.target_id == str(cycle.pk)


def test_a_half_year_schedule_and_month_ends(office, edition_2021, june_2026):
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    cycle, awards = awarded_round(office, edition_2021, winners=(1, 0))
    schedule(office, cycle, months=6)
    periods = list(FundReport.objects.filter(award=awards[0]).values_list("period_end", flat=True))
    assert len(periods) == 6 and periods[-1] == awards[0].valid_until


def test_the_schedule_is_frozen_once_a_winner_writes(winner, office, applicant):
    cycle, award = winner
    fund_report_save(
        actor=applicant, report=current(award), summary="", lines=[("training", "培训", "100")]
    )
    with pytest.raises(ValidationError, match="不能再更改"):
        schedule(office, cycle, months=6)
    assert FundReport.objects.filter(award=award).count() == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1000", "1000.00"), ("1,234.5", "1234.50"), ("０.０１", "0.01"), ("99999.99", "99999.99")],
)
def test_amounts_are_yuan_to_the_fen(typed, expected):
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["0", "-5", "1.001", "abc", "NaN", "Infinity", "1e20", ""])
def test_bad_amounts_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_amount(typed)


def test_the_reports_together_may_reach_the_prize_but_not_pass_it(winner, applicant):
    _cycle, award = winner
    first = FundReport.objects.get(award=award, sequence=1)
    fund_report_save(
        actor=applicant, report=first, summary="", lines=[("quality", "质量改进项目", "150000")]
    )
    report = current(award)
    # exactly the prize: 150,000 + 50,000 = 200,000
    fund_report_save(
        actor=applicant, report=report, summary="", lines=[("laboratory", "检测设备", "50000.00")]
    )
    with pytest.raises(ValidationError, match="200,000"):
        fund_report_save(
            actor=applicant,
            report=report,
            summary="",
            lines=[("laboratory", "检测设备", "50000.00"), ("training", "培训", "0.01")],
        )
    assert [line.amount for line in report.lines.all()] == [Decimal("50000.00")]


def test_a_line_needs_a_known_use_and_a_description(winner, applicant):
    _cycle, award = winner
    report = current(award)
    for lines in ([("travel", "出国考察", "100")], [("training", "  ", "100")]):
        with pytest.raises(ValidationError):
            fund_report_save(actor=applicant, report=report, summary="", lines=lines)
    assert not FundLine.objects.exists()


def test_only_the_winners_users_write_the_report(winner, other_applicant, office):
    _cycle, award = winner
    for actor in (other_applicant, office):
        with pytest.raises(PermissionDenied):
            fund_report_save(
                actor=actor, report=current(award), summary="", lines=[("training", "x", "1")]
            )
    assert not FundLine.objects.exists()


def test_evidence_takes_the_dossier_upload_checks(winner, applicant):
    _cycle, award = winner
    report = current(award)
    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"发票\.pdf"):
        fund_evidence_add(actor=applicant, report=report, upload=fake)
    assert not FundEvidence.objects.exists()
    evidence = fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("发票.pdf"))
    assert evidence.content_type == "application/pdf" and len(evidence.sha256) == 64
    assert not evidence.file.name.startswith("publicity/fund/发票")  # stored under a random name


def filed(applicant, report, lines=None):
    fund_report_save(
        actor=applicant,
        report=report,
        summary="用于质量改进和员工培训。",
        lines=lines
        or [("quality", "质量改进项目", "60000"), ("training", "班组长培训", "12345.67")],
    )
    fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("发票.pdf"))
    return fund_report_submit(actor=applicant, report=report)


def test_submitting_freezes_a_version_meets_the_deadline_and_tells_the_office(
    winner, applicant, office
):
    _cycle, award = winner
    report = current(award)
    with pytest.raises(ValidationError, match="至少填写一项"):
        fund_report_submit(actor=applicant, report=report)
    version = filed(applicant, report)
    report.refresh_from_db()
    assert report.state == FundReportState.SUBMITTED and not report.late
    assert version.number == 1 and version.total == Decimal("72345.67")
    assert [line["amount"] for line in version.lines] == ["60000.00", "12345.67"]
    # the trail reads amounts as money is written: with thousands separators
    submitted = AuditEvent.objects.get(action="publicity.fund_report_submitted")
    assert submitted.details["total"] == "72,345.67"
    assert Deadline.objects.get(pk=report.deadline_id).status == DeadlineStatus.MET
    assert Notification.objects.filter(user=office, url__contains="/office/fund-reports/").exists()
    # a submitted file stays
    with pytest.raises(ValidationError):
        fund_evidence_remove(actor=applicant, evidence=report.evidence.get())
    # a second submit is one clear refusal
    with pytest.raises(ValidationError, match="本报告已提交。"):
        fund_report_submit(actor=applicant, report=report)
    assert FundReportVersion.objects.filter(report=report).count() == 1


def test_a_report_is_submitted_only_after_its_period_ends(winner, applicant, june_2026):
    _cycle, award = winner
    report = current(award)  # 2025-08-05 to 2026-08-04
    june_2026.move_to(datetime(2026, 8, 4, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    fund_report_save(  # the draft may be written during the period
        actor=applicant, report=report, summary="", lines=[("training", "培训", "100")]
    )
    fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("发票.pdf"))
    with pytest.raises(ValidationError, match="2026年8月5日起"):
        fund_report_submit(actor=applicant, report=report)
    report.refresh_from_db()
    assert report.state == FundReportState.DRAFT and report.version == 0
    assert not FundReportVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="publicity.fund_report_submitted").exists()
    june_2026.move_to(datetime(2026, 8, 5, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    fund_report_submit(actor=applicant, report=report)
    report.refresh_from_db()
    assert report.state == FundReportState.SUBMITTED


def test_a_report_submitted_after_its_due_date_is_marked_late(winner, applicant):
    _cycle, award = winner
    first = FundReport.objects.get(award=award, sequence=1)  # due 2025-09-01
    filed(applicant, first)
    first.refresh_from_db()
    assert first.late


def test_the_sweep_reminds_before_and_flags_overdue(winner, applicant, office):
    _cycle, award = winner
    report = current(award)  # due 2026-09-01 (Tuesday)
    assert deadline_reminders_send(today=date(2026, 8, 27)).upcoming == 0  # 3 wd before
    result = deadline_reminders_send(today=date(2026, 8, 28))  # 2 wd before
    assert result.upcoming >= 1
    assert Notification.objects.filter(user=applicant, url=f"/fund-reports/{report.pk}/").exists()
    deadline_reminders_send(today=date(2026, 9, 2))
    deadline = Deadline.objects.get(pk=report.deadline_id)
    assert deadline.overdue_flagged_at is not None
    assert Notification.objects.filter(user=office, url=f"/fund-reports/{report.pk}/").exists()


def test_other_uses_must_be_examined_before_the_evaluation(winner, applicant, office):
    _cycle, award = winner
    report = current(award)
    filed(applicant, report, lines=[("quality", "质量改进", "1000"), ("other", "办公用车", "500")])
    with pytest.raises(ValidationError, match="500"):
        fund_report_evaluate(actor=office, report=report, rating="good", findings="基本合规")
    report.refresh_from_db()
    assert report.state == FundReportState.SUBMITTED
    told = Notification.objects.filter(user=applicant, url=f"/fund-reports/{report.pk}/")
    before = told.count()
    fund_report_evaluate(
        actor=office,
        report=report,
        rating="fair",
        findings="大部分资金用于规定用途。",
        other_examined="办公用车不属于第二十四条规定用途，责令整改。",
    )
    report.refresh_from_db()
    assert (report.state, report.rating, report.evaluated_by) == ("evaluated", "fair", office)
    assert told.count() == before + 1
    totals = {code: amount for code, _label, amount in round_totals(award.cycle)}
    assert totals["quality"] == Decimal("1000") and totals["other"] == Decimal("500")


def test_a_correction_keeps_the_earlier_version(winner, applicant, office):
    _cycle, award = winner
    report = current(award)
    filed(applicant, report)
    with pytest.raises(ValidationError):
        fund_correction_request(actor=office, report=report, note="  ")
    fund_correction_request(actor=office, report=report, note="请补充培训签到表。")
    report.refresh_from_db()
    assert report.state == FundReportState.CORRECTION
    assert report.deadline.due_date is not None  # 10 working days from today
    fund_report_save(
        actor=applicant,
        report=report,
        summary="已补充。",
        lines=[("quality", "质量改进项目", "60000"), ("training", "班组长培训", "10000")],
    )
    fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("签到表.pdf"))
    second = fund_report_submit(actor=applicant, report=report)
    versions = list(report.versions.order_by("number"))
    assert [v.total for v in versions] == [Decimal("72345.67"), Decimal("70000.00")]
    assert second.correction_note == "请补充培训签到表。"
    assert [len(v.files) for v in versions] == [1, 2]


def test_the_office_evaluates_only_a_submitted_report(winner, office, applicant):
    _cycle, award = winner
    report = current(award)
    with pytest.raises(ValidationError):
        fund_report_evaluate(actor=office, report=report, rating="good", findings="好")
    filed(applicant, report)
    with pytest.raises(PermissionDenied):
        fund_report_evaluate(actor=applicant, report=report, rating="excellent", findings="好")
    with pytest.raises(ValidationError):
        fund_report_evaluate(actor=office, report=report, rating="superb", findings="好")
    report.refresh_from_db()
    assert report.state == FundReportState.SUBMITTED and report.rating == ""


# --- audit rows (tests/test_audit_rows.py names these) --------------------------------------
def one_event(action, actor, target):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    event = events[0]
    assert event.actor == actor and event.actor_label == actor.username
    assert event.target_id == str(target.pk)
    assert event.target_type.model_class() is type(target)
    return event


def test_fund_services_write_their_audit_rows(winner, applicant, office):
    cycle, award = winner
    one_event("publicity.fund_schedule_set", office, cycle)
    report = current(award)
    fund_report_save(actor=applicant, report=report, summary="", lines=[("training", "x", "9")])
    assert one_event("publicity.fund_report_saved", applicant, report).details["total"] == "9"
    extra = fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("多余.pdf"))
    one_event("publicity.fund_evidence_added", applicant, report)
    fund_evidence_remove(actor=applicant, evidence=extra)
    one_event("publicity.fund_evidence_removed", applicant, report)
    fund_evidence_add(actor=applicant, report=report, upload=pdf_upload("发票.pdf"))
    fund_report_submit(actor=applicant, report=report)
    one_event("publicity.fund_report_submitted", applicant, report)
    fund_correction_request(actor=office, report=report, note="补充")
    one_event("publicity.fund_correction_requested", office, report)
    fund_report_submit(actor=applicant, report=report)
    fund_report_evaluate(actor=office, report=report, rating="good", findings="合规")
    assert one_event("publicity.fund_report_evaluated", office, report).details["rating"] == "good"


def test_a_revoked_title_takes_no_more_reports_and_its_reminders_stop(winner, applicant, office):
    from publicity.models import Award
    from publicity.services.supervision import fund_reports_stop

    _cycle, award = winner
    report = current(award)
    filed(applicant, report)
    Award.objects.filter(pk=award.pk).update(revoked_on=date(2026, 6, 1))
    award.refresh_from_db()
    final = FundReport.objects.get(award=award, sequence=3)
    with pytest.raises(ValidationError, match="已撤销"):
        fund_report_save(actor=applicant, report=final, summary="", lines=[("training", "x", "1")])
    assert not final.lines.exists()
    # the office may still evaluate what was submitted before
    fund_report_evaluate(actor=office, report=report, rating="poor", findings="虚报开支")
    # the first and the final report were still open: their reminders are cancelled
    assert fund_reports_stop(award=award) == 2
    assert not Deadline.objects.filter(
        kind="publicity.fund_report", status=DeadlineStatus.OPEN
    ).exists()
