"""The working group's pages: the home, the round, a candidate's summary, a conflict
declaration and the vote; who may see what (persona by URL), and that nothing leaks: not
a vote or a tally before the close, not who commented, not a file of the dossier."""

import pytest
from django.urls import reverse

from applications.models import Dossier
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.models import Ballot, MemberConflict, RankingEntry, Vote
from publicity.services.group import ballot_close, conflict_declare, meeting_close, open_ballots
from publicity.services.group import vote_cast as service_vote
from tests.factories import ApplicantFactory
from tests.factories.applications import organisation_for
from tests.factories.group import (
    COMMENT_TEXT,
    COMMENTER,
    WEIGHING_REASON,
    four_candidates,
    open_meeting,
)
from tests.helpers import pdf_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FILE_TITLES = ["核心工艺", "自我评价报告", "申报表"]
PRIVATE = [COMMENTER["name"], COMMENTER["phone"], COMMENTER["organisation"], *FILE_TITLES]


@pytest.fixture
def group(cycle, office, applicant, person_user, june_2026):
    return four_candidates(office, cycle, june_2026, applicant, person_user)


def ballot_of(group, kind) -> Ballot:
    return open_ballots(group.meeting).get(kind=kind)


def main_text(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def vote_data(dossiers, choice="yes") -> dict:
    return {f"candidate_{d.pk}": choice for d in dossiers}


def test_pages_by_persona_before_the_close(client, group, office, persona):
    """Status per persona and URL while the meeting is in session and votes are being
    cast; no page shows a vote, a tally, a commenter or a file."""
    m = group.members
    d0, d1, d2, _person = group.dossiers
    conflict_declare(actor=m[4].user, cycle=group.cycle, dossier=d0, note="系该企业股东")
    open_meeting(office, group.meeting, m, absent=[m[3]])
    org_ballot = ballot_of(group, "organisation")
    service_vote(
        actor=m[0].user, ballot=org_ballot, choices={d0.pk: "no", d1.pk: "yes", d2.pk: "abstain"}
    )
    urls = {
        "home": reverse("publicity:group-home"),
        "round": reverse("publicity:group-round", args=[group.cycle.pk]),
        "summary_d0": reverse("publicity:group-dossier", args=[group.cycle.pk, d0.pk]),
        "summary_d1": reverse("publicity:group-dossier", args=[group.cycle.pk, d1.pk]),
        "conflict_d0": reverse("publicity:group-conflict", args=[group.cycle.pk, d0.pk]),
        "conflict_d1": reverse("publicity:group-conflict", args=[group.cycle.pk, d1.pk]),
        "vote_org": reverse("publicity:group-vote", args=[org_ballot.pk]),
        "vote_person": reverse("publicity:group-vote", args=[ballot_of(group, "individual").pk]),
    }
    everything = dict.fromkeys(urls, 200)
    expected = {
        "anonymous": dict.fromkeys(urls, 302),
        **{
            name: dict.fromkeys(urls, 403)
            for name in [
                "applicant",
                "other_applicant",
                "office",
                "auditor",
                "expert",
                "agency",
                "mobiliser",
            ]
        },
        # a working-group account that is not on this round's roster
        "working_group": {**dict.fromkeys(urls, 404), "home": 200},
        "member": everything,
        "recused": {**everything, "summary_d0": 404, "conflict_d0": 404},
    }
    users = {"member": m[0].user, "recused": m[4].user}
    minutes = f"/office/meetings/{group.meeting.pk}/minutes.pdf"
    for name, statuses in expected.items():
        user = users.get(name) or persona(name)
        client.logout()
        if user is not None:
            client.force_login(user)
        for key, url in urls.items():
            response = client.get(url)
            assert response.status_code == statuses[key], (name, key, response.status_code)
            if response.status_code != 200:
                assert COMMENTER["name"] not in response.content.decode()
                continue
            page = main_text(response)
            for secret in PRIVATE:
                assert secret not in page, (name, key, secret)
            assert minutes not in page, (name, key)
            assert response.context.get("result") is None, (name, key)
            round_context = response.context.get("r")
            assert round_context is None or round_context["result"] is None
            if name == "recused":
                assert d0.applicant_name not in page and d0.number not in page, key
    # the summary shows the public comment and its weighing, never who wrote it
    client.force_login(m[0].user)
    summary = main_text(client.get(urls["summary_d0"]))
    assert COMMENT_TEXT in summary and WEIGHING_REASON in summary
    assert group.comment.receipt_number in summary
    # the member who voted sees that the votes are recorded, not how anyone voted
    vote_page = client.get(urls["vote_org"])
    assert vote_page.context["voted_at"] is not None
    assert "<form" not in main_text(vote_page)


def test_vote_once_secretly_then_tallies_after_the_close(client, group, office):
    m = group.members
    d0, d1, d2, person = group.dossiers
    conflict_declare(actor=m[4].user, cycle=group.cycle, dossier=d0, note="系该企业股东")
    open_meeting(office, group.meeting, m, absent=[m[3]])
    ballot = ballot_of(group, "organisation")
    url = reverse("publicity:group-vote", args=[ballot.pk])

    client.force_login(m[1].user)
    form = client.get(url).context["form"]
    assert [d.pk for d in form.candidates] == [d0.pk, d1.pk, d2.pk]
    # a candidate left out: a clear message naming it, nothing recorded
    response = client.post(url, vote_data([d0, d1]))
    assert response.status_code == 400
    assert d2.applicant_name in main_text(response)
    response = client.post(url, {**vote_data([d0, d1]), f"candidate_{d2.pk}": "maybe"})
    assert response.status_code == 400
    assert not Vote.objects.filter(ballot=ballot).exists()

    response = client.post(url, {**vote_data([d0, d1]), f"candidate_{d2.pk}": "no"})
    assert response.status_code == 302
    assert dict(Vote.objects.filter(member=m[1]).values_list("dossier", "choice")) == {
        d0.pk: "yes",
        d1.pk: "yes",
        d2.pk: "no",
    }
    event = AuditEvent.objects.filter(action=Action.VOTE_CAST).latest("pk")
    assert event.actor_id == m[1].user.pk and event.target_id == str(group.cycle.pk)
    assert "no" not in str(event.details.get("choices", ""))
    # a second submission (a double click, a change of mind) is refused; nothing changes
    response = client.post(url, vote_data([d0, d1, d2], "abstain"))
    assert response.status_code == 409
    assert "不能重复" in main_text(response) or "cannot be cast twice" in main_text(response)
    assert Vote.objects.filter(member=m[1]).count() == 3
    assert not Vote.objects.filter(member=m[1], choice="abstain").exists()

    # a member recorded as absent has no form and cannot vote
    client.force_login(m[3].user)
    assert client.get(url).context["present"] is False
    response = client.post(url, vote_data([d0, d1, d2]))
    assert response.status_code == 409
    assert not Vote.objects.filter(member=m[3]).exists()

    # the recused member's form has no field for that candidate; one sent anyway is ignored
    client.force_login(m[4].user)
    form = client.get(url).context["form"]
    assert f"candidate_{d0.pk}" not in form.fields
    assert d0.applicant_name not in main_text(client.get(url))
    assert client.post(url, vote_data([d0, d1, d2])).status_code == 302
    assert set(Vote.objects.filter(member=m[4]).values_list("dossier", flat=True)) == {
        d1.pk,
        d2.pk,
    }

    # before the close no member sees a tally anywhere
    client.force_login(m[2].user)
    for page in [
        url,
        reverse("publicity:group-round", args=[group.cycle.pk]),
        reverse("publicity:group-home"),
    ]:
        response = client.get(page)
        assert response.context.get("result") is None
        assert response.context.get("r") is None or response.context["r"]["result"] is None
    client.post(url, vote_data([d0, d1, d2], "no"))
    client.force_login(m[0].user)
    client.post(url, vote_data([d0, d1, d2]))
    for member in [m[0], m[1], m[2], m[4]]:
        choices = {
            person.pk: "yes",
        }
        service_vote(actor=member.user, ballot=ballot_of(group, "individual"), choices=choices)
    assert ballot_close(actor=office, ballot=ballot) is None
    assert ballot_close(actor=office, ballot=ballot_of(group, "individual")) is None
    meeting_close(actor=office, meeting=group.meeting)

    # after the close: the tallies, the decided list and the minutes
    client.force_login(m[2].user)
    response = client.get(reverse("publicity:group-round", args=[group.cycle.pk]))
    result = response.context["r"]["result"]
    rows = {row.dossier.pk: row for b in result["ballots"] for row in b.rows}
    assert (rows[d0.pk].yes, rows[d0.pk].no, rows[d0.pk].eligible) == (2, 1, 3)
    assert (rows[d1.pk].yes, rows[d1.pk].no, rows[d1.pk].eligible) == (3, 1, 4)
    assert rows[d1.pk].outcome == "proposed"
    page = main_text(response)
    assert f"/office/meetings/{group.meeting.pk}/minutes.pdf" in page
    decided = {row["dossier"].pk for lst in result["decided"] for row in lst["rows"]}
    assert decided == {d1.pk, person.pk}
    # the recused member sees the tallies without that candidate's name or figures
    client.force_login(m[4].user)
    page = main_text(client.get(reverse("publicity:group-round", args=[group.cycle.pk])))
    assert d0.applicant_name not in page and d1.applicant_name in page
    assert "您已申请回避" in page
    # and so do the minutes: the recused member's copy leaves that candidate out
    minutes = f"/office/meetings/{group.meeting.pk}/minutes.pdf"
    own_copy = pdf_text(client.get(minutes).content)
    assert d0.applicant_name not in own_copy and d1.applicant_name in own_copy
    assert "本轮另有1名申报对象，因您声明回避" in own_copy and "系该企业股东" not in own_copy
    client.force_login(m[2].user)
    full = pdf_text(client.get(minutes).content)
    assert d0.applicant_name in full and "因您声明回避" not in full and "回避对该申报对象" in full
    # a vote after the close is refused, nothing recorded
    client.force_login(m[1].user)
    before = Vote.objects.count()
    response = client.post(url, vote_data([d0, d1, d2]))
    assert response.status_code == 409
    assert "已结束" in main_text(response) or "closed" in main_text(response)
    assert Vote.objects.count() == before


def test_conflict_declaration_hides_the_candidate(client, group, office, working_group):
    m = group.members
    d0, d1, d2, _person = group.dossiers
    url = reverse("publicity:group-conflict", args=[group.cycle.pk, d1.pk])
    summary = reverse("publicity:group-dossier", args=[group.cycle.pk, d1.pk])

    # the office and a working-group account off the roster cannot declare for a member
    client.force_login(office)
    assert client.post(url, {"note": "股东"}).status_code == 403
    client.force_login(working_group)
    assert client.post(url, {"note": "股东"}).status_code == 404
    assert not MemberConflict.objects.exists()

    client.force_login(m[2].user)
    assert d1.applicant_name in main_text(client.get(url))
    response = client.post(url, {"note": "  "})
    assert response.status_code == 400
    assert not MemberConflict.objects.exists()
    response = client.post(url, {"note": "本人曾任该公司独立董事"})
    assert response.status_code == 302
    conflict = MemberConflict.objects.get()
    assert (conflict.member, conflict.dossier_id) == (m[2], d1.pk)
    event = AuditEvent.objects.filter(action=Action.MEMBER_RECUSED).latest("pk")
    assert event.actor_id == m[2].user.pk and event.target_id == str(d1.pk)
    # from now on: the same 404 as for a dossier the member may not know
    assert client.get(summary).status_code == 404
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("publicity:group-dossier", args=[group.cycle.pk, 999999])).status_code
        == 404
    )
    page = main_text(client.get(reverse("publicity:group-round", args=[group.cycle.pk])))
    assert "您已申请回避" in page
    assert d1.applicant_name not in page, page[page.index(d1.applicant_name) - 300 :][:400]
    # another member still sees it
    client.force_login(m[0].user)
    assert client.get(summary).status_code == 200

    # after voting on a candidate, a conflict is declared to the office instead
    open_meeting(office, group.meeting, m)
    ballot = ballot_of(group, "organisation")
    service_vote(actor=m[0].user, ballot=ballot, choices={d0.pk: "yes", d1.pk: "yes", d2.pk: "yes"})
    response = client.post(
        reverse("publicity:group-conflict", args=[group.cycle.pk, d2.pk]), {"note": "亲属任职"}
    )
    assert response.status_code == 400
    assert MemberConflict.objects.count() == 1


