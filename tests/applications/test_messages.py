"""What the applicant is told about its dossier (Art. 16), read from the real messages:
each e-mail goes through the outbox and the worker (Celery runs eagerly here), reaches
every user acting for the applicant, appears in each one's in-app notifications with the
same text, greets the person, says what happened and what to do by when, and ends with
the office's signature."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from applications.declarations import checklist_for
from applications.enums import CheckOutcome, DossierState
from applications.models import Dossier
from applications.services.applicants import member_invitation_answer, member_invite
from applications.services.dossiers import dossier_resubmit, dossier_submit, dossier_withdraw
from applications.services.qualification import (
    check_item_record,
    qualification_conclude_lapsed,
    qualification_decide,
    supplement_request,
)
from award_portal.notifications.models import Notification, OutboxMessage, OutboxStatus
from award_portal.notifications.services import office_signature
from tests.factories import ApplicantFactory
from tests.helpers import pdf_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NO_REPLY = "本邮件由申报平台自动发送，请勿直接回复；如有疑问，请按上述方式联系协调办公室。"


@pytest.fixture
def members(org_dossier, applicant):
    """The organisation's administrator and a colleague who accepted its invitation."""
    colleague = ApplicantFactory(username="colleague", display_name="李秀英")
    invitation = member_invite(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    member_invitation_answer(actor=colleague, invitation=invitation, accept=True)
    return [applicant, colleague]


@pytest.fixture
def received(org_dossier, applicant, members):
    return dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def greets_and_signs(message, user) -> bool:
    body = message.body.rstrip()
    return body.startswith(f"尊敬的{user.display_name}：") and body.endswith(
        f"{office_signature()}\n{NO_REPLY}"
    )


def in_notifications(message, user, url) -> bool:
    """The same subject and text wait in the user's in-app notifications, the link as
    its 打开: without the e-mail's greeting, signature and the lines that carry the link
    (which stops being offered when the page closes to the user)."""
    note = Notification.objects.filter(user=user, title=message.subject, url=url).first()
    if note is None or not note.body:
        return False
    mail_lines = message.body.splitlines()
    return (
        all(line in mail_lines for line in note.body.splitlines())
        and not note.body.startswith("尊敬的")
        and office_signature() not in note.body
        and NO_REPLY not in note.body
        and url not in note.body
    )


def supplement(office, dossier, django_capture_on_commit_callbacks, *, days=5):
    check_item_record(
        actor=office,
        dossier=dossier,
        code="16.complete",
        outcome=CheckOutcome.SUPPLEMENT,
        note="缺少质量管理体系认证证书",
    )
    check_item_record(
        actor=office,
        dossier=dossier,
        code="10.3",
        outcome=CheckOutcome.SUPPLEMENT,
        note="请补充2025年度审计报告",
    )
    with django_capture_on_commit_callbacks(execute=True):
        return supplement_request(actor=office, dossier=dossier, reply_working_days=days)


def test_the_supplement_email_lists_every_item_the_reply_period_and_how_to_answer(
    received, office, members, django_capture_on_commit_callbacks
):
    notice = supplement(office, received, django_capture_on_commit_callbacks)
    assert notice.reply_due == date(2026, 6, 9)  # 5 working days after 2 June
    url = f"/dossiers/{received.pk}/"
    for user in members:
        (message,) = mails_to(user)
        assert message.subject == "请补正申报2026-Z-001的材料"
        body = message.body
        assert greets_and_signs(message, user)
        assert notice.document.number in body
        assert "第十六条：缺少质量管理体系认证证书" in body
        assert "第十条第（三）项：请补充2025年度审计报告" in body
        # the reply period as explicit dates, and how to answer
        assert "5个工作日内（2026年6月3日起至2026年6月9日24时止，北京时间）" in body
        assert "通过申报平台提交补正材料" in body
        assert "每一项均需上传相应材料或作出说明" in body
        assert f"http://127.0.0.1:8000{url}" in body
        assert in_notifications(message, user, url)
    sent = OutboxMessage.objects.filter(subject=message.subject, status=OutboxStatus.SENT)
    assert sent.count() == len(members)  # stored in the outbox, delivered by the task


def decide(office, dossier, *, failing: dict[str, str]):
    for item in checklist_for(dossier.kind):
        outcome = CheckOutcome.FAIL if item.code in failing else CheckOutcome.PASS
        check_item_record(
            actor=office,
            dossier=dossier,
            code=item.code,
            outcome=outcome,
            note=failing.get(item.code, ""),
        )
    return qualification_decide(actor=office, dossier=dossier, qualified=not failing)


def test_the_not_qualified_email_gives_the_reasons_and_how_to_ask_for_a_review(
    received, office, members, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = decide(office, received, failing={"12.3": "2025年发生较大生产安全事故"})
    for user in members:
        (message,) = mails_to(user)
        assert message.subject == "申报2026-Z-001资格审查结果"
        body = message.body
        assert greets_and_signs(message, user)
        assert dossier.decision_document.number in body
        assert "审查结论：不具备申报资格。" in body
        assert "理由：\n第十二条第（三）项：2025年发生较大生产安全事故" in body
        assert "如对审查结论有异议，可向协调办公室书面提出复核申请并说明理由" in body
        assert in_notifications(message, user, f"/dossiers/{received.pk}/")


def test_the_qualified_email_says_what_comes_next_and_no_review_is_offered(
    received, office, members, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(office, received, failing={})
    for user in members:
        (message,) = mails_to(user)
        assert greets_and_signs(message, user)
        assert "审查结论：具备申报资格，进入专家评审。" in message.body
        assert "理由：\n符合第十条至第十二条及第十六条的规定。" in message.body
        assert "专家评审安排将另行通知" in message.body and "复核" not in message.body
        assert in_notifications(message, user, f"/dossiers/{received.pk}/")


def test_the_decision_letter_keeps_its_conclusion_after_the_dossier_moves_on(
    received, office, client
):
    """The letter is the office's decision as made: a qualified dossier that has since
    been reviewed and awarded still reads 具备申报资格; a refused one still reads 不具备."""
    qualified = decide(office, received, failing={})
    Dossier.objects.filter(pk=qualified.pk).update(state=DossierState.AWARDED)
    client.force_login(office)
    letter = pdf_text(client.get(f"/dossiers/{qualified.pk}/decision.pdf").content)
    assert "审查结论如下：具备申报资格，进入专家评审。" in letter and "不具备" not in letter
    assert "专家评审安排将另行通知" in letter and "复核" not in letter

    Dossier.objects.filter(pk=qualified.pk).update(
        state=DossierState.NOT_QUALIFIED
    )  # the same letter for a refused dossier
    refused = pdf_text(client.get(f"/dossiers/{qualified.pk}/decision.pdf").content)
    assert "审查结论如下：不具备申报资格。" in refused and "复核申请" in refused


def test_the_lapsed_conclusion_email_cites_the_notice_and_offers_a_review(
    received, office, members, june_2026, django_capture_on_commit_callbacks
):
    notice = supplement(office, received, django_capture_on_commit_callbacks, days=2)
    june_2026.move_to(datetime(2026, 6, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        qualification_conclude_lapsed(actor=office, dossier=received)
    for user in members:
        (message,) = mails_to(user)
        assert greets_and_signs(message, user)
        assert "审查结论：不具备申报资格。" in message.body
        assert notice.document.number in message.body and "2026年6月4日24时届满" in message.body
        assert "复核申请" in message.body
        assert in_notifications(message, user, f"/dossiers/{received.pk}/")


def test_every_dossier_email_reaches_each_member_by_mail_and_in_app(
    org_dossier, applicant, members, office, june_2026, django_capture_on_commit_callbacks
):
    """A whole life: received, asked to supplement, supplemented, qualified, withdrawn.
    Each member gets every message, in order, the same in the inbox as by e-mail (there
    without the greeting, the signature and the link line)."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    supplement(office, dossier, django_capture_on_commit_callbacks)
    june_2026.move_to(datetime(2026, 6, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with django_capture_on_commit_callbacks(execute=True):
        dossier_resubmit(
            actor=members[1],  # the colleague answers
            dossier=dossier,
            notes={"16.complete": "证书见附件", "10.3": "审计报告已上传"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        decide(office, dossier, failing={})
    with django_capture_on_commit_callbacks(execute=True):
        dossier_withdraw(actor=applicant, dossier=dossier, reason="本年度暂不申报")
    expected = [
        "申报2026-Z-001已收到",
        "请补正申报2026-Z-001的材料",
        "申报2026-Z-001的补正材料已收到",
        "申报2026-Z-001资格审查结果",
        f"{dossier.applicant_name}的申报已撤回",
    ]
    for user in members:
        messages = mails_to(user)
        assert [m.subject for m in messages] == expected
        assert all(greets_and_signs(m, user) for m in messages)
        inbox = Notification.objects.filter(user=user, url=f"/dossiers/{dossier.pk}/")
        assert [n.title for n in inbox.order_by("id")] == expected
        assert all(in_notifications(m, user, f"/dossiers/{dossier.pk}/") for m in messages)
    # in the portal the text starts with what happened
    first = Notification.objects.filter(user=members[0]).order_by("id").first()
    assert first.body.startswith("协调办公室已于2026年6月2日 10:00（北京时间）收到您")
    # the office is told of the withdrawal of a received application, in the inbox too
    (to_office,) = mails_to(office)
    assert dossier.number in to_office.subject and "本年度暂不申报" in to_office.body
    assert in_notifications(to_office, office, f"/dossiers/{dossier.pk}/")


def test_dossier_subjects_print_as_plain_utf8_on_the_console(
    received, office, settings, capsys, django_capture_on_commit_callbacks
):
    # the worker delivers through the console backend, as with EMAIL_URL=console://
    settings.OUTBOX_DELIVERY_BACKEND = "award_portal.notifications.console.EmailBackend"
    capsys.readouterr()
    supplement(office, received, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_resubmit(
            actor=received.organisation.members.first(),
            dossier=received,
            notes={"16.complete": "证书见附件", "10.3": "审计报告已上传"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        decide(office, received, failing={"12.6": "已列入经营异常名录"})
    printed = capsys.readouterr().out
    for subject in (
        "请补正申报2026-Z-001的材料",
        "申报2026-Z-001的补正材料已收到",
        "申报2026-Z-001资格审查结果",
    ):
        assert printed.count(f"Subject: {subject}\n") == 2  # one per member
    assert "尊敬的李秀英：" in printed and "第十二条第（六）项：已列入经营异常名录" in printed
    assert "=?utf-8?" not in printed.lower()
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 6
