"""Demo round in expert review for ``make run``: the demo ``agency`` engaged, the experts
``expert1``–``expert3`` in its pool, a review plan, the material stage open with one
panel (``expert1`` leads), ``expert1`` with dossiers to declare and score, ``expert2``
mid-way (a draft sheet partly filled), ``expert3`` recused from one dossier (a declared
conflict) and done with another.

How the past is made: a round in expert review was announced weeks ago, received its
applications inside its window and was qualified before the review began. The services
take the date from the clock (``dossier_submit`` checks the window against today), so
the round's history is written with the clock set back to each of those days
(``time-machine``, a development dependency; this command runs only with DEBUG on):
announced on a working day about five weeks ago, applications received, closed and
qualified, the review started two working days before today. Everything after that (the
panel, the declarations, the sheets) happens today. The stages' dates are counted in
working days from the review's start, so the material stage runs today.

Idempotent: a second run finds the round and changes nothing. Refuses to run with DEBUG
off. Run ``load_demo_data`` and ``load_demo_cycle`` first (the accounts and the
applicants' profiles).
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications.declarations import checklist_for
from applications.demo import demo_dossier
from applications.models import Cycle, Dossier, Individual
from applications.services.applicants import organisation_of
from applications.services.cycles import cycle_create, cycle_transition, interval_warning
from applications.services.dossiers import dossier_submit
from applications.services.qualification import check_item_record, qualification_decide
from applications.validators import uscc_check_character
from award_portal.accounts.models import User
from award_portal.rules.selectors import edition_in_force
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ...enums import Aggregation, StageKind
from ...models import AgencyStaff, Assignment, Expert, ReviewAgency
from ...services.agencies import agency_save, engagement_save
from ...services.conflicts import conflict_declare
from ...services.panels import dossier_assign, member_answer, member_invite, panel_create
from ...services.plans import default_criteria, plan_save, review_start
from ...services.scoring import criteria_of, sheet_save, sheet_submit

CYCLE_NAME = "二连浩特市市长质量奖（专家评审演示届）"
AGENCY_NAME = "内蒙古质量评审中心有限公司"
AGENCY_USCC17 = "9115010000000018X"
PANEL_NAME = "资料评审第一组"
EXPERTS = {
    "expert1": {
        "name": "李强",
        "employer": "内蒙古大学经济管理学院",
        "title": "教授",
        "sectors": ["G", "F"],
        "categories": ["4.1", "4.2", "4.7"],
        "qualification": "自治区主席质量奖评审员",
        "certificate_number": "NM-ZL-2024-0101",
        "phone": "13904710101",
    },
    "expert2": {
        "name": "赵燕",
        "employer": "内蒙古工业大学管理学院",
        "title": "副教授",
        "sectors": ["C"],
        "categories": ["4.4", "4.5", "4.6"],
        "qualification": "自治区主席质量奖评审员",
        "certificate_number": "NM-ZL-2024-0102",
        "phone": "13904710102",
    },
    "expert3": {
        "name": "巴特尔",
        "employer": "锡林郭勒盟质量技术服务中心",
        "title": "高级工程师",
        "sectors": ["G", "C"],
        "categories": ["4.3", "4.7"],
        "qualification": "全国质量奖评审员",
        "certificate_number": "ZL-2023-1187",
        "phone": "13904790103",
    },
}
STAGES = [
    # the demo office's procedure: panels of two suffice (three experts, one recused)
    (StageKind.MATERIAL, Aggregation.CONSENSUS, 30),
    (StageKind.ONSITE, Aggregation.CONSENSUS, 50),
    (StageKind.DEFENCE, Aggregation.MEAN, 20),
]


def _back(calendar: WorkdayCalendar, day: date, working_days: int) -> date:
    """The ``working_days``-th working day before ``day``."""
    found = 0
    while found < working_days:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            found += 1
    return day


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@contextmanager
def tasks_in_process():
    """Celery runs the tasks queued meanwhile eagerly, in this process (as in the tests)."""
    from award_portal.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous


class Command(BaseCommand):
    help = "Create the demo round in expert review (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG is false).")
        try:
            import time_machine
        except ImportError:  # a production image has no development dependencies
            raise CommandError(
                "The demo review round needs time-machine: pip install -e '.[dev]'"
            ) from None
        if Cycle.objects.filter(name=CYCLE_NAME).exists():
            self.stdout.write(f"Demo review round “{CYCLE_NAME}” already present.")
            return
        names = ["office", "agency", "org1", "org2", "person1", *EXPERTS]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        if len(users) < len(names):
            raise CommandError("Run `manage.py load_demo_data` first.")
        if (
            organisation_of(users["org1"]) is None
            or organisation_of(users["org2"]) is None
            or not Individual.objects.filter(user=users["person1"]).exists()
        ):
            raise CommandError("Run `manage.py load_demo_cycle` first (the applicants' profiles).")
        calendar = WorkdayCalendar.load()
        try:
            days = self._days(calendar, timezone.localdate())
        except ScheduleUnknown as error:
            self.stdout.write(f"No demo review round: {error.bilingual}")
            return
        edition = edition_in_force(on=days["announce"])
        if edition is None:
            self.stdout.write(f"No demo review round: no rulebook edition on {days['announce']}.")
            return
        # the demo's e-mails go through the outbox to a backend that drops them, and the
        # delivery tasks run here, in this process: the demo needs no broker or worker,
        # and kombu has no connection to warn about
        quiet = override_settings(
            OUTBOX_DELIVERY_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        )
        with tasks_in_process(), quiet, transaction.atomic():
            with time_machine.travel(_moment(days["announce"], 9, 30), tick=False):
                cycle = self._announce(users["office"], edition, days)
            with time_machine.travel(_moment(days["submit"], 10), tick=False):
                dossiers = [self._apply(users[name], cycle) for name in ("org1", "org2", "person1")]
            with time_machine.travel(_moment(days["close"], 9), tick=False):
                cycle_transition(actor=users["office"], cycle=cycle, name="close_applications")
                for dossier in dossiers:
                    self._qualify(users["office"], dossier)
                agency = self._agency(users, cycle, days)
                self._plan(users["office"], cycle, days)
            with time_machine.travel(_moment(days["review"], 9), tick=False):
                review_start(actor=users["office"], cycle=cycle)
            experts = self._experts(users, agency)
            self._panel(users["agency"], cycle, experts, dossiers)
        self.stdout.write(
            f"Demo review round “{CYCLE_NAME}”: the material review runs until "
            f"{days['stages'][0][1]}; expert1 leads {PANEL_NAME} and has dossiers to declare, "
            "expert2 is mid-way, expert3 recused from one dossier."
        )

    # --- the round's history ------------------------------------------------------------
    def _days(self, calendar: WorkdayCalendar, today: date) -> dict:
        review = _back(calendar, today, 2)
        close = _back(calendar, review, 1)
        deadline = _back(calendar, close, 1)
        announce = _back(calendar, deadline, 14)
        stages, start = [], review
        for length in (6, 4, 4):
            first = calendar.add(start, 1)
            last = calendar.add(start, length)
            stages.append((first, last))
            start = last
        calendar.add(review, 20)  # the review's limit must be known too
        return {
            "announce": announce,
            "deadline": deadline,
            "submit": calendar.add(announce, 3),
            "close": close,
            "review": review,
            "stages": stages,
        }

    def _announce(self, office, edition, days) -> Cycle:
        cycle = cycle_create(
            actor=office,
            data={
                "name": CYCLE_NAME,
                "edition": edition,
                "announcement_date": days["announce"],
                "application_deadline": days["deadline"],
                "quota_organisation": None,
                "quota_individual": None,
                "call_text": "演示用届次：申报、资格审查均已完成，专家评审进行中。",
            },
        )
        reason = "演示数据：用于展示专家评审" if interval_warning(cycle) else ""
        return cycle_transition(actor=office, cycle=cycle, name="announce", reason=reason)

    def _apply(self, user, cycle) -> Dossier:
        # the same answers and files as the demo round's applications
        dossier = demo_dossier(user, cycle)
        return dossier_submit(actor=user, dossier=dossier, pledge=True)

    def _qualify(self, office, dossier) -> None:
        for item in checklist_for(dossier.kind):
            check_item_record(
                actor=office, dossier=dossier, code=item.code, outcome="pass", note=""
            )
        qualification_decide(actor=office, dossier=dossier, qualified=True)

    def _agency(self, users, cycle, days) -> ReviewAgency:
        office = users["office"]
        agency = ReviewAgency.objects.filter(name=AGENCY_NAME).first() or agency_save(
            actor=office,
            data={
                "name": AGENCY_NAME,
                "uscc": AGENCY_USCC17 + uscc_check_character(AGENCY_USCC17),
                "address": "呼和浩特市赛罕区敕勒川大街1号",
                "contact_name": "王经理",
                "contact_phone": "04716600000",
                "contact_email": "agency@demo.invalid",
            },
        )
        # the demo account exists before the agency (load_demo_data); the office's own
        # path makes the account together with the agency (agency_account_create)
        AgencyStaff.objects.get_or_create(user=users["agency"], defaults={"agency": agency})
        engagement_save(
            actor=office,
            cycle=cycle,
            data={
                "agency": agency,
                "procurement_method": "competitive_consultation",
                "notice_number": "EHZC-2026-018",
                "notice_date": days["announce"],
                "contract_number": "EHHT-2026-018",
                "amount_yuan": Decimal("98000.00"),
                "service_from": days["announce"],
                "service_until": date(days["announce"].year, 12, 31),
                "scope": "市长质量奖资料评审、现场评审和陈述答辩的组织实施",
            },
        )
        return agency

    def _plan(self, office, cycle, days) -> None:
        stages = [
            {
                "kind": kind,
                "starts_on": first,
                "ends_on": last,
                "min_panel_size": 2,
                "aggregation": aggregation,
                "trim_k": 1,
                "dispersion_threshold": 30,
                "advance_rule": "all",
                "advance_n": None,
                "advance_threshold": None,
                "weight": weight,
            }
            for (kind, aggregation, weight), (first, last) in zip(
                STAGES, days["stages"], strict=True
            )
        ]
        plan_save(
            actor=office,
            cycle=cycle,
            data={
                "criteria_organisation": default_criteria("organisation"),
                "criteria_individual": default_criteria("individual"),
                "load_limit": 8,
                "conflict_lookback_years": 3,
            },
            stages=stages,
        )

    # --- today: the pool, the panel, the declarations and the sheets -----------------------
    def _experts(self, users, agency) -> dict[str, Expert]:
        experts = {}
        for username, data in EXPERTS.items():
            # the demo accounts exist already; the agency's own path makes the account
            # and the expert together (expert_create)
            expert, _created = Expert.objects.get_or_create(
                user=users[username],
                defaults={"agency": agency, "created_by": users["agency"], **data},
            )
            experts[username] = expert
        return experts

    def _panel(self, staff, cycle, experts, dossiers) -> None:
        stage = cycle.review_plan.stages.get(position=1)
        panel = panel_create(actor=staff, stage=stage, name=PANEL_NAME)
        for username, expert in experts.items():
            member_invite(actor=staff, panel=panel, expert=expert, leader=username == "expert1")
            member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
        for dossier in dossiers:
            dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
        org1, org2, _person = dossiers

        def assignment(username, dossier):
            return Assignment.objects.get(stage=stage, dossier=dossier, expert=experts[username])

        # expert1 (the leader) has declared nothing yet: three dossiers to declare and score
        # expert2: no conflict with org1 and org2; org1's sheet half done
        for dossier in (org1, org2):
            conflict_declare(
                actor=experts["expert2"].user,
                assignment=assignment("expert2", dossier),
                has_conflict=False,
            )
        categories, items = criteria_of(stage, org1)
        sheet_save(
            actor=experts["expert2"].user,
            assignment=assignment("expert2", org1),
            percents={item.pk: 55 for item in items[:10]},
            comments={
                categories[0].pk: (
                    "高层领导重视质量文化建设，建立了质量方针和目标的分解落实机制。",
                    "领导绩效评价与改进的系统性有待加强。",
                ),
                categories[1].pk: ("战略制定过程考虑了口岸物流发展趋势。", ""),
            },
        )
        # expert3: a conflict with org2 (recused), org1 scored and submitted
        conflict_declare(
            actor=experts["expert3"].user,
            assignment=assignment("expert3", org2),
            has_conflict=True,
            conflict_type="consulting",
            note="2025年曾为该公司提供卓越绩效管理咨询服务。",
        )
        mine = assignment("expert3", org1)
        conflict_declare(actor=experts["expert3"].user, assignment=mine, has_conflict=False)
        sheet_save(
            actor=experts["expert3"].user,
            assignment=mine,
            percents={item.pk: 50 if item.kind == "process" else 45 for item in items},
            comments={
                c.pk: (
                    f"{c.name_zh}：方法较为系统，已在主要部门展开。",
                    f"{c.name_zh}：建议加强与行业标杆的对比分析。",
                )
                for c in categories
            },
        )
        sheet_submit(actor=experts["expert3"].user, assignment=mine)
