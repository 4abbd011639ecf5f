"""Demo rounds of the award's second half for ``make run``:

- a past round (第一届) that went through the whole flow a year and a half ago: applications,
  qualification, a two-stage expert review, results published with a public comment
  weighed, the ranking and the candidate list, the working group (``wg1`` leader, ``wg2``
  deputy, ``wg3`` member, who declared a conflict with one candidate) meeting and voting,
  the minutes, seven working days of publicity with an objection investigated and
  dismissed, the city government's approval, certificates that verify, the plaques
  delivered and, once its budget year has begun, the organisation's prize paid;
- a round in public comment now: results published about twelve working days ago, one
  comment received, the same three members on its roster.

How the past is made. Every step goes through the services, as the office, the
applicants, the agency, the experts and the members would take it. The services read
the date from Django's clock (a submission checks the window against today, a comment
period or the publicity cannot close before its working days have passed), so each step
is taken with the clock set to its day: ``DemoClock`` below sets ``django.utils.timezone
.now`` (and the model fields whose default is that function) for this command's process
only, and puts them back when the round is written. No development dependency is used;
where a service takes a date of its own (an objection's ``now``, the approval's date,
the meeting's time, a member's ``since``) the same dates are passed explicitly. The
demo's experts ``expert1`` and ``expert2`` and the ``agency`` account exist before any
agency (``load_demo_data``); they are linked to the demo agency directly, as
``load_demo_review`` does, instead of creating new accounts.

Idempotent: a round already present is left as it is. Refuses to run with DEBUG off.
Run ``load_demo_data`` and ``load_demo_cycle`` first (the accounts, the applicants'
profiles, the successor rulebook edition).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications.declarations import checklist_for
from applications.demo import demo_dossier, demo_pdf
from applications.models import Cycle, Dossier, Individual
from applications.services.applicants import organisation_of, organisation_save
from applications.services.cycles import cycle_create, cycle_transition, interval_warning
from applications.services.dossiers import dossier_submit
from applications.services.qualification import check_item_record, qualification_decide
from applications.validators import id_check_digit, uscc_check_character
from award_portal.accounts.models import User
from award_portal.notifications.models import OutboxMessage
from award_portal.rules.selectors import edition_in_force
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from review.enums import Aggregation, StageKind
from review.management.commands.load_demo_review import AGENCY_NAME, AGENCY_USCC17
from review.management.commands.load_demo_review import EXPERTS as REVIEW_EXPERTS
from review.models import AgencyStaff, Assignment, Expert, ReviewAgency, ReviewStage
from review.services.agencies import agency_save, engagement_save
from review.services.conflicts import conflict_declare as expert_conflict_declare
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from review.services.plans import default_criteria, plan_save, review_start, stage_close
from review.services.scoring import criteria_of, result_confirm, sheet_save, sheet_submit

from ...enums import Position, RevocationGround, RevocationState
from ...models import Award, Objection, RevocationCase
from ...services.award import approval_record, plaque_deliver, prize_pay
from ...services.comment import (
    comment_close,
    comment_submit,
    comment_weigh,
    notice_publish,
    notice_save,
)
from ...services.contact import contact_check_send
from ...services.group import (
    ballot_close,
    conflict_declare,
    meeting_close,
    meeting_open,
    meeting_schedule,
    member_add,
    open_ballots,
    vote_cast,
)
from ...services.publicity import (
    objection_decide,
    objection_file,
    objection_investigate,
    publicity_end,
    publicity_publish,
)
from ...services.ranking import candidates_submit, ranking_save, review_order
from ...services.revocation import (
    recovery_item_record,
    revocation_decide,
    revocation_open,
    revocation_propose,
    revocation_statement_submit,
)

PAST_NAME = "第一届二连浩特市市长质量奖"
CURRENT_NAME = "第二届二连浩特市市长质量奖"
# the same agency and experts as the expert-review demo (one pool across the rounds)
EXPERTS = {name: REVIEW_EXPERTS[name] for name in ("expert1", "expert2")}
ROSTER = [
    ("wg1", Position.LEADER, "二连浩特市人民政府副市长（分管市场监管工作）"),
    ("wg2", Position.DEPUTY, "二连浩特市人民政府办公室副秘书长"),
    ("wg3", Position.MEMBER, "二连浩特市工业和信息化局局长"),
]
# each applicant's percentage on every item, per stage (material, defence)
PERCENTS = {"org1": (75, 80), "org2": (55, 60), "person1": (70, 75)}
STRENGTH = "{name}：方法系统，已在主要部门和环节展开，取得较好成效。"
OPPORTUNITY = "{name}：建议加强与行业标杆的对比分析，提升改进的系统性。"


class DemoClock:
    """The demo's clock: while active, ``django.utils.timezone.now`` (and the model fields
    whose default is that function) tell the moment last set, running on from it as real
    time passes. For this process only; the real clock is back when the block ends."""

    def __init__(self):
        self._moment = None
        self._since = None
        self._fields = []

    def __enter__(self):
        self._real = timezone.now
        timezone.now = self._now
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.default is self._real:
                    field.default = self._now
                    field.__dict__.pop("_get_default", None)  # Django caches the callable
                    self._fields.append(field)
        return self

    def __exit__(self, *exc_info):
        timezone.now = self._real
        for field in self._fields:
            field.default = self._real
            field.__dict__.pop("_get_default", None)
        return False

    def set(self, day: date, hour: int, minute: int = 0) -> datetime:
        self._moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        self._since = self._real()
        return self._moment

    def _now(self) -> datetime:
        if self._moment is None:
            return self._real()
        return (self._moment + (self._real() - self._since)).astimezone(UTC)


def _back(calendar: WorkdayCalendar, day: date, working_days: int) -> date:
    """The ``working_days``-th working day before ``day``."""
    found = 0
    while found < working_days:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            found += 1
    return day


def _code_sent_to(phone: str) -> str:
    """The demo reads the one-time code from the text message it queued (the person
    would read it on the phone)."""
    for message in OutboxMessage.objects.filter(channel="sms").order_by("-id")[:20]:
        if phone in message.to:
            return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)
    raise CommandError(f"No code was sent to {phone}.")


class Command(BaseCommand):
    help = "Create the demo rounds of the award's second half (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG is false).")
        names = ["office", "agency", "org1", "org2", "person1", *EXPERTS, *[r[0] for r in ROSTER]]
        self.users = {u.username: u for u in User.objects.filter(username__in=names)}
        if len(self.users) < len(names):
            raise CommandError("Run `manage.py load_demo_data` first.")
        if (
            organisation_of(self.users["org1"]) is None
            or organisation_of(self.users["org2"]) is None
            or not Individual.objects.filter(user=self.users["person1"]).exists()
        ):
            self.stdout.write(
                "No demo award rounds: the applicants have no profiles (run "
                "`manage.py load_demo_cycle` first)."
            )
            return
        self.office = self.users["office"]
        self.calendar = WorkdayCalendar.load()
        today = timezone.localdate()
        # the demo's e-mails and text messages are kept in the outbox (see the office's
        # system status page) instead of being printed over the list of demo accounts
        quiet = override_settings(
            OUTBOX_DELIVERY_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        )
        with quiet:
            self._past(today)
            self._revocation(today)
            self._current(today)

    # --- the past round ----------------------------------------------------------------
    def _past(self, today: date) -> None:
        if Cycle.objects.filter(name=PAST_NAME).exists():
            self.stdout.write(f"Demo round “{PAST_NAME}” already present.")
            return
        try:
            days = self._past_days(today)
        except ScheduleUnknown as error:
            self.stdout.write(f"No past demo round: {error.bilingual}")
            return
        edition = edition_in_force(on=days["announce"])
        if edition is None:
            self.stdout.write(f"No past demo round: no rulebook edition on {days['announce']}.")
            return
        with transaction.atomic(), DemoClock() as clock:
            cycle, dossiers = self._reviewed_round(
                clock, PAST_NAME, edition, days, "往届演示：全部流程已完成。"
            )
            org1, org2, person1 = dossiers
            clock.set(days["results"], 9, 30)
            self._publish_results(cycle)
            clock.set(days["comment"], 15, 10)
            comment = self._comment(
                cycle, org2, "13904795566", "王立新", "二连浩特市某运输企业员工"
            )
            clock.set(days["weigh"], 10)
            comment_weigh(
                actor=self.office,
                comment=comment,
                decision="taken",
                reason="已请评审机构核实：所反映的冷链运输延误问题属实，企业已于去年完成整改，"
                "在排序时予以考虑。",
            )
            clock.set(days["comment_close"], 9)
            comment_close(actor=self.office, cycle=cycle)
            clock.set(days["rank"], 10)
            self._rank(cycle)
            members = self._roster(cycle, days["rank"])
            clock.set(days["rank"], 16)
            conflict_declare(
                actor=self.users["wg3"],
                cycle=cycle,
                dossier=org2,
                note="本人配偶在该公司担任财务负责人。",
            )
            clock.set(days["schedule"], 10)
            meeting = meeting_schedule(
                actor=self.office,
                cycle=cycle,
                data={
                    "held_on": timezone.make_aware(datetime.combine(days["meeting"], time(14, 30))),
                    "place": "二连浩特市人民政府三楼第一会议室",
                    "agenda": "一、听取协调办公室关于评审工作的报告；\n二、审议候选名单；\n"
                    "三、表决产生拟授奖名单。",
                },
            )
            clock.set(days["meeting"], 14, 35)
            meeting_open(actor=self.office, meeting=meeting, present={m.pk: True for m in members})
            clock.set(days["meeting"], 15, 20)
            choices = {
                "wg1": {org1.pk: "yes", org2.pk: "no", person1.pk: "yes"},
                "wg2": {org1.pk: "yes", org2.pk: "abstain", person1.pk: "yes"},
                "wg3": {org1.pk: "yes", person1.pk: "yes"},  # recused from org2
            }
            for ballot in open_ballots(meeting):
                ids = set(ballot.candidates.values_list("pk", flat=True))
                for username, votes in choices.items():
                    vote_cast(
                        actor=self.users[username],
                        ballot=ballot,
                        choices={k: v for k, v in votes.items() if k in ids},
                    )
            clock.set(days["meeting"], 16, 0)
            for ballot in open_ballots(meeting):
                ballot_close(actor=self.office, ballot=ballot)
            meeting_close(actor=self.office, meeting=meeting)
            clock.set(days["publicity"], 9)
            notice = publicity_publish(
                actor=self.office,
                cycle=cycle,
                title=f"{PAST_NAME}拟授奖名单公示",
                body="经专项工作组全体成员会议审议，现将拟授奖名单予以公示。"
                "对公示名单有异议的，请在公示期内通过本平台实名提出。",
            )
            clock.set(days["objection"], 11)
            objection = self._objection(notice, org1)
            clock.set(days["investigate"], 10)
            objection_investigate(
                actor=self.office,
                objection=objection,
                text="调取该公司近三年质量监督抽查记录和客户投诉台账，约谈质量负责人。",
            )
            clock.set(days["dismiss"], 15)
            objection_decide(
                actor=self.office,
                objection=objection,
                founded=False,
                finding="经核查，所反映的通关延误系口岸临时管控所致，与企业质量管理无关；"
                "该公司近三年无质量违法记录。异议不成立。",
            )
            clock.set(days["publicity_end"], 9)
            publicity_end(
                actor=self.office,
                cycle=cycle,
                outcome="公示期满。公示期间收到异议1件，经调查核实异议不成立，维持拟授奖名单。",
            )
            clock.set(days["approval"], 10)
            approval_record(
                actor=self.office,
                cycle=cycle,
                document_number=f"二政字〔{days['approval'].year}〕58号",
                approved_on=days["approval"],
                scan=demo_pdf("市人民政府关于市长质量奖授奖的批复"),
            )
            clock.set(days["plaque"], 10)
            for award in Award.objects.filter(cycle=cycle):
                plaque_deliver(
                    actor=self.office,
                    award=award,
                    delivered_on=days["plaque"],
                    received_by="王建国" if award.kind == "organisation" else award.winner_name,
                )
            if days["prize"] is not None:
                clock.set(days["prize"], 10)
                for award in Award.objects.filter(cycle=cycle, prize__isnull=False):
                    prize_pay(
                        actor=self.office,
                        prize=award.prize,
                        paid_on=days["prize"],
                        reference=f"财政拨付〔{days['prize'].year}〕12号",
                    )
        winners = "、".join(Award.objects.filter(cycle=cycle).values_list("winner_name", flat=True))
        self.stdout.write(
            f"Demo round “{PAST_NAME}”: awarded on {days['approval']} to {winners}; "
            "an objection dismissed; the minutes issued."
        )

    # --- a revoked title (Art. 28) ------------------------------------------------------
    def _revocation(self, today: date) -> None:
        """The past round's individual winner is found to have won by fraud: the case, the
        statement, the proposal, the city government's revocation with its public notice,
        the plaque and the certificate recovered, the person barred. The organisation's
        title stays valid."""
        award = (
            Award.objects.filter(cycle__name=PAST_NAME, kind="individual")
            .select_related("dossier")
            .first()
        )
        if award is None:
            return
        if RevocationCase.objects.filter(award=award).exists():
            self.stdout.write("Demo revocation already present.")
            return
        calendar = self.calendar
        try:
            days = {"open": _back(calendar, today, 40)}
            days["statement"] = calendar.add(days["open"], 4)
            days["propose"] = calendar.add(days["open"], 12)
            days["decide"] = calendar.add(days["open"], 20)
            days["certificate"] = calendar.add(days["decide"], 3)
            days["plaque"] = calendar.add(days["decide"], 6)
        except ScheduleUnknown as error:
            self.stdout.write(f"No demo revocation: {error.bilingual}")
            return
        if days["open"] <= award.valid_from:
            self.stdout.write("No demo revocation: the past round was awarded too recently.")
            return
        with transaction.atomic(), DemoClock() as clock:
            clock.set(days["open"], 10)
            case = revocation_open(
                actor=self.office,
                award=award,
                ground=RevocationGround.FRAUD,
                facts="经群众举报并核查，申报材料中所附的两项省级质量管理成果证书系伪造，"
                "发证机关已书面确认未颁发上述证书。",
                statement_working_days=10,
                evidence=[demo_pdf("发证机关复函")],
            )
            clock.set(days["statement"], 15)
            revocation_statement_submit(
                actor=self.users["person1"],
                case=case,
                text="本人承认所附两项成果证书并非发证机关颁发，系委托中介代办时未加核实，"
                "请求从轻处理。",
            )
            clock.set(days["propose"], 10)
            revocation_propose(
                actor=self.office,
                case=case,
                proposal="经核查，该获奖者以伪造成果证书的方式骗取市长质量奖荣誉，事实清楚。"
                "依据《评审办法》第二十八条，提请市人民政府撤销其市长质量奖称号，收回奖牌、证书，"
                "并予以通报。",
                proposed_on=days["propose"],
            )
            clock.set(days["decide"], 16)
            case = revocation_decide(
                actor=self.office,
                case=case,
                revoke=True,
                document_number=f"二政字〔{days['decide'].year}〕96号",
                decided_on=days["decide"],
                scan=demo_pdf("市人民政府关于撤销市长质量奖称号的决定"),
            )
            clock.set(days["certificate"], 10)
            recovery_item_record(
                actor=self.office, case=case, item="certificate", on=days["certificate"]
            )
            if case.plaque_due:
                clock.set(days["plaque"], 10)
                recovery_item_record(actor=self.office, case=case, item="plaque", on=days["plaque"])
        case.refresh_from_db()
        closed = case.state == RevocationState.CLOSED
        self.stdout.write(
            f"Demo revocation: {award.winner_name}'s title revoked on {days['decide']} "
            f"({case.notice.number}); recovery {'complete' if closed else 'under way'}."
        )

    def _past_days(self, today: date) -> dict:
        calendar = self.calendar
        announce = calendar.workday_on_or_after(today - timedelta(days=560))
        days = {"announce": announce, "submit": calendar.add(announce, 2)}
        days["deadline"] = calendar.add(announce, 12)
        days["close"] = calendar.add(days["deadline"], 1)
        days["review"] = calendar.add(days["close"], 2)
        self._stage_days(days)
        days["results"] = calendar.add(days["stages"][-1][1], 1)
        days["comment"] = calendar.add(days["results"], 3)
        days["weigh"] = calendar.add(days["results"], 6)
        edition = edition_in_force(on=announce)
        minimum = edition.comment_min_wd if edition else 30
        days["comment_close"] = calendar.add(days["results"], minimum + 1)
        days["rank"] = calendar.add(days["comment_close"], 1)
        days["schedule"] = calendar.add(days["rank"], 1)
        days["meeting"] = calendar.add(days["rank"], 4)
        days["publicity"] = calendar.add(days["meeting"], 1)
        publicity_wd = edition.publicity_wd if edition else 7
        last = calendar.add(days["publicity"], publicity_wd)
        days["objection"] = calendar.add(days["publicity"], 2)
        days["investigate"] = calendar.add(days["publicity"], 3)
        days["dismiss"] = calendar.add(days["publicity"], 5)
        days["publicity_end"] = calendar.add(last, 1)
        days["approval"] = calendar.add(days["publicity_end"], 4)
        days["plaque"] = calendar.add(days["approval"], 5)
        # Art. 5: the prize is paid from the budget of the year after the award
        budget = date(days["approval"].year + 1, 3, 2)
        days["prize"] = calendar.workday_on_or_after(budget) if budget < today else None
        return days

    def _stage_days(self, days: dict) -> None:
        """Two stages inside the review's working days: material review, then the
        presentation and defence."""
        material = (
            self.calendar.add(days["review"], 1),
            self.calendar.add(days["review"], 6),
        )
        defence = (
            self.calendar.add(material[1], 1),
            self.calendar.add(material[1], 4),
        )
        days["stages"] = [material, defence]

    # --- the round in public comment ---------------------------------------------------
    def _current(self, today: date) -> None:
        if Cycle.objects.filter(name=CURRENT_NAME).exists():
            self.stdout.write(f"Demo round “{CURRENT_NAME}” already present.")
            return
        calendar = self.calendar
        try:
            results = _back(calendar, today, 12)
            days = {"review": _back(calendar, results, 12)}
            days["close"] = _back(calendar, days["review"], 2)
            days["deadline"] = _back(calendar, days["close"], 1)
            days["announce"] = _back(calendar, days["deadline"], 12)
            days["submit"] = calendar.add(days["announce"], 2)
            self._stage_days(days)
            days["results"] = results
            days["comment"] = calendar.add(results, 2)
            calendar.add(days["review"], 20)  # the review's limit must be known too
        except ScheduleUnknown as error:
            self.stdout.write(f"No demo round in public comment: {error.bilingual}")
            return
        edition = edition_in_force(on=days["announce"])
        if edition is None:
            self.stdout.write(
                f"No demo round in public comment: no rulebook edition on {days['announce']}."
            )
            return
        with transaction.atomic(), DemoClock() as clock:
            cycle, dossiers = self._reviewed_round(
                clock, CURRENT_NAME, edition, days, "本届评审结果正在公开征求意见。"
            )
            clock.set(days["results"], 9, 30)
            notice = self._publish_results(cycle)
            clock.set(days["comment"], 20, 5)
            self._comment(cycle, dossiers[1], "13704791234", "刘海燕", "")
            self._roster(cycle, days["results"])
        until = notice.comment_earliest_close or "(pending)"
        self.stdout.write(
            f"Demo round “{CURRENT_NAME}”: results under public comment since "
            f"{days['results']}, one comment; the comment may close after {until}."
        )

    # --- steps shared by both rounds ---------------------------------------------------
    def _reviewed_round(self, clock, name, edition, days, call_text):
        """Announced, applied to, qualified, reviewed in two stages: every dossier
        ``reviewed`` with scores that differ."""
        office = self.office
        clock.set(days["announce"], 9, 30)
        cycle = cycle_create(
            actor=office,
            data={
                "name": name,
                "edition": edition,
                "announcement_date": days["announce"],
                "application_deadline": days["deadline"],
                "quota_organisation": None,
                "quota_individual": None,
                "call_text": call_text,
            },
        )
        reason = "演示数据：用于展示评审后各环节" if interval_warning(cycle) else ""
        cycle = cycle_transition(actor=office, cycle=cycle, name="announce", reason=reason)
        clock.set(days["submit"], 10)
        dossiers = []
        self.applicant_of = {}
        for username in ("org1", "org2", "person1"):
            user = self.users[username]
            self._years(user, days["submit"].year)
            dossier = dossier_submit(actor=user, dossier=demo_dossier(user, cycle), pledge=True)
            self.applicant_of[dossier.pk] = username
            dossiers.append(dossier)
        clock.set(days["close"], 9)
        cycle_transition(actor=office, cycle=cycle, name="close_applications")
        for dossier in dossiers:
            for item in checklist_for(dossier.kind):
                check_item_record(
                    actor=office, dossier=dossier, code=item.code, outcome="pass", note=""
                )
            qualification_decide(actor=office, dossier=dossier, qualified=True)
        agency = self._agency(cycle, days)
        self._plan(cycle, days)
        clock.set(days["review"], 9)
        review_start(actor=office, cycle=cycle)
        experts = self._experts(agency)
        staff = self.users["agency"]
        for position, (first, last) in enumerate(days["stages"], start=1):
            stage = ReviewStage.objects.get(plan__cycle=cycle, position=position)
            clock.set(first, 9)
            self._review_stage(stage, staff, experts, dossiers, position - 1)
            clock.set(last, 17)
            stage_close(actor=office, stage=stage)
        return cycle, [Dossier.objects.get(pk=d.pk) for d in dossiers]

    def _years(self, user, year: int) -> None:
        """The organisation's figures for the three years before ``year`` (Art. 10(3)),
        added beside those it already has."""
        organisation = organisation_of(user)
        if organisation is None:
            return
        known = set(organisation.years.values_list("year", flat=True))
        wanted = [y for y in range(year - 3, year) if y not in known]
        if not wanted:
            return
        fields = [
            "name",
            "uscc",
            "district",
            "legal_representative",
            "founded_on",
            "sector",
            "ownership",
            "for_profit",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        organisation_save(
            actor=user,
            data={name: getattr(organisation, name) for name in fields},
            years=[
                (y, Decimal("11000") + (y % 10) * 300, Decimal("700") + (y % 10) * 20)
                for y in wanted
            ],
        )

    def _agency(self, cycle, days) -> ReviewAgency:
        agency = ReviewAgency.objects.filter(name=AGENCY_NAME).first() or agency_save(
            actor=self.office,
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
        AgencyStaff.objects.get_or_create(user=self.users["agency"], defaults={"agency": agency})
        year = days["announce"].year
        engagement_save(
            actor=self.office,
            cycle=cycle,
            data={
                "agency": agency,
                "procurement_method": "competitive_consultation",
                "notice_number": f"EHZC-{year}-{cycle.pk:03d}",
                "notice_date": days["announce"],
                "contract_number": f"EHHT-{year}-{cycle.pk:03d}",
                "amount_yuan": Decimal("98000.00"),
                "service_from": days["announce"],
                "service_until": days["announce"] + timedelta(days=300),
                "scope": "市长质量奖资料评审和陈述答辩的组织实施",
            },
        )
        return agency

    def _plan(self, cycle, days) -> None:
        kinds = [
            (StageKind.MATERIAL, Aggregation.CONSENSUS, 40),
            (StageKind.DEFENCE, Aggregation.MEAN, 60),
        ]
        plan_save(
            actor=self.office,
            cycle=cycle,
            data={
                "criteria_organisation": default_criteria("organisation"),
                "criteria_individual": default_criteria("individual"),
                "load_limit": 8,
                "conflict_lookback_years": 3,
            },
            stages=[
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
                    kinds, days["stages"], strict=True
                )
            ],
        )

    def _experts(self, agency) -> list[Expert]:
        experts = []
        for username, data in EXPERTS.items():
            # the demo accounts exist already; the agency's own path makes the account
            # and the expert together (expert_create)
            expert, _created = Expert.objects.get_or_create(
                user=self.users[username],
                defaults={"agency": agency, "created_by": self.users["agency"], **data},
            )
            experts.append(expert)
        return experts

    def _review_stage(self, stage, staff, experts, dossiers, index: int) -> None:
        panel = panel_create(actor=staff, stage=stage, name=f"{stage.get_kind_display()}评审组")
        for n, expert in enumerate(experts):
            member_invite(actor=staff, panel=panel, expert=expert, leader=n == 0)
            member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
        for dossier in dossiers:
            dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
        for dossier in dossiers:
            percent = PERCENTS[self.applicant_of[dossier.pk]][index]
            categories, items = criteria_of(stage, dossier)
            comments = {
                c.pk: (STRENGTH.format(name=c.name_zh), OPPORTUNITY.format(name=c.name_zh))
                for c in categories
            }
            for expert in experts:
                assignment = Assignment.objects.get(stage=stage, dossier=dossier, expert=expert)
                expert_conflict_declare(
                    actor=expert.user, assignment=assignment, has_conflict=False
                )
                sheet_save(
                    actor=expert.user,
                    assignment=assignment,
                    percents={item.pk: percent for item in items},
                    comments=comments,
                )
                sheet_submit(actor=expert.user, assignment=assignment)
            result_confirm(
                actor=experts[0].user,
                stage=stage,
                dossier=dossier,
                agreed={item.pk: percent for item in items}
                if stage.aggregation == Aggregation.CONSENSUS
                else None,
                reasons={},
                comments=comments,
            )

    def _publish_results(self, cycle):
        notice_save(
            actor=self.office,
            cycle=cycle,
            data={
                "title": f"{cycle.name}评审结果公示",
                "body": "根据《二连浩特市市长质量奖评审办法》第十九条，"
                "现将专家评审结果予以公示，公开征求社会意见。如有意见，请实名提出并留下联系方式。",
            },
        )
        return notice_publish(actor=self.office, cycle=cycle)

    def _comment(self, cycle, dossier, phone: str, name: str, organisation: str):
        check = contact_check_send(kind="phone", contact=phone, purpose="征求意见")
        return comment_submit(
            notice=cycle.results_notice,
            dossier_id=dossier.pk,
            name=name,
            contact_kind="phone",
            contact=phone,
            organisation=organisation,
            token=check.token,
            code=_code_sent_to(phone),
            text="该企业去年冬季曾出现冷链运输延误，导致部分乳制品品质下降，建议核实其质量管控情况。",
        )

    def _rank(self, cycle) -> None:
        order = {kind: [d.pk for d, _c in rows] for kind, rows in review_order(cycle).items()}
        ranking_save(
            actor=self.office,
            cycle=cycle,
            order=order,
            on_list={pk for pks in order.values() for pk in pks},
            reasons={},
        )
        candidates_submit(actor=self.office, cycle=cycle)

    def _roster(self, cycle, since: date) -> list:
        return [
            member_add(
                actor=self.office,
                cycle=cycle,
                user=self.users[username],
                position=position,
                department=department,
                since=since,
            )
            for username, position, department in ROSTER
        ]

    def _objection(self, notice, dossier) -> Objection:
        phone = "13847901122"
        check = contact_check_send(kind="phone", contact=phone, purpose="异议")
        first17 = "15250119750612301"
        return objection_file(
            notice=notice,
            dossier_id=dossier.pk,
            objector_kind="individual",
            name="李建军",
            id_number=first17 + id_check_digit(first17),
            phone=phone,
            token=check.token,
            code=_code_sent_to(phone),
            facts="该公司承运的一批货物去年在口岸滞留多日，客户投诉较多，质量管理是否到位值得商榷。",
            files=[demo_pdf("投诉记录截图")],
            now=timezone.now(),
        )
