"""Demo supervision after the award for ``make run`` (issue 10, points 1–2), on the past
demo round that ``load_demo_award`` writes:

- the office set the round's yearly prize-fund report schedule soon after the award;
- the organisation winner filed each report whose period is over; the earlier ones were
  evaluated, the latest was sent back for a correction a few working days ago, so the
  winner has a report due (its dashboard shows it) and the office a correction to await;
- the office visited the winner about a month ago: the award year was missing from a
  showroom sign (an Art. 32 finding, since closed) and the quality records were behind
  (still open); a next visit is planned.

Every step goes through the services with the clock set to its day (``DemoClock`` of
``load_demo_award``). Idempotent: a round whose schedule is set is left as it is. Refuses
to run with DEBUG off.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications.demo import demo_pdf
from applications.models import Cycle
from applications.services.grants import dossier_applicant_users
from award_portal.accounts.models import User
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ...models import Award, FundReport, FundSchedule
from ...services.supervision import (
    finding_close,
    fund_correction_request,
    fund_evidence_add,
    fund_report_evaluate,
    fund_report_save,
    fund_report_submit,
    fund_schedule_set,
    visit_plan,
    visit_record,
)
from .load_demo_award import PAST_NAME, DemoClock, _back

LINES = [
    [
        ("quality", "QC小组质量改进项目（降低焊接不良率）", "38000"),
        ("training", "班组长及质检员卓越绩效培训", "16500.50"),
        ("rewards", "年度质量标兵奖励", "12000"),
    ],
    [
        ("laboratory", "理化实验室光谱分析仪购置", "45000"),
        ("promotion", "卓越绩效经验交流会", "6800"),
        ("other", "公司年会场地租赁", "2600"),
    ],
]


class Command(BaseCommand):
    help = "Create the demo prize-fund reports and follow-up visits (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG is false).")
        cycle = Cycle.objects.filter(name=PAST_NAME).first()
        if cycle is None:
            self.stdout.write("No demo supervision: run `manage.py load_demo_award` first.")
            return
        if FundSchedule.objects.filter(cycle=cycle).exists():
            self.stdout.write(f"Demo supervision of “{PAST_NAME}” already present.")
            return
        award = (
            Award.objects.filter(cycle=cycle, prize__isnull=False).select_related("dossier").first()
        )
        office = User.objects.filter(username="office").first()
        if award is None or office is None:
            self.stdout.write("No demo supervision: the past round has no organisation winner.")
            return
        winner = next(iter(dossier_applicant_users(award.dossier)), None)
        if winner is None:
            self.stdout.write("No demo supervision: the winner has no active user.")
            return
        self.calendar = WorkdayCalendar.load()
        today = timezone.localdate()
        quiet = override_settings(
            OUTBOX_DELIVERY_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        )
        try:
            with quiet, transaction.atomic(), DemoClock() as clock:
                self._reports(clock, office, winner, award, today)
                self._visits(clock, office, award, today)
        except ScheduleUnknown as error:
            self.stdout.write(f"No demo supervision: {error.bilingual}")
            return
        self.stdout.write(
            f"Demo supervision of “{PAST_NAME}”: {award.winner_name}'s prize-fund reports "
            "(one sent back for correction) and a past visit with its findings."
        )

    def _day(self, day: date, today: date) -> date:
        """The working day on or after ``day``, never after today."""
        return min(self.calendar.workday_on_or_after(day), today)

    def _reports(self, clock, office, winner, award, today: date) -> None:
        clock.set(self._day(award.valid_from + timedelta(days=10), today), 9)
        fund_schedule_set(
            actor=office,
            cycle=award.cycle,
            interval_months=12,
            due_working_days=20,
            correction_working_days=10,
        )
        over = list(
            FundReport.objects.filter(award=award, period_end__lt=today - timedelta(days=14))
            .select_related("deadline")
            .order_by("sequence")
        )
        for report in over:
            filed_on = self._day(report.period_end + timedelta(days=7), today)
            clock.set(filed_on, 15)
            fund_report_save(
                actor=winner,
                report=report,
                summary="奖金按《办法》第二十四条规定用途使用，明细及凭证附后。",
                # the report sent back for a correction holds the lines its request asks about
                lines=LINES[1] if report is over[-1] else LINES[0],
            )
            fund_evidence_add(actor=winner, report=report, upload=demo_pdf("奖金使用凭证汇总"))
            fund_report_submit(actor=winner, report=report)
            if report is over[-1]:
                asked = max(_back(self.calendar, today, 3), filed_on)
                clock.set(asked, 10)
                fund_correction_request(
                    actor=office,
                    report=report,
                    note="请补充光谱分析仪的采购合同和验收单；公司年会场地租赁不属于"
                    "第二十四条规定的用途，请说明或调整。",
                )
            else:
                clock.set(self._day(filed_on + timedelta(days=14), today), 10)
                fund_report_evaluate(
                    actor=office,
                    report=report,
                    rating="good",
                    findings="资金按规定用途使用，凭证齐全，培训和质量改进项目取得实效。",
                )

    def _visits(self, clock, office, award, today: date) -> None:
        visited = max(self._day(today - timedelta(days=30), today), award.valid_from)
        clock.set(visited, 8)
        visit = visit_plan(
            actor=office, award=award, planned_on=visited, department="市市场监督管理局质量发展股"
        )
        clock.set(visited, 16)
        visit_record(
            actor=office,
            visit=visit,
            visited_on=visited,
            visitors="质量发展股股长张伟、干部刘洋",
            production="主要生产线运行正常，订单饱满，产品抽检合格。",
            quality_management="质量管理体系运行有效，质量目标按月考核；质量记录归档滞后约两个月。",
            title_use="企业展厅宣传牌使用了市长质量奖称号，但未标明获奖时间；产品包装未使用。",
            award_year_stated=False,
            title_on_products=False,
            rating="good",
            findings=["质量记录归档滞后约两个月，须于下次寻访前补齐。"],
        )
        closed_on = self._day(visited + timedelta(days=10), today)
        clock.set(closed_on, 11)
        art32 = visit.findings.filter(article="32").first()
        if art32 is not None:
            finding_close(
                actor=office,
                finding=art32,
                closed_on=closed_on,
                note="展厅宣传牌已补充“获奖时间”字样，现场复核确认。",
            )
        clock.set(today, 9)
        planned = today + timedelta(days=60)
        if award.status_on(planned) == "valid":
            visit_plan(
                actor=office, award=award, planned_on=planned, department="专项工作协调办公室"
            )
