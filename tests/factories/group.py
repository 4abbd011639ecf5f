"""A round brought to the working group's meeting through the real services: reviewed,
results published, one public comment weighed, the comment closed, the candidate list
submitted, a roster and a scheduled meeting."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from applications.models import Dossier
from award_portal.accounts.enums import Role
from award_portal.notifications.models import OutboxMessage
from publicity.models import Comment, GroupMember, Meeting
from publicity.services.comment import (
    comment_close,
    comment_submit,
    comment_weigh,
    notice_publish,
    notice_save,
)
from publicity.services.contact import contact_check_send
from publicity.services.group import meeting_open, meeting_schedule, member_add
from publicity.services.ranking import candidates_submit, ranking_save, review_order

from .accounts import UserFactory
from .review import review_through

SH = ZoneInfo("Asia/Shanghai")
COMMENTER = {"name": "张三丰", "phone": "13912345678", "organisation": "某某行业协会"}
COMMENT_TEXT = "该企业曾发生产品质量投诉，请核实整改情况。"
WEIGHING_REASON = "经核实投诉属实，企业已完成整改"


@dataclass
class GroupRound:
    cycle: object
    dossiers: list[Dossier]
    comment: Comment
    members: list[GroupMember]
    meeting: Meeting
    applicants: list = field(default_factory=list)  # the users, in the order of dossiers
    extra: dict = field(default_factory=dict)


def code_sent_to(contact: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if contact in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def group_round(
    office,
    cycle,
    clock,
    pairs,
    *,
    positions=("leader", "deputy", "member", "member", "member"),
    leave_off=(),
) -> GroupRound:
    """``pairs``: [(applicant user, ready draft dossier)]; every dossier goes on the
    candidate list but those whose index in ``pairs`` is in ``leave_off``."""
    review_through(office, cycle, pairs)
    dossiers = [Dossier.objects.get(pk=d.pk) for _user, d in pairs]
    notice_save(
        actor=office,
        cycle=cycle,
        data={"title": "评审结果公示", "body": "现将评审结果予以公示，征求社会意见。"},
    )
    notice = notice_publish(actor=office, cycle=cycle)
    check = contact_check_send(kind="phone", contact=COMMENTER["phone"], purpose="征求意见")
    comment = comment_submit(
        notice=notice,
        dossier_id=dossiers[0].pk,
        name=COMMENTER["name"],
        contact_kind="phone",
        contact=COMMENTER["phone"],
        organisation=COMMENTER["organisation"],
        token=check.token,
        code=code_sent_to(COMMENTER["phone"]),
        text=COMMENT_TEXT,
    )
    comment_weigh(actor=office, comment=comment, decision="taken", reason=WEIGHING_REASON)
    clock.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=SH))
    comment_close(actor=office, cycle=cycle)
    order = {kind: [d.pk for d, _c in rows] for kind, rows in review_order(cycle).items()}
    off = {dossiers[index].pk for index in leave_off}
    ranking_save(
        actor=office,
        cycle=cycle,
        order=order,
        on_list={pk for pks in order.values() for pk in pks} - off,
        reasons={},
    )
    candidates_submit(actor=office, cycle=cycle)
    members = []
    for n, position in enumerate(positions):
        user = UserFactory(
            username=f"wgm{n}", display_name=f"工作组成员{n}", role=Role.WORKING_GROUP
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
    meeting = meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 21, 14, 30, tzinfo=SH),
            "place": "市政府三楼会议室",
            "agenda": "审议拟授奖名单",
        },
    )
    return GroupRound(
        cycle=cycle,
        dossiers=[Dossier.objects.get(pk=d.pk) for d in dossiers],
        comment=comment,
        members=members,
        meeting=meeting,
        applicants=[user for user, _dossier in pairs],
    )


def open_meeting(office, meeting, members, *, absent=()):
    return meeting_open(
        actor=office,
        meeting=meeting,
        present={m.pk: m not in absent for m in members},
    )


def four_candidates(office, cycle, clock, applicant, person_user, **options) -> GroupRound:
    """Three organisations and one individual: the ``applicant`` persona owns the first
    (it has a trade-secret file and receives the public comment)."""
    from .accounts import ApplicantFactory
    from .applications import individual_for, organisation_for, ready_dossier

    organisation_for(applicant, name="二连浩特申报企业甲")
    pairs = [(applicant, ready_dossier(applicant, cycle, secret=True))]
    for n, name in enumerate(["二连浩特申报企业乙", "二连浩特申报企业丙"]):
        user = ApplicantFactory(username=f"org_g{n}")
        organisation_for(user, name=name)
        pairs.append((user, ready_dossier(user, cycle, secret=True)))
    individual_for(person_user)
    pairs.append((person_user, ready_dossier(person_user, cycle)))
    return group_round(office, cycle, clock, pairs, **options)


def verified_phone(phone: str, purpose: str = "异议") -> tuple[str, str]:
    check = contact_check_send(kind="phone", contact=phone, purpose=purpose)
    return check.token, code_sent_to(phone)
