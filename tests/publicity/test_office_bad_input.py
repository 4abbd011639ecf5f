"""What a clerk mistypes or a tampered form sends to the office's pages: a clear message in
the clerk's language (or 404 for an id that names nothing), nothing changed, never a
server error."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.enums import CycleState
from applications.models import Cycle, Dossier
from publicity.models import (
    Approval,
    Award,
    GroupDecision,
    GroupMember,
    Meeting,
    PublicityNotice,
    RankingEntry,
    ResultsNotice,
    Vote,
)
from publicity.services.publicity import objection_decide, objection_investigate, publicity_end
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    IN_PUBLICITY,
    approve,
    close_comment,
    decided,
    first_ballot,
    meeting_in_session,
    object_to,
    publicise,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
    working_group,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def body(response) -> str:
    assert response.status_code != 500
    text = response.content.decode()
    if response.context and "messages" in response.context:
        text += " ".join(str(m) for m in response.context["messages"])
    return text


def test_the_notice_form_refuses_a_title_on_two_lines_and_an_empty_text(client, cycle, office):
    reviewed_dossiers(office, cycle, prefix="org_b")
    client.force_login(office)
    url = f"/office/rounds/{cycle.pk}/results/"
    response = client.post(url, {"action": "save", "title": "标题\n第二行", "body": ""})
    text = body(response)
    assert response.status_code == 200 and "请在一行内填写" in text and "这个字段是必填项" in text
    assert not ResultsNotice.objects.exists()
    assert client.post(url, {"action": "erase", "title": "t", "body": "b"}).status_code == 404
    assert not ResultsNotice.objects.exists()


@pytest.fixture
def ranking_open(cycle, office, june_2026):
    reviewed = reviewed_dossiers(office, cycle, prefix="org_b")
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    return list(reversed(reviewed))  # the review's order


@pytest.mark.parametrize(
    ("places", "order", "message"),
    [
        (("abc", "2", "3"), None, "从1到3的不同序号"),
        (("0", "2", "3"), None, "从1到3的不同序号"),
        (("99999999999999999999999", "2", "3"), None, "从1到3的不同序号"),
        (("4", "2", "3"), None, "从1到3的不同序号"),
        (("1", "1", "3"), None, "从1到3的不同序号"),
        (("1", "2", "3"), "1,2", "发生了变化"),  # a tampered or stale list of candidates
        (("1", "2", "3"), "x,y,z", "发生了变化"),
    ],
)
def test_the_ranking_refuses_wrong_places_with_a_message(
    client, cycle, office, ranking_open, places, order, message
):
    client.force_login(office)
    data = {
        "action": "save",
        "order_organisation": order or ",".join(str(d.pk) for d in ranking_open),
        "order_individual": "",
    }
    for dossier, place in zip(ranking_open, places, strict=True):
        data[f"place_{dossier.pk}"] = place
    response = client.post(f"/office/rounds/{cycle.pk}/ranking/", data)
    assert response.status_code == 200 and message in body(response)
    assert not RankingEntry.objects.exists()


def test_the_ranking_speaks_english_to_an_english_reader(client, cycle, office, ranking_open):
    client.force_login(office)
    client.cookies["django_language"] = "en"
    data = {"action": "save", "order_organisation": "", "order_individual": ""}
    response = client.post(f"/office/rounds/{cycle.pk}/ranking/", data)
    assert "has changed since the page was opened" in body(response)
    assert not RankingEntry.objects.exists()


def test_roster_and_meeting_forms_refuse_garbage(client, cycle, office, ranking_open):
    client.force_login(office)
    roster = f"/office/rounds/{cycle.pk}/group/"
    for form in (
        {"user": "abc", "position": "member", "department": "x", "since": "2026-07-01"},
        {"user": "99999999", "position": "member", "department": "x", "since": "2026-07-01"},
        {"user": "", "position": "chair", "department": "", "since": "2026-13-45"},
        {"user": "", "position": "member", "department": "x", "since": "9999-01-01"},
    ):
        response = client.post(roster, {"action": "add", **form})
        text = body(response)
        assert response.status_code == 200 and ("form-errors" in text or "errorlist" in text)
    for member in ("abc", "99999999999999999999999", ""):
        response = client.post(roster, {"action": "end", "member": member})
        assert response.status_code == 404
    assert not GroupMember.objects.exists()

    meeting = f"/office/rounds/{cycle.pk}/meeting/"
    for held_on in ("tomorrow", "9999-01-01T10:00", ""):
        response = client.post(
            meeting,
            {
                "action": "schedule",
                "held_on": held_on,
                "place": "会议室",
                "agenda": "审议",
                "quorum_rule": "most",
                "decision_rule": "half_present",
            },
        )
        text = body(response)
        assert response.status_code == 200 and "errorlist" in text
    assert not Meeting.objects.exists()
    assert client.post(meeting, {"action": "open"}).status_code == 404  # nothing scheduled


def test_paper_ballot_forms_refuse_garbage(client, cycle, office, ranking_open):
    rank_and_submit(office, cycle)
    members = working_group(office, cycle, n=3)
    ballot = first_ballot(meeting_in_session(office, cycle, members))
    client.force_login(office)
    url = f"/office/ballots/{ballot.pk}/"
    assert client.post(url, {"action": "paper", "member": "x"}).status_code == 404
    assert client.post(url, {"action": "paper", "member": "999999"}).status_code == 404
    prefix = f"m{members[0].pk}"
    response = client.post(
        url,
        {
            "action": "paper",
            "member": members[0].pk,
            **{f"{prefix}-c{d.pk}": "perhaps" for d in ballot.candidates.all()},
        },
    )
    assert response.status_code == 200 and "errorlist" in body(response)
    assert client.post(url, {"action": "recount"}).status_code == 404
    assert not Vote.objects.exists()


def test_objection_approval_and_award_forms_refuse_garbage(
    client, cycle, office, ranking_open, june_2026
):
    rank_and_submit(office, cycle)
    members = working_group(office, cycle)
    decided(office, cycle, members, winner=ranking_open[0])
    publicise(office, cycle)
    june_2026.move_to(IN_PUBLICITY)
    objection = object_to(PublicityNotice.objects.get(), ranking_open[0])
    objection_investigate(actor=office, objection=objection, text="核查")
    objection_decide(actor=office, objection=objection, founded=True, finding="属实")
    client.force_login(office)
    url = f"/office/objections/{objection.pk}/"
    response = client.post(
        url,
        {
            "action": "group",
            "cancel": "perhaps",
            "method": "telepathy",
            "agreed": ["999999", "abc"],
            "decided_on": "2026-02-30",
            "record": "",
        },
    )
    assert response.status_code == 200 and "errorlist" in body(response)
    assert not GroupDecision.objects.exists()
    # agreement from a member not offered (e.g. a past member's id) is refused the same way
    assert client.post(url, {"action": "dismiss"}).status_code == 404

    objection.refresh_from_db()
    from publicity.services.publicity import group_decide

    group_decide(
        actor=office,
        objection=objection,
        cancel=False,
        method="written",
        agreed=members[:3],
        decided_on=date(2026, 7, 24),
        record="维持",
    )
    june_2026.move_to(AFTER_PUBLICITY)
    publicity_end(actor=office, cycle=cycle, outcome="维持")
    client.force_login(office)
    approval = f"/office/rounds/{cycle.pk}/approval/"
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        approval,
        {"document_number": "二政字〔2026〕88号", "approved_on": "2026-07-30", "scan": fake},
    )
    assert response.status_code == 200 and "内容" in body(response)
    for day, says in (("2026-12-31", "不能晚于今天"), ("2026-07-20", "不能早于公示期结束日")):
        response = client.post(
            approval,
            {"document_number": "二政字〔2026〕88号", "approved_on": day, "scan": fake},
        )
        assert response.status_code == 200 and says in body(response)
    response = client.post(approval, {"document_number": "", "approved_on": "2026-08-33"})
    assert response.status_code == 200 and "errorlist" in body(response)
    assert not Approval.objects.exists()
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.APPROVAL

    approve(office, cycle)
    award = Award.objects.get()
    awards = f"/office/rounds/{cycle.pk}/awards/"
    assert client.post(awards, {"action": "pay", "award": "abc"}).status_code == 404
    response = client.post(
        awards, {"action": "pay", "award": award.pk, f"y{award.pk}-paid_on": "2027-02-30"}
    )
    assert response.status_code == 200 and "errorlist" in body(response)
    response = client.post(
        awards,
        {
            "action": "pay",
            "award": award.pk,
            f"y{award.pk}-paid_on": "2026-07-30",  # today, but before the budget year
            f"y{award.pk}-reference": "财付1号",
        },
        follow=True,
    )
    assert "2027年度预算" in body(response)
    award.prize.refresh_from_db()
    assert award.prize.paid_on is None
    response = client.post(
        awards,
        {
            "action": "plaque",
            "award": award.pk,
            f"p{award.pk}-delivered_on": "2026-07-29",  # before the approval
            f"p{award.pk}-received_by": "王经理",
        },
        follow=True,
    )
    assert "不能早于批复日期" in body(response)
    response = client.post(
        awards,
        {
            "action": "plaque",
            "award": award.pk,
            f"p{award.pk}-delivered_on": "2026-08-15",
            f"p{award.pk}-received_by": "王经理",
        },
    )
    assert response.status_code == 200 and "日期尚未到来" in body(response)
    assert Award.objects.get().plaque_delivered_on is None
    assert Dossier.objects.filter(state="awarded").count() == 1
