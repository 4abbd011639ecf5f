"""The round's hub after the review (DESIGN §11): the stages public comment, vote,
publicity, approval and award with their real dates, clocks, what waits and links."""

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Cycle
from award_portal.documents.chinese import page_date
from publicity.management.commands.load_demo_award import CURRENT_NAME, PAST_NAME
from publicity.services.group import ballot_close, meeting_close, open_ballots, vote_cast
from publicity.services.publicity import objection_file, publicity_publish
from tests.factories.applications import id_number
from tests.factories.group import SH, four_candidates, open_meeting, verified_phone
from tests.factories.review import criteria_sets

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def hub(client, office, cycle) -> dict:
    client.force_login(office)
    response = client.get(reverse("applications:cycle-detail", args=[cycle.pk]))
    assert response.status_code == 200
    return {stage.key: stage for stage in response.context["stages"]}


def statuses(stages) -> dict:
    return {key: stage.status for key, stage in stages.items()}


def links(stage) -> set[str]:
    return {url for _label, url in stage.links}


def test_hub_during_the_vote_and_the_publicity(
    client, cycle, office, applicant, person_user, june_2026
):
    group = four_candidates(office, cycle, june_2026, applicant, person_user)
    pk = cycle.pk
    stages = hub(client, office, cycle)
    assert statuses(stages) | {"supervision": "upcoming"} == {
        "call": "done",
        "qualification": "done",
        "review": "done",
        "comment": "done",
        "vote": "current",
        "publicity": "upcoming",
        "approval": "upcoming",
        "award": "upcoming",
        "supervision": "upcoming",
    }
    comment = stages["comment"]
    notice = cycle.results_notice
    # the real dates: from the first day of comment to the day it closed
    assert (comment.start, comment.end, comment.planned) == (
        notice.comment_first_day,
        date(2026, 7, 20),
        False,
    )
    assert comment.waiting == ["已收到1条意见"]
    assert {
        reverse("publicity:notice", args=[pk]),
        reverse("publicity:comments", args=[pk]),
        reverse("publicity:results", args=[pk]),
    } <= links(comment)
    vote = stages["vote"]
    assert vote.start == date(2026, 7, 20) and vote.end == date(2026, 7, 21) and vote.planned
    assert "名单上有5名成员" in vote.waiting
    assert "会议定于2026年7月21日 14:30召开" in vote.waiting
    assert {
        reverse("publicity:ranking", args=[pk]),
        reverse("publicity:roster", args=[pk]),
        reverse("publicity:meeting", args=[pk]),
        reverse("publicity:report-pdf", args=[pk]),
        reverse("publicity:list-pdf", args=[pk]),
    } <= links(vote)

    open_meeting(office, group.meeting, group.members)
    assert "会议进行中：2轮表决正在进行" in hub(client, office, cycle)["vote"].waiting
    for ballot in open_ballots(group.meeting):
        for member in group.members:
            vote_cast(
                actor=member.user,
                ballot=ballot,
                choices={d.pk: "yes" for d in ballot.candidates.order_by("number")[:1]}
                | {d.pk: "no" for d in ballot.candidates.order_by("number")[1:]},
            )
        ballot_close(actor=office, ballot=ballot)
    meeting_close(actor=office, meeting=group.meeting)
    stages = hub(client, office, cycle)
    assert "会议已结束：可以公示拟授奖名单" in stages["vote"].waiting
    assert reverse("publicity:minutes-pdf", args=[group.meeting.pk]) in links(stages["vote"])
    assert stages["vote"].planned is False

    notice = publicity_publish(actor=office, cycle=cycle, title="拟授奖名单公示", body="现予公示。")
    june_2026.move_to(datetime(2026, 7, 27, 9, 0, tzinfo=SH))
    token, code = verified_phone("13800002222")
    objection_file(
        notice=notice,
        dossier_id=notice.entries.first().pk,
        objector_kind="individual",
        name="王五",
        id_number=id_number(41),
        phone="13800002222",
        token=token,
        code=code,
        facts="公示对象的申报材料存在不实之处。",
    )
    stages = hub(client, office, Cycle.objects.get(pk=pk))
    assert stages["publicity"].status == "current" and stages["vote"].status == "done"
    publicity = stages["publicity"]
    assert (publicity.start, publicity.end, publicity.planned) == (
        date(2026, 7, 21),
        date(2026, 7, 29),
        False,
    )
    # 2026-07-27 (Monday): the 28th and the 29th are left
    assert publicity.clock == "受理异议至2026年7月29日24时，还剩2个工作日。"
    assert publicity.waiting == ["已收到1件异议", "1件异议待处理"]
    assert {
        reverse("publicity:publicity-office", args=[pk]),
        reverse("publicity:publicity", args=[pk]),
    } <= links(publicity)
    june_2026.move_to(datetime(2026, 7, 30, 9, 0, tzinfo=SH))
    assert "公示期已满" in hub(client, office, cycle)["publicity"].clock


def test_hub_of_the_demo_rounds(client, settings, edition_2021):
    settings.DEBUG = True
    criteria_sets()
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)
    call_command("load_demo_cycle", stdout=io.StringIO())
    call_command("load_demo_award", stdout=io.StringIO())
    from award_portal.accounts.models import User

    office = User.objects.get(username="office")
    today = timezone.localdate()

    past = Cycle.objects.get(name=PAST_NAME)
    stages = hub(client, office, past)
    assert statuses(stages)["award"] == "current"
    assert all(stages[key].status == "done" for key in ["comment", "vote", "publicity", "approval"])
    approval = past.approval
    assert stages["approval"].end == approval.approved_on and not stages["approval"].planned
    assert stages["award"].start == approval.approved_on
    assert stages["award"].waiting == ["已颁发2份荣誉证书"]  # plaques delivered, prize paid
    assert reverse("publicity:awards", args=[past.pk]) in links(stages["award"])
    assert reverse("publicity:winners") in links(stages["award"])
    assert reverse("publicity:approval", args=[past.pk]) in links(stages["approval"])
    assert stages["publicity"].waiting == ["已收到1件异议"]
    # issue 10: the individual's title revoked for fraud, recovery complete
    assert stages["supervision"].waiting[-1:] == ["已撤销1项称号"]
    assert reverse("publicity:revocations") in links(stages["supervision"])
    for key in ["comment", "vote", "publicity", "approval", "award"]:
        assert stages[key].start is not None and stages[key].start < today, key

    current = Cycle.objects.get(name=CURRENT_NAME)
    stages = hub(client, office, current)
    assert statuses(stages)["comment"] == "current" and statuses(stages)["vote"] == "upcoming"
    comment = stages["comment"]
    notice = current.results_notice
    assert comment.start == notice.comment_first_day and comment.planned
    assert comment.waiting == ["已收到1条意见", "1条意见待处理"]
    if notice.comment_earliest_close is None:  # run when next year's schedule is unknown
        assert comment.pending
    else:
        assert comment.clock.startswith(
            f"征求意见期至少持续到{page_date(notice.comment_earliest_close)}24时，还剩"
        )
