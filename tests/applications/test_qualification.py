from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from applications.declarations import checklist_for
from applications.enums import CheckOutcome, DossierState
from applications.models import Dossier
from applications.services.dossiers import dossier_resubmit, dossier_submit
from applications.services.qualification import (
    check_item_record,
    qualification_decide,
    supplement_request,
)
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from award_portal.workdays.models import Deadline, DeadlineStatus
from award_portal.workdays.reminders import reminders_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def received(org_dossier, applicant):
    return dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)


def pass_all(office, dossier, *, except_codes=()):
    for item in checklist_for(dossier.kind):
        if item.code not in except_codes:
            check_item_record(
                actor=office, dossier=dossier, code=item.code, outcome=CheckOutcome.PASS, note=""
            )


def test_one_notice_lists_every_item_to_supplement_and_stops_the_clock(received, office):
    check_item_record(
        actor=office,
        dossier=received,
        code="16.complete",
        outcome=CheckOutcome.SUPPLEMENT,
        note="缺少质量管理体系认证证书",
    )
    check_item_record(
        actor=office,
        dossier=received,
        code="10.3",
        outcome=CheckOutcome.SUPPLEMENT,
        note="请补充 2023 年审计报告",
    )
    notice = supplement_request(actor=office, dossier=received, reply_working_days=5)
    assert notice.number == 1
    assert {i["code"] for i in notice.items} == {"16.complete", "10.3"}
    # 5 working days after 2026-06-02
    assert notice.reply_due == date(2026, 6, 9)
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUPPLEMENT_REQUESTED
    clock = Deadline.objects.get(kind="qualification_check")
    assert clock.status == DeadlineStatus.CANCELLED
    assert Deadline.objects.get(kind="supplement_reply").status == DeadlineStatus.OPEN


def test_a_supplement_needs_a_note_and_an_item(received, office):
    with pytest.raises(ValidationError):
        check_item_record(
            actor=office, dossier=received, code="10.1", outcome=CheckOutcome.SUPPLEMENT, note=""
        )
    with pytest.raises(ValidationError, match="需补正"):
        supplement_request(actor=office, dossier=received, reply_working_days=5)
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUBMITTED


def test_resubmission_restarts_the_clock_and_a_second_notice_needs_a_reason(
    received, office, applicant, june_2026
):
    check_item_record(
        actor=office,
        dossier=received,
        code="16.complete",
        outcome=CheckOutcome.SUPPLEMENT,
        note="缺少证书",
    )
    supplement_request(actor=office, dossier=received, reply_working_days=5)
    june_2026.move_to(datetime(2026, 6, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    dossier_resubmit(actor=applicant, dossier=received)
    clocks = Deadline.objects.filter(kind="qualification_check", status=DeadlineStatus.OPEN)
    # from the new receipt: Jun 9-12, 15-18 (19 Dragon Boat), 22, 23
    assert [c.due_date for c in clocks] == [date(2026, 6, 23)]
    assert Deadline.objects.get(kind="supplement_reply").status == DeadlineStatus.MET
    with pytest.raises(ValidationError, match="一次性告知"):
        supplement_request(actor=office, dossier=received, reply_working_days=3)
    notice = supplement_request(
        actor=office,
        dossier=received,
        reply_working_days=3,
        reason_for_another="补交的证书已过有效期",
    )
    assert notice.number == 2
    event = AuditEvent.objects.filter(action=Action.SUPPLEMENT_REQUESTED).first()  # newest
    assert event.details["reason_for_another"] == "补交的证书已过有效期"


def test_qualified_only_when_every_item_passes(received, office):
    pass_all(office, received, except_codes=("16.format",))
    with pytest.raises(ValidationError, match="1"):
        qualification_decide(actor=office, dossier=received, qualified=True)
    check_item_record(actor=office, dossier=received, code="16.format", outcome="pass", note="")
    dossier = qualification_decide(actor=office, dossier=received, qualified=True)
    assert dossier.state == DossierState.QUALIFIED
    assert Deadline.objects.get(kind="qualification_check").status == DeadlineStatus.MET


def test_not_qualified_cites_the_articles(received, office):
    pass_all(office, received, except_codes=("12.3",))
    check_item_record(
        actor=office,
        dossier=received,
        code="12.3",
        outcome=CheckOutcome.FAIL,
        note="2025 年发生较大生产安全事故",
    )
    dossier = qualification_decide(actor=office, dossier=received, qualified=False)
    assert dossier.state == DossierState.NOT_QUALIFIED
    assert "第十二条第（三）项：2025 年发生较大生产安全事故" in dossier.decision_reasons


def test_two_clerks_deciding_at_once_end_in_one_decision(received, office):
    from award_portal.accounts.enums import Role
    from tests.factories import UserFactory

    second_clerk = UserFactory(username="clerk2", role=Role.OFFICE)
    pass_all(office, received)
    stale_copy = Dossier.objects.get(pk=received.pk)
    qualification_decide(actor=office, dossier=received, qualified=True)
    with pytest.raises(ValidationError, match="其他人已处理"):
        qualification_decide(actor=second_clerk, dossier=stale_copy, qualified=False, reasons="x")
    assert Dossier.objects.get(pk=received.pk).decided_by == office
    assert AuditEvent.objects.filter(action=Action.QUALIFICATION_DECIDED).count() == 1


def test_a_missed_reply_deadline_is_flagged_to_the_office(received, office, applicant):
    check_item_record(
        actor=office,
        dossier=received,
        code="16.complete",
        outcome=CheckOutcome.SUPPLEMENT,
        note="缺少证书",
    )
    supplement_request(actor=office, dossier=received, reply_working_days=2)  # due Jun 4
    reminders_sweep(today=date(2026, 6, 5))
    assert Notification.objects.filter(user=office, title__startswith="已逾期").count() == 1
    assert Notification.objects.filter(user=applicant, title__startswith="已逾期").count() == 1


def test_the_queue_shows_each_clock_and_the_working_days_left(client, received, office, june_2026):
    client.force_login(office)
    page = client.get("/office/qualification/").content.decode()
    assert "2026-06-16（还剩 10 个工作日）" in page
    june_2026.move_to(datetime(2026, 6, 17, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(office)  # the working-day session has expired in between
    late = client.get("/office/qualification/").content.decode()
    assert 'class="overdue"' in late and "已逾期" in late
