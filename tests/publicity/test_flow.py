"""From review results to the award, through the services: publish, comment, weigh,
rank, the group's vote, publicity with an objection upheld, approval, certificates."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from award_portal.accounts.enums import Role
from award_portal.notifications.models import OutboxMessage
from publicity.models import Award, Decision
from publicity.services.award import approval_record, certificate_lookup
from publicity.services.comment import (
    comment_close,
    comment_submit,
    comment_weigh,
    notice_publish,
    notice_save,
)
from publicity.services.contact import contact_check_send
from publicity.services.group import (
    ballot_close,
    conflict_declare,
    meeting_close,
    meeting_open,
    meeting_schedule,
    member_add,
    open_ballots,
    vote_cast,
)
from publicity.services.publicity import (
    group_decide,
    objection_decide,
    objection_file,
    objection_investigate,
    publicity_end,
    publicity_publish,
)
from publicity.services.ranking import candidates_submit, ranking_save, review_order
from tests.factories import ApplicantFactory, UserFactory
from tests.factories.applications import id_number, organisation_for, pdf_upload, ready_dossier
from tests.factories.review import review_through

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
SH = ZoneInfo("Asia/Shanghai")


def code_sent_to(contact: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if contact in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def verified(kind, contact, purpose="征求意见"):
    check = contact_check_send(kind=kind, contact=contact, purpose=purpose)
    return check.token, code_sent_to(contact)


@pytest.fixture
def reviewed(cycle, office, june_2026):
    pairs = []
    for n in range(3):
        user = ApplicantFactory(username=f"org_flow{n}")
        organisation_for(user)
        pairs.append((user, ready_dossier(user, cycle)))
    review_through(office, cycle, pairs)
    return [Dossier.objects.get(pk=d.pk) for _u, d in pairs]


def test_from_results_to_certificates(cycle, office, reviewed, june_2026):
    assert {d.state for d in reviewed} == {DossierState.REVIEWED}
    notice_save(
        actor=office,
        cycle=cycle,
        data={
            "title": "第三届市长质量奖评审结果公示",
            "body": "现将评审结果予以公示，征求社会意见。",
        },
    )
    notice = notice_publish(actor=office, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLIC_COMMENT
    assert notice.comment_first_day == date(2026, 6, 3)
    # anonymous is refused; a verified phone is taken
    token, code = verified("phone", "13912345678")
    with pytest.raises(ValidationError):
        comment_submit(
            notice=notice,
            dossier_id=reviewed[0].pk,
            name=" ",
            contact_kind="phone",
            contact="13912345678",
            token=token,
            code=code,
            text="该企业曾发生产品质量投诉。",
        )
    comment = comment_submit(
        notice=notice,
        dossier_id=reviewed[0].pk,
        name="张三",
        contact_kind="phone",
        contact="139 1234 5678",
        token=token,
        code=code,
        text="该企业曾发生产品质量投诉，请核实。",
    )
    # the code is spent: a second submission with it is refused
    with pytest.raises(ValidationError):
        comment_submit(
            notice=notice,
            dossier_id=reviewed[0].pk,
            name="张三",
            contact_kind="phone",
            contact="13912345678",
            token=token,
            code=code,
            text="重复提交的意见内容。",
        )
    with pytest.raises(ValidationError):
        comment_close(actor=office, cycle=cycle)  # not weighed, and too early
    comment_weigh(actor=office, comment=comment, decision="taken", reason="经核实投诉属实但已整改")
    with pytest.raises(ValidationError, match="2026年7月"):
        comment_close(actor=office, cycle=cycle)
    june_2026.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=SH))
    comment_close(actor=office, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.GROUP_VOTE

    review = review_order(cycle)["organisation"]
    ids = [d.pk for d, _c in review]
    # the best by the review goes below the second: a reason citing the comment is needed
    moved = [ids[1], ids[0], ids[2]]
    with pytest.raises(ValidationError):
        ranking_save(
            actor=office,
            cycle=cycle,
            order={"organisation": moved, "individual": []},
            on_list=set(moved[:2]),
            reasons={},
        )
    ranking_save(
        actor=office,
        cycle=cycle,
        order={"organisation": moved, "individual": []},
        on_list=set(moved[:2]),
        reasons={
            ids[0]: f"依据公众意见{comment.receipt_number}下调",
            ids[1]: f"因{comment.receipt_number}上调",
        },
    )
    candidates_submit(actor=office, cycle=cycle)
    assert Dossier.objects.get(pk=moved[2]).state == DossierState.NOT_SHORTLISTED

    members = []
    for n, position in enumerate(["leader", "deputy", "member", "member", "member"]):
        user = UserFactory(username=f"wgm{n}", role=Role.WORKING_GROUP)
        members.append(
            member_add(
                actor=office,
                cycle=cycle,
                user=user,
                position=position,
                department="市场监管局",
                since=date(2026, 7, 1),
            )
        )
    conflict_declare(
        actor=members[4].user,
        cycle=cycle,
        dossier=Dossier.objects.get(pk=moved[0]),
        note="系该企业股东",
    )
    meeting = meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 20, 14, 30, tzinfo=SH),
            "place": "市政府三楼会议室",
            "agenda": "审议拟授奖名单",
        },
    )
    with pytest.raises(ValidationError, match="2"):
        meeting_open(
            actor=office, meeting=meeting, present={members[0].pk: True, members[1].pk: True}
        )
    meeting_open(
        actor=office, meeting=meeting, present={m.pk: m is not members[3] for m in members}
    )
    ballot = open_ballots(meeting).get(kind="organisation")
    # members 0-2 vote yes for both; member 4 is recused from moved[0]
    for member in members[:3]:
        vote_cast(actor=member.user, ballot=ballot, choices={moved[0]: "yes", moved[1]: "yes"})
    with pytest.raises(ValidationError):
        vote_cast(actor=members[0].user, ballot=ballot, choices={moved[0]: "no", moved[1]: "no"})
    with pytest.raises(ValidationError):
        vote_cast(actor=members[4].user, ballot=ballot, choices={moved[0]: "yes", moved[1]: "yes"})
    vote_cast(actor=members[4].user, ballot=ballot, choices={moved[1]: "no"})
    # both carried (3 of 4 present, 3 of 3 eligible) but the quota is 1: a tie goes to a
    # second ballot
    runoff = ballot_close(actor=office, ballot=ballot)
    # both have 3 votes in favour: a recorded second ballot between them
    assert set(runoff.candidates.values_list("pk", flat=True)) == {moved[0], moved[1]}
    assert "1" in runoff.reason
    with pytest.raises(ValidationError):
        meeting_close(actor=office, meeting=meeting)  # a ballot is still open
    for member in members[:3]:
        vote_cast(actor=member.user, ballot=runoff, choices={moved[0]: "yes", moved[1]: "no"})
    with pytest.raises(ValidationError, match="1"):
        ballot_close(actor=office, ballot=runoff)  # member 4 has not voted yet
    vote_cast(actor=members[4].user, ballot=runoff, choices={moved[1]: "yes"})
    assert ballot_close(actor=office, ballot=runoff) is None
    meeting_close(actor=office, meeting=meeting)
    proposed = Dossier.objects.filter(cycle=cycle, state=DossierState.PROPOSED)
    assert proposed.count() == 1
    assert Decision.objects.filter(meeting=meeting).count() == 2

    notice2 = publicity_publish(
        actor=office, cycle=cycle, title="拟授奖名单公示", body="现予公示。"
    )
    assert (notice2.first_day, notice2.last_day) == (date(2026, 7, 21), date(2026, 7, 29))
    winner = proposed.get()
    june_2026.move_to(datetime(2026, 7, 22, 9, 0, tzinfo=SH))
    token, code = verified("phone", "13800001111", "异议")
    objection = objection_file(
        notice=notice2,
        dossier_id=winner.pk,
        objector_kind="individual",
        name="李四",
        id_number=id_number(19),
        phone="13800001111",
        token=token,
        code=code,
        facts="该单位在申报材料中虚报了质量成果，有证据附后。",
        files=[pdf_upload("证据.pdf")],
    )
    assert objection.id_number_masked.startswith("152") and "*" in objection.id_number_masked
    objection_investigate(actor=office, objection=objection, text="调取企业质量记录并约谈")
    objection_decide(
        actor=office, objection=objection, founded=False, finding="经核实，异议不成立。"
    )
    # 23:59:59 of the last day is in time; 00:00:01 after it is late
    token, code = verified("phone", "13800002222", "异议")
    objection_file(
        notice=notice2,
        dossier_id=winner.pk,
        objector_kind="individual",
        name="王五",
        id_number=id_number(19),
        phone="13800002222",
        token=token,
        code=code,
        facts="截止前最后一秒提交的异议事实说明。",
        now=datetime(2026, 7, 29, 23, 59, 59, tzinfo=SH),
    )
    token, code = verified("phone", "13800003333", "异议")
    with pytest.raises(ValidationError, match="2026年7月29日"):
        objection_file(
            notice=notice2,
            dossier_id=winner.pk,
            objector_kind="individual",
            name="赵六",
            id_number=id_number(19),
            phone="13800003333",
            token=token,
            code=code,
            facts="截止后提交的异议事实说明内容。",
            now=datetime(2026, 7, 30, 0, 0, 1, tzinfo=SH),
        )
    june_2026.move_to(datetime(2026, 7, 30, 9, 0, tzinfo=SH))
    with pytest.raises(ValidationError):
        publicity_end(actor=office, cycle=cycle, outcome="无异议")  # the second is undecided
    late = notice2.objections.get(name="王五")
    objection_investigate(actor=office, objection=late, text="核查")
    objection_decide(actor=office, objection=late, founded=True, finding="部分属实")
    group_decide(
        actor=office,
        objection=late,
        cancel=False,
        method="written",
        agreed=members[:3],
        decided_on=date(2026, 7, 30),
        record="书面表决，维持候选资格",
    )
    publicity_end(actor=office, cycle=cycle, outcome="公示期满，异议已处理，维持拟授奖名单。")
    approval = approval_record(
        actor=office,
        cycle=cycle,
        document_number="二政字〔2026〕88号",
        approved_on=date(2026, 8, 3),
        scan=pdf_upload("批复.pdf"),
    )
    award = Award.objects.get(dossier=winner)
    assert award.valid_until == date(2029, 8, 2)
    assert award.prize.budget_year == 2027 and award.prize.amount_yuan == 200000
    assert certificate_lookup(award.certificate_number.lower().replace("-", " ")) == award
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.AWARDED
    assert approval.document_number == "二政字〔2026〕88号"
    assert Dossier.objects.get(pk=winner.pk).state == DossierState.AWARDED


def test_a_member_recused_from_every_candidate_does_not_hold_up_the_ballot(
    cycle, office, reviewed, june_2026
):
    notice_save(actor=office, cycle=cycle, data={"title": "公示", "body": "征求意见。"})
    notice_publish(actor=office, cycle=cycle)
    june_2026.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=SH))
    comment_close(actor=office, cycle=cycle)
    ids = [d.pk for d, _c in review_order(cycle)["organisation"]]
    ranking_save(
        actor=office,
        cycle=cycle,
        order={"organisation": ids, "individual": []},
        on_list={ids[0]},
        reasons={},
    )
    candidates_submit(actor=office, cycle=cycle)
    members = [
        member_add(
            actor=office,
            cycle=cycle,
            user=UserFactory(username=f"wgr{n}", role=Role.WORKING_GROUP),
            position=position,
            department="市场监管局",
            since=date(2026, 7, 1),
        )
        for n, position in enumerate(["leader", "deputy", "member"])
    ]
    conflict_declare(
        actor=members[2].user, cycle=cycle, dossier=Dossier.objects.get(pk=ids[0]), note="亲属"
    )
    meeting = meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 20, 14, 30, tzinfo=SH),
            "place": "会议室",
            "agenda": "审议",
        },
    )
    meeting_open(actor=office, meeting=meeting, present={m.pk: True for m in members})
    ballot = open_ballots(meeting).get(kind="organisation")
    for member in members[:2]:
        vote_cast(actor=member.user, ballot=ballot, choices={ids[0]: "yes"})
    assert ballot_close(actor=office, ballot=ballot) is None
    decision = Decision.objects.get(meeting=meeting, dossier_id=ids[0])
    assert (decision.yes, decision.present, decision.recused, decision.proposed) == (2, 2, 1, True)
