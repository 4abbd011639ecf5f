"""Every page of the coordination office after the review, per persona: the office works,
the auditor reads, the round's working group reads the report, the list and the minutes,
everybody else learns nothing (403 for a page of the office, 404 for a document, log-in
for anonymous visitors) — and no response leaks a comment, its author, an objector or a
vote."""

import io

import pytest
from pypdf import PdfReader

from applications.models import Dossier
from award_portal.accounts.models import User
from award_portal.audit.models import AuditEvent
from publicity.models import (
    Approval,
    Comment,
    CommentWeighing,
    GroupMember,
    InvestigationStep,
    Meeting,
    Objection,
    PublicityNotice,
    RankingEntry,
    Vote,
)
from publicity.services.group import conflict_declare
from publicity.services.publicity import objection_decide, objection_investigate, publicity_end
from tests.factories.applications import pdf_upload
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    IN_PUBLICITY,
    approve,
    close_comment,
    comment_on,
    decided,
    first_ballot,
    meeting_in_session,
    object_to,
    publicise,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
)
from tests.factories.office_flow import (
    working_group as group_of,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

OFFICE_PAGE = {"office": 200, "auditor": 200, "anonymous": 302}  # everyone else: 403
DOCUMENT = {  # the working group's documents; everyone else: 404
    "office": 200,
    "auditor": 200,
    "member": 200,
    "recused": 200,
    "anonymous": 302,
}
OTHERS = [
    "member",
    "recused",
    "outsider_member",
    "expert",
    "agency",
    "mobiliser",
    "applicant",
    "other_applicant",
]
PERSONAS = ["office", "auditor", "anonymous", *OTHERS]


def fetch(client, user, url, method="get"):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def pdf_text(body: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\n", "")


@pytest.fixture
def whole_round(
    cycle, office, auditor, june_2026, working_group, expert, agency, mobiliser, other_applicant
):
    """A round from the review to the award: a comment with a file, a recused member, a
    meeting, an objection found unfounded, the approval and one award."""
    reviewed = reviewed_dossiers(office, cycle)
    winner = reviewed[2]  # the best by the review
    notice = publish_results(office, cycle)
    comment = comment_on(notice, winner, name="张三", phone="13912345678", files=[pdf_upload()])
    close_comment(office, cycle, june_2026, [comment])
    rank_and_submit(office, cycle)
    members = group_of(office, cycle)
    conflict_declare(actor=members[4].user, cycle=cycle, dossier=winner, note="系该企业股东")
    decided(office, cycle, members, winner=winner)
    publicise(office, cycle)
    june_2026.move_to(IN_PUBLICITY)
    objection = object_to(PublicityNotice.objects.get(), winner, name="李四", phone="13800001111")
    objection_investigate(actor=office, objection=objection, text="调取质量记录")
    objection_decide(actor=office, objection=objection, founded=False, finding="不成立")
    june_2026.move_to(AFTER_PUBLICITY)
    publicity_end(actor=office, cycle=cycle, outcome="公示期满，无异议成立。")
    approve(office, cycle)
    meeting = Meeting.objects.get(cycle=cycle)
    people = {
        "office": office,
        "auditor": auditor,
        "member": members[0].user,
        "recused": members[4].user,
        "outsider_member": working_group,
        "expert": expert,
        "agency": agency,
        "mobiliser": mobiliser,
        "applicant": User.objects.get(username="org_o2"),  # the winner's own account
        "other_applicant": other_applicant,
        "anonymous": None,
    }
    return {
        "cycle": cycle,
        "winner": winner,
        "comment": comment,
        "objection": objection,
        "meeting": meeting,
        "people": people,
    }


def urls_of(data) -> dict[str, tuple[str, dict]]:
    c = data["cycle"].pk
    comment, objection, meeting = data["comment"], data["objection"], data["meeting"]
    return {
        "notice": (f"/office/rounds/{c}/results/", OFFICE_PAGE),
        "comments": (f"/office/rounds/{c}/comments/", OFFICE_PAGE),
        "comment": (f"/office/comments/{comment.pk}/", OFFICE_PAGE),
        "comment-file": (
            f"/office/comments/{comment.pk}/files/{comment.files.get().pk}/",
            OFFICE_PAGE,
        ),
        "ranking": (f"/office/rounds/{c}/ranking/", OFFICE_PAGE),
        "report-pdf": (f"/office/rounds/{c}/report.pdf", DOCUMENT),
        "list-pdf": (f"/office/rounds/{c}/candidates.pdf", DOCUMENT),
        "roster": (f"/office/rounds/{c}/group/", OFFICE_PAGE),
        "meeting": (f"/office/rounds/{c}/meeting/", OFFICE_PAGE),
        "ballot": (f"/office/ballots/{first_ballot(meeting).pk}/", OFFICE_PAGE),
        "minutes-pdf": (f"/office/meetings/{meeting.pk}/minutes.pdf", DOCUMENT),
        "publicity-office": (f"/office/rounds/{c}/publicity/", OFFICE_PAGE),
        "objection": (f"/office/objections/{objection.pk}/", OFFICE_PAGE),
        "objection-file": (
            f"/office/objections/{objection.pk}/files/{objection.files.get().pk}/",
            OFFICE_PAGE,
        ),
        "approval": (f"/office/rounds/{c}/approval/", OFFICE_PAGE),
        "approval-scan": (f"/office/rounds/{c}/approval/scan/", OFFICE_PAGE),
        "awards": (f"/office/rounds/{c}/awards/", OFFICE_PAGE),
    }


def test_every_office_page_per_persona_without_leaks(client, whole_round):
    people = whole_round["people"]
    comment, objection = whole_round["comment"], whole_round["objection"]
    secrets = [
        comment.receipt_number,
        "张三",
        "13912345678",
        objection.receipt_number,
        "李四",
        "13800001111",
    ]
    wrong = []
    for name, (url, table) in urls_of(whole_round).items():
        documents = table is DOCUMENT
        for persona in PERSONAS:
            expected = table.get(persona, 404 if documents else 403)
            status, body = fetch(client, people[persona], url)
            if status != expected:
                wrong.append((name, persona, status, expected))
            if status != 200:
                text = body.decode(errors="replace")
                wrong += [(name, persona, "leaks", s) for s in secrets if s in text]
            elif persona == "auditor" and not body.startswith(b"%PDF"):
                # the auditor reads without the contacts (comments, objectors)
                text = body.decode(errors="replace")
                wrong += [(name, "auditor", "leaks", s) for s in secrets[2::3] if s in text]
    assert wrong == []


def test_the_office_sees_the_contacts_the_auditor_does_not(client, whole_round):
    comment, objection = whole_round["comment"], whole_round["objection"]
    office, auditor = whole_round["people"]["office"], whole_round["people"]["auditor"]
    for user, shown, hidden in (
        (office, "13912345678", None),
        (auditor, "139****5678", "13912345678"),
    ):
        _status, body = fetch(client, user, f"/office/comments/{comment.pk}/")
        assert shown in body.decode() and (hidden is None or hidden not in body.decode())
    # nobody sees the objector's full ID number on the page: the masked one only
    from award_portal import privacy

    full = privacy.decrypt(objection.id_number_encrypted)
    for user in (office, auditor):
        _status, body = fetch(client, user, f"/office/objections/{objection.pk}/")
        assert objection.id_number_masked in body.decode() and full not in body.decode()


def test_a_recused_member_reads_the_documents_without_that_candidate(client, whole_round):
    winner, people = whole_round["winner"], whole_round["people"]
    c = whole_round["cycle"].pk
    for url in (f"/office/rounds/{c}/report.pdf", f"/office/rounds/{c}/candidates.pdf"):
        _s, member_pdf = fetch(client, people["member"], url)
        _s, recused_pdf = fetch(client, people["recused"], url)
        assert winner.applicant_name in pdf_text(member_pdf)
        assert winner.applicant_name not in pdf_text(recused_pdf)
        assert "回避" in pdf_text(recused_pdf)
    # the member's reading is recorded
    assert AuditEvent.objects.filter(actor=people["recused"], action="file.downloaded").count() == 2


def test_a_meeting_in_session_shows_who_voted_never_how(client, cycle, office, auditor, june_2026):
    reviewed = reviewed_dossiers(office, cycle, prefix="org_s")
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    rank_and_submit(office, cycle)
    members = group_of(office, cycle, n=3)
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    from publicity.services.group import vote_cast

    candidates = list(ballot.candidates.all())
    vote_cast(actor=members[0].user, ballot=ballot, choices={d.pk: "yes" for d in candidates})
    for user in (office, auditor):
        for url in (f"/office/ballots/{ballot.pk}/", f"/office/rounds/{cycle.pk}/meeting/"):
            status, body = fetch(client, user, url)
            text = body.decode()
            assert status == 200 and "组员0" in text and "已投票" in text
            assert "计票结果" not in text and "有表决权人数" not in text
            assert "<td>1</td>" not in text  # no count of any kind
    # a member of the group does not see the office's pages, even its own ballot's
    status, body = fetch(client, members[1].user, f"/office/ballots/{ballot.pk}/")
    assert status == 403 and "组员0" not in body.decode()
    # no minutes before the close, not even for the office
    status, _body = fetch(client, office, f"/office/meetings/{meeting.pk}/minutes.pdf")
    assert status == 404
    assert reviewed  # the round had its applications


def snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            CommentWeighing,
            RankingEntry,
            GroupMember,
            Meeting,
            Vote,
            InvestigationStep,
            Approval,
            Objection,
            Comment,
        )
    } | {"states": sorted(Dossier.objects.values_list("state", flat=True))}


