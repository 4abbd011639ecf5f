"""The applicant is told at each step of the second half that concerns it (Art. 19–23):
by e-mail and in-app, with the facts of the step; an objection's decision reaches it
without the objector. The application's page shows the same steps."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Dossier
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification, OutboxMessage
from publicity.models import Award, CandidateList
from publicity.services.award import approval_record
from publicity.services.group import ballot_close, meeting_close, open_ballots, vote_cast
from publicity.services.publicity import (
    group_decide,
    objection_decide,
    objection_file,
    objection_investigate,
    publicity_end,
    publicity_publish,
)
from tests.factories.applications import id_number, pdf_upload
from tests.factories.group import SH, four_candidates, open_meeting, verified_phone

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

OBJECTOR = {"name": "李异议", "phone": "13800001111", "facts": "该单位虚报了质量成果，有证据附后。"}
FINDING = "经核实，李异议所称情况与事实不符。"


def mails_to(user, template_subject: str) -> list[OutboxMessage]:
    return [
        m
        for m in OutboxMessage.objects.filter(channel="email").order_by("id")
        if user.email in m.to and template_subject in m.subject
    ]


def one_mail(user, subject_part: str) -> OutboxMessage:
    found = mails_to(user, subject_part)
    assert len(found) == 1, (user.username, subject_part, [m.subject for m in found])
    message = found[0]
    # the same message in-app, with the same title
    assert Notification.objects.filter(user=user, title=message.subject).exists()
    return message


@pytest.fixture
def decided(cycle, office, applicant, person_user, june_2026):
    """甲 (the applicant persona), 乙, the individual on the candidate list, 丙 left off;
    the group proposes 乙 and the individual; the list is publicised."""
    group = four_candidates(office, cycle, june_2026, applicant, person_user, leave_off=[2])
    d0 = group.dossiers[0]
    open_meeting(office, group.meeting, group.members)
    for ballot in open_ballots(group.meeting):
        for member in group.members:
            choices = {d.pk: "yes" for d in ballot.candidates.all()}
            if ballot.kind == "organisation":
                choices[d0.pk] = "no"
            vote_cast(actor=member.user, ballot=ballot, choices=choices)
        ballot_close(actor=office, ballot=ballot)
    meeting_close(actor=office, meeting=group.meeting)
    notice = publicity_publish(actor=office, cycle=cycle, title="拟授奖名单公示", body="现予公示。")
    group.extra["notice"] = notice
    return group


def file_objection(notice, dossier, when):
    token, code = verified_phone(OBJECTOR["phone"])
    return objection_file(
        notice=notice,
        dossier_id=dossier.pk,
        objector_kind="individual",
        name=OBJECTOR["name"],
        id_number=id_number(31),
        phone=OBJECTOR["phone"],
        token=token,
        code=code,
        facts=OBJECTOR["facts"],
        now=when,
    )


def test_each_step_reaches_the_applicant(
    client, decided, office, applicant, person_user, june_2026
):
    d0, d1, _d2, person = decided.dossiers
    candidates = CandidateList.objects.get(cycle=decided.cycle)
    org_b, org_c = decided.applicants[1], decided.applicants[2]

    # results published; on the candidate list or not (with the list's number and the rank)
    assert one_mail(applicant, "评审结果")
    listed = one_mail(applicant, "已列入审议候选名单")
    assert candidates.list_document.number in listed.body and "排名第" in listed.body
    assert reverse("applications:dossier-detail", args=[d0.pk]) in listed.body
    assert one_mail(person_user, "已列入审议候选名单")
    left_off = one_mail(org_c, "未列入审议候选名单")
    assert (
        candidates.list_document.number in left_off.body and "排名第1" in left_off.body
    )  # 丙 scored best; the office left it off
    # the group's decision, and the publicity for those on the list
    assert "您的申报未列入拟授奖名单" in one_mail(applicant, "专项工作组审议结果").body
    assert not mails_to(org_c, "专项工作组审议结果")
    publicised = one_mail(org_b, "已列入拟授奖名单并公示")
    assert decided.extra["notice"].document.number in publicised.body
    assert not mails_to(applicant, "已列入拟授奖名单并公示")

    # an objection to 乙, found unfounded: 乙 is told the decision, never who objected
    june_2026.move_to(datetime(2026, 7, 22, 9, 0, tzinfo=SH))
    objection = file_objection(decided.extra["notice"], d1, datetime(2026, 7, 22, 9, 5, tzinfo=SH))
    objection_investigate(actor=office, objection=objection, text="调取记录并约谈")
    objection_decide(actor=office, objection=objection, founded=False, finding=FINDING)
    decision = one_mail(org_b, "异议的处理结论")
    assert "异议不成立" in decision.body and "2026年7月22日" in decision.body
    for secret in [OBJECTOR["name"], OBJECTOR["phone"], OBJECTOR["facts"], FINDING]:
        assert secret not in decision.body
    assert objection.receipt_number not in decision.body
    # one to the individual, found founded: told so, then told the group keeps it
    objection = file_objection(
        decided.extra["notice"], person, datetime(2026, 7, 22, 10, 0, tzinfo=SH)
    )
    objection_investigate(actor=office, objection=objection, text="核查")
    objection_decide(actor=office, objection=objection, founded=True, finding="部分属实")
    assert "异议成立" in one_mail(person_user, "异议的处理结论").body
    group_decide(
        actor=office,
        objection=objection,
        cancel=False,
        method="written",
        agreed=decided.members[:3],
        decided_on=date(2026, 7, 24),
        record="书面表决，维持候选资格",
    )
    kept = one_mail(person_user, "保留您的候选资格")
    assert "2026年7月24日" in kept.body and OBJECTOR["name"] not in kept.body

    # approval and award: the certificate's link
    june_2026.move_to(datetime(2026, 7, 30, 9, 0, tzinfo=SH))
    publicity_end(actor=office, cycle=decided.cycle, outcome="公示期满，维持拟授奖名单。")
    approval_record(
        actor=office,
        cycle=decided.cycle,
        document_number="二政字〔2026〕88号",
        approved_on=date(2026, 8, 3),
        scan=pdf_upload("批复.pdf"),
    )
    award = Award.objects.get(dossier=d1)
    awarded = one_mail(org_b, "您荣获")
    assert reverse("publicity:certificate-pdf", args=[award.pk]) in awarded.body

    # the application's page shows the steps, the objection without the objector
    client.force_login(org_b)
    page = client.get(reverse("applications:dossier-detail", args=[d1.pk])).content.decode()
    for text in [
        "评审结果已公示并公开征求意见",
        "已列入提交专项工作组的审议候选名单",
        "专项工作组已将该申报列入拟授奖名单",
        "拟授奖名单已公示",
        "一件异议经调查核实不成立",
        "市人民政府已批准授奖",
        "荣获市长质量奖",
        award.certificate_number,
        reverse("publicity:certificate-pdf", args=[award.pk]),
    ]:
        assert text in page, text
    for secret in [OBJECTOR["name"], OBJECTOR["phone"], FINDING]:
        assert secret not in page
    client.force_login(applicant)
    page = client.get(reverse("applications:dossier-detail", args=[d0.pk])).content.decode()
    assert "专项工作组未将该申报列入拟授奖名单" in page
    # the qualification's result is the qualification's, whatever the state is now
    assert Dossier.objects.get(pk=d0.pk).state == DossierState.NOT_PROPOSED
    result = page[page.index('id="decision-title"') :]
    assert result[: result.index("</p>")].count("资格审查通过") == 1
    assert "未列入拟授奖名单" not in result[: result.index("</p>")]


def test_cancelled_after_an_objection_and_not_approved(decided, office, person_user, june_2026):
    _d0, d1, _d2, person = decided.dossiers
    june_2026.move_to(datetime(2026, 7, 22, 9, 0, tzinfo=SH))
    objection = file_objection(decided.extra["notice"], d1, datetime(2026, 7, 22, 9, 5, tzinfo=SH))
    objection_investigate(actor=office, objection=objection, text="调取记录并约谈")
    objection_decide(
        actor=office, objection=objection, founded=True, finding="经核实，申报材料中的数据不实。"
    )
    group_decide(
        actor=office,
        objection=objection,
        cancel=True,
        method="written",
        agreed=decided.members[:3],
        decided_on=date(2026, 7, 24),
        record="书面表决，取消候选资格",
    )
    cancelled = one_mail(decided.applicants[1], "因异议被取消")
    assert "2026年7月24日" in cancelled.body and "数据不实" in cancelled.body
    assert OBJECTOR["name"] not in cancelled.body and OBJECTOR["phone"] not in cancelled.body
    june_2026.move_to(datetime(2026, 7, 30, 9, 0, tzinfo=SH))
    publicity_end(actor=office, cycle=decided.cycle, outcome="公示期满。")
    approval_record(
        actor=office,
        cycle=decided.cycle,
        document_number="二政字〔2026〕89号",
        approved_on=date(2026, 8, 3),
        scan=pdf_upload("批复.pdf"),
        exclusions={person.pk: "经研究，暂缓授予个人奖项。"},
    )
    refused = one_mail(person_user, "未批准向您授奖")
    assert "二政字〔2026〕89号" in refused.body and "暂缓授予个人奖项" in refused.body
    assert "2026年8月3日" in refused.body
    assert not Award.objects.filter(dossier=person).exists()
    event = AuditEvent.objects.filter(action=Action.APPROVAL_RECORDED).latest("pk")
    assert event.actor_id == office.pk and event.target_id == str(decided.cycle.pk)
