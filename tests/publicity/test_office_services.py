"""The services behind the office's pages write their audit row (action, actor, target) in
the transaction of the change; the reads of personal data and private files are
recorded too; a refusal changes nothing."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Cycle, Dossier
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.models import Award, CommentWeighing, Meeting, Prize, PublicityNotice
from publicity.services.award import approval_scan_open, plaque_deliver, prize_pay
from publicity.services.comment import (
    close_problems,
    comment_file_open,
    comment_open,
    comment_weigh,
    comment_weigh_after,
    notice_save,
)
from publicity.services.group import (
    ballot_close,
    meeting_close,
    meeting_open,
    meeting_schedule,
    member_add,
    member_end,
    minutes_open,
    vote_cast,
)
from publicity.services.publicity import (
    group_decide,
    objection_decide,
    objection_file_open,
    objection_investigate,
    objection_open,
    publicity_end,
)
from publicity.services.ranking import candidate_document_open, ranking_board, ranking_save
from tests.factories import UserFactory
from tests.factories.applications import pdf_upload
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    COMMENT_CLOSES,
    IN_PUBLICITY,
    SH,
    approve,
    comment_on,
    first_ballot,
    object_to,
    publicise,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
    working_group,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def row(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def assert_row(action, actor, target, **details):
    event = row(action)
    assert event.actor == actor, action
    assert event.target_type == ContentType.objects.get_for_model(target), action
    assert event.target_id == str(target.pk), action
    for key, value in details.items():
        assert event.details[key] == value, (action, key)
    return event


def test_every_office_service_writes_its_audit_row(cycle, office, auditor, june_2026):
    from datetime import datetime

    reviewed = reviewed_dossiers(office, cycle)
    notice_save(actor=office, cycle=cycle, data={"title": "公示", "body": "正文"})
    assert_row(Action.NOTICE_SAVED, office, cycle)
    notice = publish_results(office, cycle)
    assert_row(Action.NOTICE_PUBLISHED, office, cycle, document=notice.document.number)
    comment = comment_on(notice, reviewed[0], files=[pdf_upload()])
    comment_open(actor=auditor, comment=comment)
    assert_row(Action.COMMENT_OPENED, auditor, cycle, receipt=comment.receipt_number)
    stored = comment.files.get()
    comment_file_open(actor=office, stored=stored)
    assert_row(Action.FILE_DOWNLOADED, office, cycle, file=stored.pk, sha256=stored.sha256)
    comment_weigh_after(
        actor=office, comment=comment, decision="referred", reason="转交核实", after=None
    )
    assert_row(Action.COMMENT_WEIGHED, office, cycle, decision="referred")
    # under verification it is not handled yet: decided once verified
    comment_weigh(actor=office, comment=comment, decision="taken", reason="经核实属实")
    assert_row(Action.COMMENT_WEIGHED, office, cycle, decision="taken")
    june_2026.move_to(COMMENT_CLOSES)
    from publicity.services.comment import comment_close

    comment_close(actor=office, cycle=cycle)
    assert_row(Action.CYCLE_TRANSITION, office, cycle, transition="close_comment")

    candidates = rank_and_submit(office, cycle)
    assert_row(Action.RANKING_SAVED, office, cycle)
    assert_row(Action.CANDIDATES_SUBMITTED, office, cycle, list=candidates.list_document.number)
    candidate_document_open(actor=auditor, cycle=cycle, which="report")
    assert_row(Action.FILE_DOWNLOADED, auditor, cycle, document=candidates.report_document.number)

    members = working_group(office, cycle)
    assert_row(Action.GROUP_CHANGED, office, cycle, added=members[-1].user.username)
    extra = member_add(
        actor=office,
        cycle=cycle,
        user=UserFactory(username="wg_extra", role="working_group"),
        position="member",
        department="市财政局",
        since=date(2026, 7, 1),
    )
    member_end(actor=office, member=extra, until=date(2026, 7, 15))
    assert_row(Action.GROUP_CHANGED, office, cycle, ended="wg_extra", until="2026-07-15")
    meeting = meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 20, 14, 30, tzinfo=SH),
            "place": "会议室",
            "agenda": "审议",
        },
    )
    assert_row(Action.MEETING_SAVED, office, cycle, meeting=meeting.pk)
    meeting_open(actor=office, meeting=meeting, present={m.pk: True for m in members})
    assert_row(Action.MEETING_OPENED, office, cycle, present=5, members=5)
    ballot = first_ballot(meeting)
    ids = list(ballot.candidates.values_list("pk", flat=True))
    vote_cast(actor=office, ballot=ballot, member=members[0], choices={pk: "yes" for pk in ids})
    event = assert_row(Action.VOTE_CAST, office, cycle, member=members[0].pk, paper=True)
    assert "yes" not in str(event.details)  # the row never holds the choice
    for member in members[1:]:
        vote_cast(
            actor=member.user,
            ballot=ballot,
            choices={pk: "yes" if pk == ids[0] else "no" for pk in ids},
        )
    assert_row(Action.VOTE_CAST, members[-1].user, cycle, paper=False)
    ballot_close(actor=office, ballot=ballot)
    assert_row(Action.MEETING_SAVED, office, cycle, ballot=ballot.pk)
    meeting_close(actor=office, meeting=meeting)
    meeting.refresh_from_db()
    assert_row(Action.MEETING_CLOSED, office, cycle, minutes=meeting.minutes.number)
    minutes_open(actor=members[1].user, meeting=meeting)
    assert_row(Action.FILE_DOWNLOADED, members[1].user, cycle, document=meeting.minutes.number)

    publicise(office, cycle)
    assert_row(Action.PUBLICITY_PUBLISHED, office, cycle)
    june_2026.move_to(IN_PUBLICITY)
    winner = Dossier.objects.get(pk=ids[0])
    objection = object_to(PublicityNotice.objects.get(), winner)
    objection_open(actor=office, objection=objection)
    assert_row(Action.COMMENT_OPENED, office, cycle, objection=objection.receipt_number)
    evidence = objection.files.get()
    objection_file_open(actor=auditor, objection=objection, which=str(evidence.pk))
    assert_row(Action.FILE_DOWNLOADED, auditor, cycle, sha256=evidence.sha256)
    objection_investigate(actor=office, objection=objection, text="核查")
    assert_row(Action.OBJECTION_STEP, office, cycle, receipt=objection.receipt_number)
    objection_decide(actor=office, objection=objection, founded=True, finding="部分属实")
    assert_row(Action.OBJECTION_DECIDED, office, cycle, founded=True)
    group_decide(
        actor=office,
        objection=objection,
        cancel=False,
        method="vote",
        agreed=members[:3],
        decided_on=date(2026, 7, 24),
        record="表决维持",
    )
    assert_row(Action.GROUP_DECIDED, office, cycle, cancel=False, method="vote")
    june_2026.move_to(AFTER_PUBLICITY)
    publicity_end(actor=office, cycle=cycle, outcome="维持")
    assert_row(Action.PUBLICITY_ENDED, office, cycle, outcome="维持")
    approval = approve(office, cycle)
    assert_row(Action.APPROVAL_RECORDED, office, cycle, document=approval.document_number)
    approval_scan_open(actor=auditor, approval=approval)
    assert_row(Action.FILE_DOWNLOADED, auditor, cycle, approval=approval.document_number)
    award = Award.objects.get(dossier=winner)
    assert_row(
        Action.AWARD_GRANTED,
        office,
        winner,
        certificate=award.certificate_number,
        certificate_document=award.certificate.number,
    )
    plaque_deliver(actor=office, award=award, delivered_on=date(2026, 8, 10), received_by="王经理")
    assert_row(Action.PLAQUE_DELIVERED, office, winner, received_by="王经理")
    prize_pay(actor=office, prize=award.prize, paid_on=date(2027, 3, 1), reference="财付2027-1")
    assert_row(Action.PRIZE_PAID, office, winner, paid_on="2027-03-01", amount="200,000")


def test_a_stale_weighing_adds_nothing_and_says_why(cycle, office, june_2026):
    reviewed = reviewed_dossiers(office, cycle)
    comment = comment_on(publish_results(office, cycle), reviewed[0])
    first = comment_weigh(actor=office, comment=comment, decision="taken", reason="属实")
    events = AuditEvent.objects.filter(action=Action.COMMENT_WEIGHED).count()
    for after in (None, first.pk + 1):  # the page showed none, or a later one
        with pytest.raises(ValidationError, match="重复点击"):
            comment_weigh_after(
                actor=office, comment=comment, decision="not_relevant", reason="x", after=after
            )
    assert list(CommentWeighing.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.filter(action=Action.COMMENT_WEIGHED).count() == events
    comment_weigh_after(
        actor=office, comment=comment, decision="not_relevant", reason="无关", after=first.pk
    )
    assert CommentWeighing.objects.count() == 2


def test_reads_are_refused_to_the_public_the_applicant_and_a_member(
    cycle, office, applicant, working_group, june_2026
):
    reviewed = reviewed_dossiers(office, cycle)
    comment = comment_on(publish_results(office, cycle), reviewed[0], files=[pdf_upload()])
    before = AuditEvent.objects.count()
    for user in (applicant, working_group):
        with pytest.raises(PermissionDenied):
            comment_open(actor=user, comment=comment)
        with pytest.raises(PermissionDenied):
            comment_file_open(actor=user, stored=comment.files.get())
    assert AuditEvent.objects.count() == before


def test_the_guard_reasons_name_the_unweighed_comments_and_the_earliest_day(
    cycle, office, june_2026
):
    reviewed = reviewed_dossiers(office, cycle)
    comment = comment_on(publish_results(office, cycle), reviewed[0])
    problems = close_problems(cycle)
    assert problems[0] == "尚有1条意见未处理。"
    assert "2026年7月15日24时" in problems[1]
    comment_weigh(actor=office, comment=comment, decision="taken", reason="属实")
    june_2026.move_to(COMMENT_CLOSES)
    assert close_problems(Cycle.objects.get(pk=cycle.pk)) == []


def test_the_ranking_board_shows_every_weighing_and_follows_the_saved_order(
    cycle, office, june_2026
):
    reviewed = reviewed_dossiers(office, cycle)
    comment = comment_on(publish_results(office, cycle), reviewed[0])
    comment_weigh(actor=office, comment=comment, decision="referred", reason="核实中")
    comment_weigh(actor=office, comment=comment, decision="taken", reason="属实")
    june_2026.move_to(COMMENT_CLOSES)
    from publicity.services.comment import comment_close

    comment_close(actor=office, cycle=cycle)
    stages, rows = ranking_board(cycle)
    organisation = rows["organisation"]
    assert [r.dossier.pk for r in organisation] == [d.pk for d in reversed(reviewed)]
    assert [r.review_position for r in organisation] == [1, 2, 3]
    assert len(stages) == 1 and organisation[0].scores[0][1].score is not None
    weighings = list(organisation[2].comments[0].weighings.all())
    assert [w.decision for w in weighings] == ["referred", "taken"]
    order = [reviewed[0].pk, reviewed[2].pk, reviewed[1].pk]
    ranking_save(
        actor=office,
        cycle=cycle,
        order={"organisation": order, "individual": []},
        on_list={reviewed[0].pk},
        reasons={pk: f"依据{comment.receipt_number}" for pk in order},
    )
    _stages, rows = ranking_board(cycle)
    assert [r.dossier.pk for r in rows["organisation"]] == order
    assert rows["organisation"][0].entry.on_list


def test_a_prize_cannot_be_paid_before_its_budget_year(cycle, office, june_2026):
    from publicity.services.comment import comment_close

    reviewed = reviewed_dossiers(office, cycle)
    publish_results(office, cycle)
    june_2026.move_to(COMMENT_CLOSES)
    comment_close(actor=office, cycle=cycle)
    rank_and_submit(office, cycle, on_list=1)
    members = working_group(office, cycle, n=3)
    from tests.factories.office_flow import decided

    decided(office, cycle, members, winner=reviewed[2])
    publicise(office, cycle)
    june_2026.move_to(AFTER_PUBLICITY)
    publicity_end(actor=office, cycle=cycle, outcome="无异议")
    approve(office, cycle)
    prize = Prize.objects.get()
    assert prize.budget_year == 2027
    with pytest.raises(ValidationError, match="2027"):
        prize_pay(actor=office, prize=prize, paid_on=date(2026, 12, 31), reference="x")
    prize.refresh_from_db()
    assert prize.paid_on is None and not AuditEvent.objects.filter(action=Action.PRIZE_PAID)
    assert Meeting.objects.get().minutes is not None