def test_nobody_but_the_office_can_post_and_nothing_changes(client, whole_round):
    people = whole_round["people"]
    before, events = snapshot(), AuditEvent.objects.exclude(action__startswith="auth.").count()
    c = whole_round["cycle"].pk
    posts = [
        f"/office/rounds/{c}/results/",
        f"/office/rounds/{c}/comments/",
        f"/office/comments/{whole_round['comment'].pk}/",
        f"/office/rounds/{c}/ranking/",
        f"/office/rounds/{c}/group/",
        f"/office/rounds/{c}/meeting/",
        f"/office/ballots/{first_ballot(whole_round['meeting']).pk}/",
        f"/office/rounds/{c}/publicity/",
        f"/office/objections/{whole_round['objection'].pk}/",
        f"/office/rounds/{c}/approval/",
        f"/office/rounds/{c}/awards/",
    ]
    wrong = []
    for url in posts:
        for persona in ("auditor", "member", "recused", "applicant", "expert", "anonymous"):
            status, _body = fetch(client, people[persona], url, method="post")
            expected = 302 if persona == "anonymous" else 403
            if status != expected:
                wrong.append((url, persona, status))
    assert wrong == []
    assert snapshot() == before
    assert AuditEvent.objects.exclude(action__startswith="auth.").count() == events


@pytest.mark.parametrize(
    "url",
    [
        "/office/rounds/99999999999999999999/results/",
        "/office/rounds/999999/ranking/",
        "/office/comments/999999/",
        "/office/comments/1/files/99999999999999999999/",
        "/office/ballots/999999/",
        "/office/meetings/999999/minutes.pdf",
        "/office/objections/999999/",
        "/office/objections/1/files/x/",
        "/office/rounds/999999/report.pdf",
    ],
)
def test_unknown_ids_are_404_for_the_office(client, office, url):
    client.force_login(office)
    assert client.get(url).status_code == 404


def test_every_office_page_reads_in_english_too(client, whole_round):
    client.force_login(whole_round["people"]["office"])
    client.cookies["django_language"] = "en"
    for name, (url, _table) in urls_of(whole_round).items():
        response = client.get(url)
        assert response.status_code == 200, name
        if response.streaming:  # read to the end, as a browser would; the file then closes
            b"".join(response.streaming_content)
        if response["Content-Type"].startswith("text/html"):
            text = response.content.decode()
            assert 'lang="en"' in text and ">Results notice</a>" in text, name
            assert ">评审结果公示</a>" not in text, name  # the page's own words are English
