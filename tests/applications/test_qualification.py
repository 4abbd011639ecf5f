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


def ask_supplement(office, dossier, *, code="16.complete", note="缺少证书", days=5):
    check_item_record(
        actor=office, dossier=dossier, code=code, outcome=CheckOutcome.SUPPLEMENT, note=note
    )
    return supplement_request(actor=office, dossier=dossier, reply_working_days=days)


def test_resubmission_restarts_the_clock_and_a_second_notice_needs_a_reason(
    received, office, applicant, june_2026
):
    first_received_at = received.received_at
    ask_supplement(office, received)
    june_2026.move_to(datetime(2026, 6, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    dossier_resubmit(actor=applicant, dossier=received, notes={"16.complete": "证书见附件一"})
    clocks = Deadline.objects.filter(kind="qualification_check", status=DeadlineStatus.OPEN)
    # from the new receipt: Jun 9-12, 15-18 (19 Dragon Boat), 22, 23
    assert [c.due_date for c in clocks] == [date(2026, 6, 23)]
    assert Deadline.objects.get(kind="supplement_reply").status == DeadlineStatus.MET
    # the first receipt keeps its time; the supplement has a receipt of its own
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.received_at == first_received_at
    receipts = list(dossier.receipts.order_by("sequence"))
    assert [r.kind for r in receipts] == ["submission", "supplement"]
    assert receipts[0].received_at == first_received_at
    assert receipts[1].received_at > first_received_at
    assert receipts[1].supplement_notes == {"16.complete": "证书见附件一"}
    assert receipts[0].document.number != receipts[1].document.number
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


def test_an_empty_supplement_is_refused_and_changes_nothing(received, office, applicant):
    ask_supplement(office, received)
    with pytest.raises(ValidationError) as caught:
        dossier_resubmit(actor=applicant, dossier=received, notes={})
    assert any("补正内容为空" in m for m in caught.value.messages)
    assert any("缺少证书" in m for m in caught.value.messages)  # the unanswered item, by name
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.state == DossierState.SUPPLEMENT_REQUESTED
    assert dossier.receipts.count() == 1
    assert Deadline.objects.get(kind="supplement_reply").status == DeadlineStatus.OPEN


def test_every_notice_item_needs_a_file_or_a_note(received, office, applicant):
    from applications.enums import FileKind
    from applications.services.dossiers import file_attach
    from tests.factories.applications import pdf_upload

    check_item_record(
        actor=office, dossier=received, code="10.3", outcome="supplement", note="补充审计报告"
    )
    ask_supplement(office, received)
    file_attach(
        actor=applicant,
        dossier=received,
        kind=FileKind.EVIDENCE,
        title="2025年审计报告",
        upload=pdf_upload(),
        trade_secret=False,
        answers_item="10.3",
    )
    with pytest.raises(ValidationError) as caught:
        dossier_resubmit(actor=applicant, dossier=received, notes={})
    assert caught.value.messages == ["请答复补正事项第十六条（缺少证书）：上传材料或填写说明。"]
    dossier_resubmit(
        actor=applicant, dossier=received, notes={"16.complete": "证书在审计报告第3页"}
    )
    receipt = Dossier.objects.get(pk=received.pk).receipts.get(sequence=2)
    assert [f["title"] for f in receipt.files if f["new"]] == ["2025年审计报告"]


def test_a_resubmission_reruns_the_completeness_checks(received, office, applicant):
    ask_supplement(office, received)
    Dossier.objects.filter(pk=received.pk).update(category_summaries={})
    with pytest.raises(ValidationError) as caught:
        dossier_resubmit(actor=applicant, dossier=received, notes={"16.complete": "见附件"})
    assert any("自我评价" in m for m in caught.value.messages)
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUPPLEMENT_REQUESTED


def test_the_office_concludes_not_qualified_once_the_reply_period_has_passed(
    received, office, applicant, june_2026
):
    from applications.services.qualification import qualification_conclude_lapsed

    notice = ask_supplement(office, received, days=2)  # due 2026-06-04, 24:00
    june_2026.move_to(datetime(2026, 6, 4, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with pytest.raises(ValidationError, match="尚未届满"):
        qualification_conclude_lapsed(actor=office, dossier=received)
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUPPLEMENT_REQUESTED
    june_2026.move_to(datetime(2026, 6, 5, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    dossier = qualification_conclude_lapsed(actor=office, dossier=received)
    assert dossier.state == DossierState.NOT_QUALIFIED
    assert (
        notice.document.number in dossier.decision_reasons
        and "第十六条" in dossier.decision_reasons
    )
    assert dossier.decision_document is not None
    assert Deadline.objects.get(kind="supplement_reply").status == DeadlineStatus.CANCELLED
    event = AuditEvent.objects.get(action=Action.QUALIFICATION_LAPSED)
    assert (event.actor, event.target_id) == (office, str(received.pk))
    # the round is no longer blocked by it
    from applications.services.cycles import blocking_dossiers

    assert list(blocking_dossiers(received.cycle)) == []


def test_the_checklist_is_one_form_with_an_all_pass_shortcut(client, received, office):
    from applications.models import CheckItem

    client.force_login(office)
    url = f"/office/qualification/{received.pk}/"
    page = client.get(url).content.decode()
    assert page.count('name="action" value="checklist"') == 1
    assert "全部标记为符合并保存" in page
    assert "作出结论" not in page  # nothing recorded: no conclusion is possible yet
    data = {"action": "checklist", "o_10.1": "fail", "n_10.1": ""}
    page = client.post(url, data, follow=True).content.decode()
    assert "申报人将看到该说明" in page and "10.1" not in page.split("messages")[1][:400]
    assert CheckItem.objects.count() == 0
    client.post(url, {"action": "all_pass", "n_16.truth": "已核对原件"})
    assert CheckItem.objects.filter(dossier=received, outcome="pass").count() == len(
        checklist_for(received.kind)
    )
    assert CheckItem.objects.get(code="16.truth").note == "已核对原件"
    page = client.get(url).content.decode()
    assert "已核对原件" in page and "作出结论：具备申报资格" in page
    assert "作出结论：不具备申报资格" not in page
    assert AuditEvent.objects.filter(action=Action.CHECKLIST_SAVED, actor=office).count() == 1


def test_the_auditor_reads_the_queue_and_checks_but_never_acts_or_opens_secrets(
    client, received, office, auditor
):
    pass_all(office, received)
    client.force_login(auditor)
    assert received.number in client.get("/office/qualification/").content.decode()
    page = client.get(f"/office/qualification/{received.pk}/").content.decode()
    assert "符合" in page and "保存审查清单" not in page and "作出结论" not in page
    assert "核心工艺" not in page  # the trade-secret file's title
    response = client.post(
        f"/office/qualification/{received.pk}/", {"action": "decide", "qualified": "yes"}
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUBMITTED


def test_qualified_only_when_every_item_passes(received, office):
    pass_all(office, received, except_codes=("16.format",))
    with pytest.raises(ValidationError, match="1项"):
        qualification_decide(actor=office, dossier=received, qualified=True)
    check_item_record(
        actor=office, dossier=received, code="16.format", outcome="fail", note="无盖章"
    )
    with pytest.raises(ValidationError) as caught:
        qualification_decide(actor=office, dossier=received, qualified=True)
    assert "第十六条（申报材料规范，申报表已盖章。）" in caught.value.messages[0]
    assert "16.format" not in caught.value.messages[0]  # no internal codes for people
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUBMITTED
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
    assert dossier.decision_document.number.startswith("二市监质奖〔2026〕")


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
    assert "2026年6月16日（还剩10个工作日）" in page and received.number in page
    june_2026.move_to(datetime(2026, 6, 17, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(office)  # the working-day session has expired in between
    late = client.get("/office/qualification/").content.decode()
    assert 'class="overdue"' in late and "已逾期" in late


@pytest.fixture
def barred(received, office):
    """A ban (Art. 12(4)) recorded after the dossier came in, on its credit code."""
    from applications.services.bans import ban_record

    return ban_record(
        actor=office,
        kind="organisation",
        name=received.applicant_name,
        identifier=received.organisation.uscc,
        reason="在2025年自治区质量奖申报中提供虚假材料",
        reference="内质奖〔2026〕5号",
        starts_on=date(2026, 5, 20),
        ends_on=date(2031, 5, 19),
    )


def test_a_barred_applicant_cannot_qualify_and_nothing_changes(barred, received, office):
    pass_all(office, received)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        qualification_decide(actor=office, dossier=received, qualified=True)
    message = refused.value.messages[0]
    assert "禁止申报期内" in message and "2031年5月19日" in message
    assert "内质奖〔2026〕5号" in message and "第十二条第（四）项" in message
    received.refresh_from_db()
    assert received.state == DossierState.SUBMITTED and received.decision_document is None
    assert AuditEvent.objects.count() == events
    # the office records 12(4) as failed and decides "not qualified": that goes through
    check_item_record(
        actor=office, dossier=received, code="12.4", outcome=CheckOutcome.FAIL, note="禁止申报期内"
    )
    decided = qualification_decide(actor=office, dossier=received, qualified=False)
    assert decided.state == DossierState.NOT_QUALIFIED


def test_a_ban_that_ended_does_not_stop_the_qualification(received, office):
    from applications.services.bans import ban_record

    ban_record(
        actor=office,
        kind="organisation",
        name=received.applicant_name,
        identifier=received.organisation.uscc,
        reason="旧案",
        reference="",
        starts_on=date(2021, 6, 2),
        ends_on=date(2026, 6, 1),  # the day before the decision: over
    )
    pass_all(office, received)
    decided = qualification_decide(actor=office, dossier=received, qualified=True)
    assert decided.state == DossierState.QUALIFIED


@pytest.mark.parametrize(
    ("name", "shown"),
    [("office", True), ("auditor", True), ("applicant", False)],
)
@pytest.mark.parametrize("page", ["check", "dossier"])
def test_the_ban_shows_on_the_office_and_applicant_pages(
    client, persona, barred, received, office, name, shown, page
):
    pass_all(office, received)
    client.force_login(persona(name))
    url = (
        f"/office/qualification/{received.pk}/" if page == "check" else received.get_absolute_url()
    )
    response = client.get(url)
    if page == "check" and name == "applicant":
        assert response.status_code == 403
        return
    text = response.content.decode()
    for fact in ("在2025年自治区质量奖申报中提供虚假材料", "内质奖〔2026〕5号"):
        assert (fact in text) is shown
    if name == "applicant":
        # the applicant is told its ban and that a supplement will not change the outcome
        assert "您处于市长质量奖禁止申报期内" in text
        assert "自2026年5月20日起至2031年5月19日止，不得申报市长质量奖" in text
        assert "补正材料亦不能改变审查结论" in text
    else:
        assert "2031年5月19日" in text and "禁止申报期" in text
        assert "您处于市长质量奖禁止申报期内" not in text
    if page == "check" and name == "office":
        assert "作出结论：具备申报资格" not in text  # no button for a decision it must refuse