def test_round_page_queries_do_not_grow_with_the_candidates(
    client, group, office, django_assert_num_queries
):
    member = group.members[0]
    url = reverse("publicity:group-round", args=[group.cycle.pk])
    client.force_login(member.user)
    client.get(url)  # warm the caches (session, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # more rows on the list (read-only: the page only reads the frozen ranking)
    for n in range(6):
        user = ApplicantFactory(username=f"org_more{n}")
        organisation_for(user)
        # a bare row is enough: the page reads the frozen ranking, never the workflow
        dossier = Dossier.objects.create(
            cycle=group.cycle,
            kind="organisation",
            organisation=organisation_for(user),
            number=f"2026-Z-1{n:02d}",
            state="candidate",
        )
        RankingEntry.objects.create(
            cycle=group.cycle,
            dossier=dossier,
            kind="organisation",
            position=10 + n,
            review_position=10 + n,
            on_list=True,
            ranked_by=office,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert sum(len(rows) for _kind, rows in response.context["candidates"]) == 10
    assert len(many) == len(few)


def test_dashboard_and_navigation_of_a_member(client, group, office, applicant):
    member = group.members[0]
    client.force_login(member.user)
    page = main_text(client.get(reverse("web:dashboard")))
    assert group.cycle.name in page and "市政府三楼会议室" in page
    assert "将显示的内容" not in page and "What will appear here" not in page
    sections = client.get(reverse("web:dashboard")).context["nav_sections"]
    assert any(section.holds("publicity:group-home") for section in sections)
    for other in (office, applicant):
        client.force_login(other)
        sections = client.get(reverse("web:dashboard")).context["nav_sections"]
        assert not any(section.holds("publicity:group-home") for section in sections)


def test_candidate_summary_holds_no_personal_data_of_an_individual(client, group):
    person = group.dossiers[3]
    client.force_login(group.members[0].user)
    page = main_text(
        client.get(reverse("publicity:group-dossier", args=[group.cycle.pk, person.pk]))
    )
    individual = Dossier.objects.get(pk=person.pk).individual
    assert individual.full_name in page
    assert individual.phone not in page and individual.id_number_masked not in page
    assert "申报表" not in page
