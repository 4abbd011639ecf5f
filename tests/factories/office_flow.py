"""The second half of the award walked through the real services, step by step, as the
office, the public and the working group would: for the office's page tests. Each step
starts where the previous one ended; time travels with the tests' ``june_2026``
traveller (the round is announced on 2026-06-02)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from applications.models import Dossier
from award_portal.accounts.enums import Role
from award_portal.notifications.models import OutboxMessage
from publicity.models import Ballot
from publicity.services.award import approval_record
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
    meeting_close,
    meeting_open,
    meeting_schedule,
    member_add,
    vote_cast,
)
from publicity.services.publicity import objection_file, publicity_publish
from publicity.services.ranking import candidates_submit, ranking_save, review_order
from tests.factories import ApplicantFactory, UserFactory
from tests.factories.applications import id_number, organisation_for, pdf_upload, ready_dossier
from tests.factories.review import review_through

SH = ZoneInfo("Asia/Shanghai")
COMMENT_CLOSES = datetime(2026, 7, 20, 9, 0, tzinfo=SH)  # after the 30 working days
IN_PUBLICITY = datetime(2026, 7, 22, 9, 0, tzinfo=SH)
AFTER_PUBLICITY = datetime(2026, 7, 30, 9, 0, tzinfo=SH)  # the period ends 07-29 24:00


def code_sent_to(contact: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if contact in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def verified(kind: str, contact: str, purpose: str = "征求意见") -> tuple[str, str]:
    check = contact_check_send(kind=kind, contact=contact, purpose=purpose)
    return check.token, code_sent_to(contact)


def reviewed_dossiers(office, cycle, *, n: int = 3, prefix: str = "org_o") -> list[Dossier]:
    """``n`` organisations through a one-stage review: every dossier ``reviewed``,
    scored 60, 70, 80... (so the review's order is the reverse of creation)."""
    pairs = []
    for index in range(n):
        user = ApplicantFactory(username=f"{prefix}{index}")
        organisation_for(user)
        pairs.append((user, ready_dossier(user, cycle)))
    review_through(office, cycle, pairs)
    return [Dossier.objects.get(pk=d.pk) for _u, d in pairs]


def publish_results(office, cycle):
    notice_save(
        actor=office,
        cycle=cycle,
        data={"title": "市长质量奖评审结果公示", "body": "现将评审结果予以公示，征求社会意见。"},
    )
    return notice_publish(actor=office, cycle=cycle)


def comment_on(notice, dossier, *, name="张三", phone="13912345678", text=None, files=()):
    token, code = verified("phone", phone)
    return comment_submit(
        notice=notice,
        dossier_id=dossier.pk,
        name=name,
        contact_kind="phone",
        contact=phone,
        token=token,
        code=code,
        text=text or "该企业曾发生产品质量投诉，请核实。",
        files=list(files),
    )


def close_comment(office, cycle, traveller, comments=()):
    for comment in comments:
        comment_weigh(actor=office, comment=comment, decision="taken", reason="经核实属实")
    traveller.move_to(COMMENT_CLOSES)
    return comment_close(actor=office, cycle=cycle)


def rank_and_submit(office, cycle, *, on_list: int = 2):
    """The review's order kept; the first ``on_list`` of each kind on the list."""
    order = {kind: [d.pk for d, _c in rows] for kind, rows in review_order(cycle).items()}
    ranking_save(
        actor=office,
        cycle=cycle,
        order=order,
        on_list={pk for ids in order.values() for pk in ids[:on_list]},
        reasons={},
    )
    return candidates_submit(actor=office, cycle=cycle)


def working_group(office, cycle, *, n: int = 5, prefix: str = "wgm"):
    positions = ["leader", "deputy", *["member"] * (n - 2)]
    members = []
    for index, position in enumerate(positions):
        user = UserFactory(
            username=f"{prefix}{index}", display_name=f"组员{index}", role=Role.WORKING_GROUP
        )
        members.append(
            member_add(
                actor=office,
                cycle=cycle,
                user=user,
                position=position,
                department="市场监督管理局",
                since=date(2026, 7, 1),
            )
        )
    return members


def meeting_in_session(office, cycle, members, *, absent=()):
    meeting = meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 20, 14, 30, tzinfo=SH),
            "place": "市政府三楼会议室",
            "agenda": "审议拟授奖名单",
        },
    )
    return meeting_open(
        actor=office, meeting=meeting, present={m.pk: m not in absent for m in members}
    )


def first_ballot(meeting, kind="organisation") -> Ballot:
    return meeting.ballots.get(kind=kind, number=1)


def vote(ballot, members, choose) -> None:
    """Each present member votes in the portal; ``choose(member, dossier)`` -> choice;
    a member's recused candidates are left out."""
    for member in members:
        recused = set(member.conflicts.values_list("dossier_id", flat=True))
        vote_cast(
            actor=member.user,
            ballot=ballot,
            choices={
                d.pk: choose(member, d) for d in ballot.candidates.all() if d.pk not in recused
            },
        )


def decided(office, cycle, members, *, winner: Dossier):
    """A meeting with every member present that proposes ``winner`` alone."""
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    vote(ballot, members, lambda _m, d: "yes" if d.pk == winner.pk else "no")
    ballot_close(actor=office, ballot=ballot)
    return meeting_close(actor=office, meeting=meeting)


def publicise(office, cycle):
    return publicity_publish(actor=office, cycle=cycle, title="拟授奖名单公示", body="现予公示。")


def object_to(notice, dossier, *, name="李四", phone="13800001111", now=None):
    token, code = verified("phone", phone, "异议")
    return objection_file(
        notice=notice,
        dossier_id=dossier.pk,
        objector_kind="individual",
        name=name,
        id_number=id_number(19),
        phone=phone,
        token=token,
        code=code,
        facts="该单位在申报材料中虚报了质量成果，有证据附后。",
        files=[pdf_upload("证据.pdf")],
        now=now,
    )


def approve(office, cycle, **options):
    return approval_record(
        actor=office,
        cycle=cycle,
        document_number="二政字〔2026〕88号",
        approved_on=date(2026, 7, 30),
        scan=pdf_upload("批复.pdf"),
        **options,
    )
