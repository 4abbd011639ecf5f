"""The coordination office's pages, driven as the clerk does (form posts through the test
client), from the draft notice of the review results to the prize payment. The public's
comments and objections and the members' own votes go through the services (other
pages)."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.enums import MeetingState, ObjectionState
from publicity.models import (
    Award,
    CandidateList,
    CommentWeighing,
    GroupDecision,
    GroupMember,
    Meeting,
    PublicityNotice,
    RankingEntry,
    ResultsNotice,
    Vote,
)
from publicity.services.group import vote_cast
from tests.factories import UserFactory
from tests.factories.applications import pdf_bytes
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    COMMENT_CLOSES,
    IN_PUBLICITY,
    close_comment,
    comment_on,
    decided,
    first_ballot,
    object_to,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
    working_group,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def reviewed(cycle, office):
    return reviewed_dossiers(office, cycle)


def test_the_notice_is_drafted_previewed_and_published_after_a_confirmation(
    client, cycle, office, reviewed
):
    client.force_login(office)
    url = f"/office/rounds/{cycle.pk}/results/"
    text = page(client, url)
    assert reviewed[0].applicant_name in text and "发布…" not in text  # nothing saved yet
    form = {
        "title": "第三届评审结果公示",
        "body": "现予公示。",
        "show_sector": "on",
        "show_score": "on",
    }
    preview = client.post(url, {**form, "action": "preview"})
    assert "综合得分" in preview.content.decode()  # the score column is previewed
    assert not ResultsNotice.objects.exists()  # a preview saves nothing
    response = client.post(url, {**form, "action": "save"})
    assert response.status_code == 302
    notice = ResultsNotice.objects.get(cycle=cycle)
    assert (notice.show_score, notice.show_rank, notice.show_district) == (True, False, False)
    event = AuditEvent.objects.filter(action=Action.NOTICE_SAVED).latest("id")
    assert (event.actor, event.target_id) == (office, str(cycle.pk))
    # a stale form (somebody saved since) is refused with a message, nothing changes
    stale = client.post(
        url,
        {
            **form,
            "title": "过时的标题",
            "action": "save",
            "updated_at": "2026-01-01T00:00:00+08:00",
        },
    )
    assert stale.status_code == 200 and "其他人" in stale.content.decode()
    assert ResultsNotice.objects.get().title == "第三届评审结果公示"

    confirm = client.post(url, {"action": "publish"})
    assert confirm.status_code == 200 and "尚未作任何更改" in confirm.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.EXPERT_REVIEW
    client.post(url, {"action": "publish", "confirmed": "yes"})
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLIC_COMMENT
    text = page(client, url)
    notice.refresh_from_db()
    assert notice.document.number in text and "2026年6月3日" in text  # the first day
    assert (
        f'href="/results/{cycle.pk}/"' in text and f'href="/results/{cycle.pk}/notice.pdf"' in text
    )
    assert "<textarea" not in text  # read-only once published
    # the double click: a second confirmation changes nothing and says why
    again = client.post(url, {"action": "publish", "confirmed": "yes"}, follow=True)
    assert "已经发布" in messages_of(again)
    assert AuditEvent.objects.filter(action=Action.NOTICE_PUBLISHED).count() == 1


def test_comments_are_read_weighed_twice_and_the_period_closes(
    client, cycle, office, auditor, reviewed, june_2026
):
    notice = publish_results(office, cycle)
    comment = comment_on(notice, reviewed[0], files=[pdf_upload_named("投诉证据.pdf")])
    client.force_login(office)
    listing = page(client, f"/office/rounds/{cycle.pk}/comments/")
    assert comment.receipt_number in listing and "139****5678" in listing
    assert "13912345678" not in listing  # the list masks; the detail shows it
    assert "共收到1条意见" in listing and "1条尚未处理" in listing
    detail = page(client, f"/office/comments/{comment.pk}/")
    assert "13912345678" in detail
    opened = AuditEvent.objects.filter(action=Action.COMMENT_OPENED).latest("id")
    assert (opened.actor, opened.details["receipt"]) == (office, comment.receipt_number)

    # the evidence file: a checked, logged attachment
    stored = comment.files.get()
    response = client.get(f"/office/comments/{comment.pk}/files/{stored.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=Action.FILE_DOWNLOADED, actor=office, details__receipt=comment.receipt_number
    ).exists()

    # weighing: a bad form is a message, a good one is recorded; a double click is one
    bad = client.post(f"/office/comments/{comment.pk}/", {"decision": "maybe", "reason": ""})
    assert bad.status_code == 200 and not CommentWeighing.objects.exists()
    first = {"decision": "referred", "reason": "转市场监管局核实", "after": "0"}
    assert client.post(f"/office/comments/{comment.pk}/", first).status_code == 302
    twice = client.post(f"/office/comments/{comment.pk}/", first, follow=True)
    assert "已经处理" in messages_of(twice)
    assert CommentWeighing.objects.count() == 1
    latest = CommentWeighing.objects.get()
    client.post(
        f"/office/comments/{comment.pk}/",
        {"decision": "taken", "reason": "经核实属实", "after": str(latest.pk)},
    )
    detail = page(client, f"/office/comments/{comment.pk}/")
    assert "转市场监管局核实" in detail and "经核实属实" in detail  # both stand
    assert CommentWeighing.objects.count() == 2

    # the auditor reads, audited, sees the contact masked, and cannot weigh
    client.force_login(auditor)
    detail = page(client, f"/office/comments/{comment.pk}/")
    assert "139****5678" in detail and "13912345678" not in detail and "<textarea" not in detail
    assert AuditEvent.objects.filter(action=Action.COMMENT_OPENED, actor=auditor).exists()
    refused = client.post(f"/office/comments/{comment.pk}/", {**first, "after": ""})
    assert refused.status_code == 403 and CommentWeighing.objects.count() == 2

    # closing: too early, the guard says until when; then it closes after a confirmation
    client.force_login(office)
    listing = page(client, f"/office/rounds/{cycle.pk}/comments/")
    assert "2026年7月15日" in listing
    too_early = client.post(
        f"/office/rounds/{cycle.pk}/comments/", {"action": "close", "confirmed": "yes"}, follow=True
    )
    assert "2026年7月15日" in messages_of(too_early)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLIC_COMMENT
    june_2026.move_to(COMMENT_CLOSES)
    client.force_login(office)  # a session lasts a working day
    client.post(f"/office/rounds/{cycle.pk}/comments/", {"action": "close", "confirmed": "yes"})
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.GROUP_VOTE


def pdf_upload_named(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def ranking_form(rows: dict, *, kind="organisation", order=None, **extra) -> dict:
    """rows: {dossier: (place, on_list, reason)}."""
    data = {f"order_{kind}": ",".join(str(d.pk) for d in (order or rows))}
    data["order_individual"] = ""
    for dossier, (place, on_list, reason) in rows.items():
        data[f"place_{dossier.pk}"] = str(place)
        if on_list:
            data[f"list_{dossier.pk}"] = "on"
        data[f"reason_{dossier.pk}"] = reason
    return {**data, **extra}


def test_the_office_ranks_with_a_move_citing_a_comment_and_submits_the_list(
    client, cycle, office, reviewed, june_2026
):
    notice = publish_results(office, cycle)
    comment = comment_on(notice, reviewed[1], text="该企业获得省级质量荣誉，建议上调。")
    close_comment(office, cycle, june_2026, [comment])
    best, second, third = reviewed[2], reviewed[1], reviewed[0]  # 80, 70, 60
    client.force_login(office)
    # the round's hub: the comment is done, the vote is now, its pages one click away
    hub = page(client, f"/office/cycles/{cycle.pk}/")
    for href in ("ranking/", "group/", "meeting/", "results/", "comments/"):
        assert f'href="/office/rounds/{cycle.pk}/{href}"' in hub, href
    current = re.findall(r'aria-current="step">\s*<h3>([^<]*)<', hub)
    assert [c.strip() for c in current] == ["综合排序和专项工作组审议"]
    url = f"/office/rounds/{cycle.pk}/ranking/"
    text = page(client, url)
    assert text.index(best.applicant_name) < text.index(second.applicant_name)
    assert comment.receipt_number in text and "经核实属实" in text  # the weighing beside it

    # the down button moves the best below the second, unsaved
    moved = client.post(
        url,
        ranking_form(
            {best: (1, True, ""), second: (2, True, ""), third: (3, False, "")},
            move=f"{best.pk}:down",
        ),
    )
    moved_text = moved.content.decode()
    assert moved_text.index(second.applicant_name) < moved_text.index(best.applicant_name)
    assert not RankingEntry.objects.exists()
    # saving the move without a reason is refused, nothing saved
    refused = client.post(
        url,
        ranking_form(
            {second: (1, True, ""), best: (2, True, ""), third: (3, False, "")},
            order=[second, best, third],
            action="save",
        ),
    )
    assert refused.status_code == 200 and "理由" in refused.content.decode()
    assert not RankingEntry.objects.exists()
    # two candidates in one place is refused with a message
    clash = client.post(
        url,
        ranking_form(
            {best: (1, True, ""), second: (1, True, ""), third: (3, False, "")}, action="save"
        ),
    )
    assert clash.status_code == 200 and not RankingEntry.objects.exists()
    reason = f"依据公众意见{comment.receipt_number}调整"
    saved = client.post(
        url,
        ranking_form(
            {best: (2, True, reason), second: (1, True, reason), third: (3, False, "")},
            action="save",
        ),
    )
    assert saved.status_code == 302
    current = RankingEntry.objects.filter(superseded_at__isnull=True).order_by("position")
    assert [e.dossier_id for e in current] == [second.pk, best.pk, third.pk]
    assert current[0].reason == reason and current[1].review_position == 1

    confirm = client.post(url, {"action": "submit"})
    assert "尚未作任何更改" in confirm.content.decode() and not CandidateList.objects.exists()
    client.post(url, {"action": "submit", "confirmed": "yes"})
    candidates = CandidateList.objects.get(cycle=cycle)
    assert Dossier.objects.get(pk=third.pk).state == DossierState.NOT_SHORTLISTED
    text = page(client, url)
    assert candidates.report_document.number in text and "<textarea" not in text

    report = pdf_text(client.get(f"/office/rounds/{cycle.pk}/report.pdf"))
    assert candidates.report_document.number in report
    assert comment.receipt_number in report and reason in report.replace("\n", "")
    assert "张三" not in report  # the commenter's identity stays with the office
    listing = pdf_text(client.get(f"/office/rounds/{cycle.pk}/candidates.pdf"))
    assert second.applicant_name in listing and third.applicant_name not in listing
    opened = AuditEvent.objects.filter(action=Action.FILE_DOWNLOADED, actor=office)
    assert {e.details.get("document") for e in opened} >= {
        candidates.report_document.number,
        candidates.list_document.number,
    }


def test_roster_meeting_paper_ballots_second_ballot_and_minutes(
    client, cycle, office, reviewed, june_2026
):
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    rank_and_submit(office, cycle)  # the best two on the list
    client.force_login(office)
    roster = f"/office/rounds/{cycle.pk}/group/"
    people = [
        UserFactory(username=f"wgp{n}", display_name=f"成员{n}", role="working_group")
        for n in range(4)
    ]
    expert = UserFactory(username="not_a_member", role="expert")
    text = page(client, roster)
    assert "成员0" in text and expert.display_name not in text  # only group accounts offered
    for n, user in enumerate(people):
        client.post(
            roster,
            {
                "action": "add",
                "user": user.pk,
                "position": "leader" if n == 0 else "member",
                "department": "市发展改革委",
                "since": "2026-07-01",
            },
        )
    assert GroupMember.objects.filter(cycle=cycle, until__isnull=True).count() == 4
    refused = client.post(
        roster,
        {
            "action": "add",
            "user": expert.pk,
            "position": "member",
            "department": "x",
            "since": "2026-07-01",
        },
    )
    assert refused.status_code == 200 and GroupMember.objects.count() == 4
    leaving = GroupMember.objects.get(user=people[3])
    client.post(
        roster, {"action": "end", "member": leaving.pk, f"e{leaving.pk}-until": "2026-07-10"}
    )
    leaving.refresh_from_db()
    assert leaving.until == date(2026, 7, 10)
    text = page(client, roster)
    assert "2026年7月10日" in text  # the past member, dated
    members = list(GroupMember.objects.filter(cycle=cycle, until__isnull=True).order_by("id"))

    meeting_url = f"/office/rounds/{cycle.pk}/meeting/"
    text = page(client, meeting_url)
    # the default rules are offered
    assert '<option value="more_than_half" selected>全体成员过半数出席</option>' in text
    assert '<option value="half_present" selected>出席成员过半数同意</option>' in text
    client.post(
        meeting_url,
        {
            "action": "schedule",
            "held_on": "2026-07-20T14:30",
            "place": "市政府三楼会议室",
            "agenda": "审议拟授奖名单",
            "quorum_rule": "more_than_half",
            "decision_rule": "half_present",
        },
    )
    meeting = Meeting.objects.get(cycle=cycle)
    client.post(
        meeting_url,
        {
            "action": "edit",
            "held_on": "2026-07-21T09:00",
            "place": "二楼",
            "agenda": "审议",
            "quorum_rule": "more_than_half",
            "decision_rule": "half_present",
        },
    )
    meeting.refresh_from_db()
    assert meeting.place == "二楼"
    # one of three present is no quorum: refused with the rule's text; two of three opens
    no_quorum = client.post(
        meeting_url, {"action": "open", "present": [members[0].pk]}, follow=True
    )
    assert "1" in messages_of(no_quorum) and Meeting.objects.get().state == MeetingState.SCHEDULED
    client.post(meeting_url, {"action": "open", "present": [members[0].pk, members[1].pk]})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.OPEN
    ballot = first_ballot(meeting)
    two = list(ballot.candidates.order_by("number"))

    # member 0 votes in the portal; the office records member 1's paper ballot
    vote_cast(actor=members[0].user, ballot=ballot, choices={two[0].pk: "yes", two[1].pk: "yes"})
    ballot_url = f"/office/ballots/{ballot.pk}/"
    text = page(client, ballot_url)
    assert "已投票" in text and "尚未投票" in text  # who has voted ...
    assert "计票结果" not in text and "有表决权人数" not in text  # ... never how
    prefix = f"m{members[1].pk}"
    client.post(
        ballot_url,
        {
            "action": "paper",
            "member": members[1].pk,
            f"{prefix}-c{two[0].pk}": "yes",
            f"{prefix}-c{two[1].pk}": "yes",
        },
    )
    paper = Vote.objects.filter(member=members[1])
    assert paper.count() == 2 and all(v.on_paper and v.recorded_by == office for v in paper)
    # a second paper ballot for the same member is refused, nothing added
    again = client.post(
        ballot_url,
        {
            "action": "paper",
            "member": members[1].pk,
            f"{prefix}-c{two[0].pk}": "no",
            f"{prefix}-c{two[1].pk}": "no",
        },
        follow=True,
    )
    assert Vote.objects.filter(member=members[1]).count() == 2
    assert "该成员在本轮表决中的选票已经记录。" in messages_of(again)
    # a tie at the quota's edge (quota 1, both 2 yes) opens a recorded second ballot
    response = client.post(ballot_url, {"action": "close"}, follow=True)
    runoff = meeting.ballots.get(number=2)
    assert response.redirect_chain[-1][0] == f"/office/ballots/{runoff.pk}/"
    assert runoff.reason in response.content.decode()
    vote_cast(actor=members[0].user, ballot=runoff, choices={two[0].pk: "yes", two[1].pk: "no"})
    vote_cast(actor=members[1].user, ballot=runoff, choices={two[0].pk: "yes", two[1].pk: "no"})
    client.post(f"/office/ballots/{runoff.pk}/", {"action": "close"})
    # the tallies stay hidden until the meeting closes
    closed_ballot = page(client, f"/office/ballots/{runoff.pk}/")
    assert "会议结束后显示计票结果。" in closed_ballot and "有表决权人数" not in closed_ballot
    client.post(meeting_url, {"action": "close", "confirmed": "yes"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED and meeting.minutes is not None
    assert Dossier.objects.get(pk=two[0].pk).state == DossierState.PROPOSED
    text = page(client, meeting_url)
    assert meeting.minutes.number in text

    minutes = pdf_text(client.get(f"/office/meetings/{meeting.pk}/minutes.pdf"))
    flat = minutes.replace("\n", "")
    for expected in (
        meeting.minutes.number,
        "会议纪要",
        "出席",
        "缺席",
        "第2轮表决",
        two[0].applicant_name,
    ):
        assert expected in flat, expected
    # the organisation's one place is filled; the individuals' stays vacant (no candidate)
    assert f"组织（名额1名）：{two[0].number} {two[0].applicant_name}。" in flat
    assert "个人（名额1名）：无；空缺1名。" in flat


def test_publicity_objection_to_a_group_decision_end_and_approval(
    client, cycle, office, reviewed, june_2026
):
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    rank_and_submit(office, cycle)
    members = working_group(office, cycle)
    winner = reviewed[2]
    decided(office, cycle, members, winner=winner)
    client.force_login(office)  # a session lasts a working day
    url = f"/office/rounds/{cycle.pk}/publicity/"
    text = page(client, url)
    assert "2026年7月21日" in text and "2026年7月29日" in text  # the period it will get
    client.post(url, {"action": "publish", "title": "拟授奖名单公示", "body": "现予公示。"})
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.GROUP_VOTE  # asked to confirm
    client.post(
        url,
        {"action": "publish", "title": "拟授奖名单公示", "body": "现予公示。", "confirmed": "yes"},
    )
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLICITY

    june_2026.move_to(IN_PUBLICITY)
    client.force_login(office)  # a session lasts a working day

    objection = object_to(PublicityNotice.objects.get(), winner)
    text = page(client, url)
    assert objection.receipt_number in text and "公示期" in text
    detail = page(client, f"/office/objections/{objection.pk}/")
    assert objection.id_number_masked in detail
    assert objection.name in detail and "13800001111" in detail
    letter = client.get(f"/office/objections/{objection.pk}/files/{objection.files.get().pk}/")
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    assert client.get(f"/office/objections/{objection.pk}/files/letter/").status_code == 404
    assert (
        client.get(f"/office/objections/{objection.pk}/files/99999999999999999999/").status_code
        == 404
    )
    assert AuditEvent.objects.filter(
        action=Action.COMMENT_OPENED, details__objection=objection.receipt_number
    ).exists()

    detail_url = f"/office/objections/{objection.pk}/"
    early = client.post(
        detail_url, {"action": "finding", "founded": "yes", "finding": "属实"}, follow=True
    )
    assert "请先记录至少一项调查措施，再作出核实结论。" in messages_of(early)
    client.post(detail_url, {"action": "step", "text": "调取企业质量记录并约谈"})
    client.post(
        detail_url, {"action": "finding", "founded": "yes", "finding": "经核实，异议属实。"}
    )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.FOUNDED
    # too few members agreeing is refused; more than half cancels the candidacy
    group = {
        "action": "group",
        "cancel": "yes",
        "method": "written",
        "decided_on": "2026-07-24",
        "record": "书面表决，取消候选资格",
    }
    few = client.post(detail_url, {**group, "agreed": [members[0].pk, members[1].pk]}, follow=True)
    assert "半数" in messages_of(few) and not GroupDecision.objects.exists()
    client.post(detail_url, {**group, "agreed": [m.pk for m in members[:3]]})
    assert Dossier.objects.get(pk=winner.pk).state == DossierState.CANCELLED_AFTER_OBJECTION

    text = page(client, url)
    assert "公示期至2026年7月29日24时止。" in text  # why it cannot end yet
    june_2026.move_to(AFTER_PUBLICITY)
    client.force_login(office)
    client.post(
        url, {"action": "end", "outcome": "公示期满，取消一名候选对象资格。", "confirmed": "yes"}
    )
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.APPROVAL

    approval_url = f"/office/rounds/{cycle.pk}/approval/"
    text = page(client, approval_url)
    assert "批复文号" in text
    scan = pdf_upload_named("批复.pdf")
    response = client.post(
        approval_url,
        {"document_number": "二政字〔2026〕88号", "approved_on": "2026-07-30", "scan": scan},
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.AWARDED
    assert not Award.objects.exists()  # the only proposed candidate was cancelled
    scan_response = client.get(f"/office/rounds/{cycle.pk}/approval/scan/")
    assert b"".join(scan_response.streaming_content).startswith(b"%PDF")
    text = page(client, f"/office/rounds/{cycle.pk}/awards/")
    assert "空缺" in text
