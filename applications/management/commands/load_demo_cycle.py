"""Demo round for ``make run``: a successor rulebook edition entered the way the office
would, a round announced today, and dossiers of org1, org2 and person1 in different
states. Idempotent; refuses to run with DEBUG off. Run ``load_demo_data`` first."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from award_portal.accounts.models import User
from award_portal.rules.models import RulebookEdition
from award_portal.rules.selectors import edition_in_force
from award_portal.rules.services import edition_copy
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ...demo import demo_dossier
from ...enums import CheckOutcome, District, Ownership
from ...models import Cycle
from ...services.applicants import individual_save, organisation_save
from ...services.cycles import cycle_create, cycle_transition
from ...services.dossiers import dossier_submit
from ...services.mobilisers import mobiliser_set_scope
from ...services.qualification import check_item_record, supplement_request
from ...validators import id_check_digit, uscc_check_character

CYCLE_NAME = "第三届二连浩特市市长质量奖"
CALL_TEXT = (
    "为深入实施质量强市战略，现启动第三届二连浩特市市长质量奖评选工作。"
    "请符合条件的组织和个人在截止日期前通过本平台提交申报材料。"
)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


class Command(BaseCommand):
    help = "Create the demo round and dossiers (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG is false).")
        if Cycle.objects.filter(name=CYCLE_NAME).exists():
            self.stdout.write(f"Demo round “{CYCLE_NAME}” already present.")
            return
        today = timezone.localdate()
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["office", "org1", "org2", "person1", "mobiliser"]
            )
        }
        if len(users) < 5:
            raise CommandError("Run `manage.py load_demo_data` first.")
        office = users["office"]
        calendar = WorkdayCalendar.load()
        try:
            deadline = calendar.add(today, 15)
        except ScheduleUnknown as error:
            self.stdout.write(f"No demo round: {error.bilingual}")
            return
        # the demo's e-mails are kept in the outbox (see the office's system status page)
        # instead of being printed over the list of demo accounts
        quiet = override_settings(
            OUTBOX_DELIVERY_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        )
        with quiet, transaction.atomic():
            edition = edition_in_force(on=today)
            if edition is None:
                source = RulebookEdition.objects.order_by("-effective_from").first()
                edition = edition_copy(
                    actor=office,
                    source=source,
                    name="二连浩特市市长质量奖评审办法（演示续行版）",
                    effective_from=date(2026, 9, 1),
                    effective_until=None,
                )
            cycle = cycle_create(
                actor=office,
                data={
                    "name": CYCLE_NAME,
                    "edition": edition,
                    "announcement_date": today,
                    "application_deadline": deadline,
                    "quota_organisation": None,
                    "quota_individual": None,
                    "call_text": CALL_TEXT,
                },
            )
            cycle_transition(actor=office, cycle=cycle, name="announce")
            mobiliser_set_scope(
                actor=office,
                user=users["mobiliser"],
                scope="district",
                district=District.GERILEAODU,
            )
            self._org(
                users["org1"],
                "二连浩特市口岸物流有限公司",
                "9115250100000001X",
                "G",
                date(2012, 5, 8),
            )
            self._org(
                users["org2"],
                "二连浩特市恐龙乳业有限责任公司",
                "9115250100000002X",
                "C",
                date(2015, 3, 20),
                district=District.GERILEAODU,
            )
            first17 = "15250119800315123"
            individual_save(
                actor=users["person1"],
                id_number=first17 + id_check_digit(first17),
                data={
                    "full_name": "孙丽娟",
                    "employer": "二连浩特市口岸物流有限公司",
                    "position": "质量部经理",
                    "quality_work_since": 2012,
                    "top_manager_of_uscc": "",
                    "top_manager_of_name": "",
                    "phone": "13904790001",
                    "email": "person1@demo.invalid",
                },
            )
            org1 = demo_dossier(users["org1"], cycle)
            dossier_submit(actor=users["org1"], dossier=org1, pledge=True)
            demo_dossier(users["org2"], cycle, files=False)  # stays a draft
            person = demo_dossier(users["person1"], cycle)
            dossier_submit(actor=users["person1"], dossier=person, pledge=True)
            check_item_record(
                actor=office,
                dossier=person,
                code="16.complete",
                outcome=CheckOutcome.SUPPLEMENT,
                note="请补充近三年个人质量工作成果的证明材料（获奖证书或成果鉴定）。",
            )
            supplement_request(actor=office, dossier=person, reply_working_days=5)
        self.stdout.write(
            f"Demo round “{CYCLE_NAME}”: open until {deadline} 24:00; org1 "
            "submitted, org2 drafting, person1 asked to supplement."
        )

    def _org(self, user, name, code17, sector, founded, district=District.ZONE):
        code = _uscc(code17[:17])
        this_year = timezone.localdate().year
        organisation_save(
            actor=user,
            data={
                "name": name,
                "uscc": code,
                "district": district,
                "legal_representative": "王建国",
                "founded_on": founded,
                "sector": sector,
                "ownership": Ownership.PRIVATE,
                "for_profit": True,
                "contact_name": user.display_name,
                "contact_phone": "04797512345",
                "contact_email": user.email,
            },
            years=[(this_year - i, Decimal("12000") + i, Decimal("800") - i) for i in (1, 2, 3)],
        )
