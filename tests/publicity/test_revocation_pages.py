"""The pages of revocation, recovery and bans, per persona: the office acts, the auditor
reads, the winner's own users read and answer their case, everybody else learns nothing
of a case (404; anonymous visitors are asked to log in) — and the notices of revocation
are public, as page and PDF. Bad input and a double submit end in one clear outcome."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from pypdf import PdfReader

from applications.models import ApplicantBan
from award_portal.audit.models import AuditEvent
from publicity.enums import RevocationGround, RevocationState
from publicity.models import Award, RevocationCase
from publicity.services.revocation import (
    revocation_decide,
    revocation_open,
    revocation_propose,
)
from tests.factories.applications import pdf_upload
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BEIJING = ZoneInfo("Asia/Shanghai")
FACTS = "经核查，申报材料中的检测报告系伪造。"
OTHERS = ["working_group", "expert", "other_applicant"]
PERSONAS = ["office", "auditor", "applicant", "anonymous", *OTHERS]
OFFICE_ONLY = {"office": 200, "auditor": 200, "anonymous": 302}  # everyone else 404
WINNER_TOO = {**OFFICE_ONLY, "applicant": 200}
PUBLIC = dict.fromkeys(PERSONAS, 200)


@pytest.fixture(autouse=True)
def fresh_pages():
    cache.clear()


def fetch(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


@pytest.fixture
def cases(office, edition_2021, june_2026, applicant, working_group, expert, other_applicant):
    """``applicant`` acts for two winners: one with an open fraud case (evidence, a
    statement due on 2026-06-16), one whose title was revoked for fraud on 2026-06-02
    (notice, ban)."""
    _c, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=applicant)
    _c2, revoked_awards = awarded_round(
        office, edition_2021, name="第一届市长质量奖", winners=(1, 0), owner=applicant
    )
    open_case = revocation_open(
        actor=office,
        award=awards[0],
        ground=RevocationGround.FRAUD,
        facts=FACTS,
        statement_working_days=10,
        evidence=[pdf_upload("核查报告.pdf")],
    )
    decided = revocation_open(
        actor=office,
        award=revoked_awards[0],
        ground=RevocationGround.FRAUD,
        facts="伪造财务报表。",
        statement_working_days=3,
    )
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=BEIJING), tick=False):
        revocation_propose(
            actor=office, case=decided, proposal="建议撤销。", proposed_on=date(2026, 6, 8)
        )
        decided = revocation_decide(
            actor=office,
            case=decided,
            revoke=True,
            document_number="二政字〔2026〕88号",
            decided_on=date(2026, 6, 8),
            scan=pdf_upload("决定.pdf"),
        )
    return open_case, decided


def urls(open_case, decided):
    evidence = open_case.files.get()
    return {
        "/office/revocations/": OFFICE_ONLY,
        f"/office/awards/{open_case.award_id}/revocation/": OFFICE_ONLY,
        f"/office/revocations/{open_case.pk}/": OFFICE_ONLY,
        f"/office/revocations/{decided.pk}/": OFFICE_ONLY,
        f"/office/revocations/{open_case.pk}/files/{evidence.pk}/": OFFICE_ONLY,
        f"/revocations/{open_case.pk}/statement/files/{evidence.pk}/": WINNER_TOO,
        f"/office/revocations/{decided.pk}/decision/": OFFICE_ONLY,
        "/office/bans/": OFFICE_ONLY,
        f"/revocations/{open_case.pk}/statement/": WINNER_TOO,
        "/revocations/": PUBLIC,
        f"/revocations/{decided.pk}/": PUBLIC,
        f"/revocations/{decided.pk}/notice.pdf": PUBLIC,
        f"/revocations/{open_case.pk}/": {},  # not decided: nobody's business yet
        f"/revocations/{open_case.pk}/notice.pdf": {},
    }


@pytest.mark.parametrize("who", PERSONAS)
def test_every_page_per_persona(client, cases, persona, who):
    open_case, decided = cases
    user = persona(who)
    for url, expected in urls(open_case, decided).items():
        status, body = fetch(client, user, url)
        assert status == expected.get(who, 404), (who, url)
        if status in (302, 404):
            text = body.decode(errors="ignore")
            assert FACTS not in text and open_case.number not in text, (who, url)


def test_the_open_case_page_shows_facts_evidence_and_the_deadline(client, cases, office):
    open_case, _decided = cases
    _status, body = fetch(client, office, f"/office/revocations/{open_case.pk}/")
    page = body.decode()
    assert FACTS in page and "核查报告.pdf" in page
    assert "2026年6月16日24时（10个工作日）" in page
    assert "获奖者可在2026年6月16日24时前陈述申辩" in page
    assert 'name="action" value="evidence"' in page and 'value="propose"' not in page


def test_the_auditor_reads_but_cannot_act(client, cases, auditor):
    open_case, _decided = cases
    status, body = fetch(client, auditor, f"/office/revocations/{open_case.pk}/")
    assert status == 200 and b'name="action"' not in body
    status, _ = fetch(
        client,
        auditor,
        f"/office/revocations/{open_case.pk}/",
        "post",
        {"action": "propose", "proposal": "x", "proposed_on": "2026-06-02"},
    )
    assert status == 403
    assert RevocationCase.objects.get(pk=open_case.pk).state == RevocationState.OPENED


def test_downloads_are_attachments_and_logged(client, cases, auditor):
    open_case, decided = cases
    evidence = open_case.files.get()
    client.force_login(auditor)
    response = client.get(f"/office/revocations/{open_case.pk}/files/{evidence.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="file.downloaded").latest("id")
    assert event.actor == auditor and event.details["sha256"] == evidence.sha256
    response = client.get(f"/office/revocations/{decided.pk}/decision/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_winner_answers_once_and_a_double_submit_is_one_statement(client, cases, applicant):
    open_case, _decided = cases
    url = f"/revocations/{open_case.pk}/statement/"
    client.force_login(applicant)
    page = client.get(url).content.decode()
    assert FACTS in page and "2026年6月16日24时" in page
    assert client.post(url, {"text": ""}).status_code == 200  # form error, nothing saved
    assert RevocationCase.objects.get(pk=open_case.pk).statement == ""
    first = client.post(url, {"text": "我单位对认定事实有异议。"}, follow=True)
    assert "您的陈述申辩已收到" in first.content.decode()
    second = client.post(url, {"text": "再次提交"}, follow=True)
    assert "陈述申辩已提交，不能修改" in second.content.decode()
    case = RevocationCase.objects.get(pk=open_case.pk)
    assert case.statement == "我单位对认定事实有异议。" and case.state == RevocationState.ANSWERED
    assert AuditEvent.objects.filter(action="publicity.revocation_statement").count() == 1


def test_opening_through_the_page_refuses_art_29_outside_the_window(
    client, office, edition_2021, june_2026
):
    _c, awards = awarded_round(
        office, edition_2021, name="第一届", winners=(1, 0), approved_on=date(2021, 12, 20)
    )
    client.force_login(office)
    url = f"/office/awards/{awards[0].pk}/revocation/"
    assert "2024年12月19日" in client.get(url).content.decode()
    data = {
        "ground": "incident",
        "incident_on": "2025-03-01",
        "facts": "发生较大安全生产事故。",
        "statement_working_days": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不在此期限内" in response.content.decode()
    assert not RevocationCase.objects.exists()
    # fraud has no incident date: said plainly, not dropped without a word
    response = client.post(url, {**data, "ground": "fraud"})
    assert response.status_code == 200
    assert "弄虚作假（第二十八条）案件不填写事故或违法行为发生日期" in response.content.decode()
    assert not RevocationCase.objects.exists()
    response = client.post(url, {**data, "ground": "fraud", "incident_on": ""})
    case = RevocationCase.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.pk}/")
    assert case.incident_on is None and case.statement_due == date(2026, 6, 16)


def test_the_office_proposes_decides_and_recovers_through_the_page(
    client, office, edition_2021, june_2026, applicant
):
    _c, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=applicant)
    case = revocation_open(
        actor=office,
        award=awards[0],
        ground=RevocationGround.FRAUD,
        facts=FACTS,
        statement_working_days=3,
    )
    url = f"/office/revocations/{case.pk}/"
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=BEIJING), tick=True):
        client.force_login(office)
        page = client.get(url).content.decode()
        assert "获奖者未在期限内陈述申辩" in page and 'value="propose"' in page
        client.post(
            url, {"action": "propose", "proposal": "建议撤销。", "proposed_on": "2026-06-08"}
        )
        decision = {
            "action": "decide",
            "outcome": "revoke",
            "document_number": "二政字〔2026〕89号",
            "decided_on": "2026-06-08",
        }
        # first the consequences, nothing recorded
        confirm = client.post(url, decision).content.decode()
        assert "确认市人民政府的决定" in confirm and 'name="scan"' in confirm
        assert "自2026年6月8日起撤销其称号" in confirm
        assert "收回或追缴：证书。" in confirm  # no plaque delivered, no prize paid
        assert "自2026年6月8日起至2031年6月7日止" in confirm and "为5年" in confirm
        case.refresh_from_db()
        assert case.state == RevocationState.PROPOSED and not ApplicantBan.objects.exists()
        # confirmed without the scan: asked for it, still nothing recorded
        again = client.post(url, {**decision, "confirmed": "yes"}).content.decode()
        assert "确认市人民政府的决定" in again
        case.refresh_from_db()
        assert case.state == RevocationState.PROPOSED
        client.post(url, {**decision, "confirmed": "yes", "scan": pdf_upload("决定.pdf")})
        case.refresh_from_db()
        assert case.state == RevocationState.REVOKED and case.prize_due_yuan == 0  # unpaid
        page = client.get(url).content.decode()
        assert "撤销通报" in page and case.notice.number in page
        client.post(url, {"action": "item", "item": "certificate", "on": "2026-06-08"})
        response = client.post(url, {"action": "item", "item": "plaque", "on": "2026-06-08"})
    case.refresh_from_db()
    # the plaque was never delivered: only the certificate had to come back
    assert case.state == RevocationState.CLOSED and case.recovery_completed_on == date(2026, 6, 8)
    assert response.status_code == 302
    assert ApplicantBan.objects.get().ends_on == date(2031, 6, 7)


@pytest.fixture
def after_the_decision(cases):
    with time_machine.travel(datetime(2026, 6, 9, 10, 0, tzinfo=BEIJING), tick=True):
        yield cases


def test_the_public_sees_the_revocation_everywhere(client, after_the_decision):
    _open_case, decided = after_the_decision
    award = decided.award
    winners = client.get("/winners/").content.decode()
    assert "已于2026年6月8日撤销" in winners
    assert f"/revocations/{decided.pk}/" in winners
    verify = client.get("/verify/", {"number": award.certificate_number}).content.decode()
    assert (
        "查询结果：该证书确为" in verify
        and "相应称号已被撤销，证书已失效" in verify
        and "已于2026年6月8日撤销" in verify
    )
    assert f"/revocations/{decided.pk}/" in verify
    listing = client.get("/revocations/").content.decode()
    assert decided.notice.title in listing and decided.notice.number in listing
    notice = client.get(f"/revocations/{decided.pk}/").content.decode()
    assert f"关于撤销{award.winner_name}市长质量奖称号的通报" in notice
    # the page writes dates as pages do; the PDF as an official document
    assert (
        "自2026年6月8日起至2031年6月7日止，不得参加市长质量奖评选" in notice
        and "二〇" not in notice
    )
    assert f"{award.winner_name}为第一届市长质量奖获奖者（2024年度）" in notice
    assert "特此通报" in notice
    feed = client.get("/notices/feed.atom").content.decode()
    assert decided.notice.title in feed and f"/revocations/{decided.pk}/notice.pdf" in feed


def test_the_notice_pdf_is_an_official_document(client, cases):
    _open_case, decided = cases
    response = client.get(f"/revocations/{decided.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(
        "\n", ""
    )
    for expected in (
        decided.notice.number,
        "市长质量奖称号的通报",
        "第二十八条",
        "二政字〔2026〕88号",
        "二〇二六年六月八日",
        "收回奖牌、证书。",
        "特此通报",
    ):
        assert expected in text, expected
    # no prize was paid to this winner: the notice does not claim money is recovered
    assert decided.prize_due_yuan == 0 and "追缴奖金" not in text


def test_the_winners_dashboard_shows_each_title_and_the_case(client, after_the_decision, applicant):
    open_case, decided = after_the_decision
    client.force_login(applicant)
    page = client.get("/dashboard/").content.decode()
    assert "我的获奖情况" in page
    assert "已于2026年6月8日撤销" in page and "有效，有效期至2027年8月4日" in page
    assert f"撤销案件{open_case.number}" in page and "陈述申辩截止2026年6月16日24时" in page
    # the revoked dossier's own page tells the story to its end
    detail = client.get(f"/dossiers/{decided.award.dossier_id}/")
    text = detail.content.decode()
    assert "称号已撤销" in text and "市人民政府撤销称号" in text
    assert f"/revocations/{decided.pk}/" in text


def test_an_expired_title_shows_as_expired_on_the_dashboard(
    client, office, edition_2021, june_2026, applicant
):
    awarded_round(
        office,
        edition_2021,
        name="第一届",
        winners=(1, 0),
        approved_on=date(2021, 12, 20),
        owner=applicant,
    )
    client.force_login(applicant)
    page = client.get("/dashboard/").content.decode()
    assert "已过期（有效期至2024年12月19日）" in page


def test_the_barred_applicant_reads_why_on_the_start_page(client, office, cycle, applicant):
    from django.urls import reverse

    from applications.services.applicants import organisation_of
    from applications.services.bans import ban_record
    from tests.factories.applications import organisation_for

    organisation_for(applicant)
    client.force_login(applicant)
    url = reverse("applications:my-dossiers")
    assert (
        "准备申报材料" in client.get(url).content.decode()
        or cycle.name in client.get(url).content.decode()
    )
    ban_record(
        actor=office,
        kind="organisation",
        name="某公司",
        identifier=organisation_of(applicant).uscc,
        reason="在其他政府奖项中弄虚作假",
        reference="",
        starts_on=date(2026, 1, 1),
        ends_on=date(2028, 12, 31),
    )
    page = client.get(url).content.decode()
    assert "自2026年1月1日起至2028年12月31日止，您不得申报市长质量奖" in page
    assert "在其他政府奖项中弄虚作假" in page
    assert f"/apply/{cycle.pk}/" not in page or "dossier-start" not in page


def test_the_ban_list_masks_id_numbers_and_records_a_ban(client, office, db, june_2026):
    from tests.factories.applications import id_number

    number = id_number(321)
    client.force_login(office)
    response = client.post(
        "/office/bans/",
        {
            "kind": "individual",
            "name": "某某",
            "identifier": number,
            "reason": "在自治区质量奖申报中提供虚假材料",
            "reference": "内市监〔2025〕12号",
            "starts_on": "2025-09-01",
            "ends_on": "2028-08-31",
        },
    )
    assert response.status_code == 302
    page = client.get("/office/bans/").content.decode()
    assert "某某" in page and number not in page and number[:3] in page
    assert "2028年8月31日" in page
    bad = client.post(
        "/office/bans/",
        {
            "kind": "organisation",
            "name": "某公司",
            "identifier": "123",
            "reason": "x",
            "starts_on": "2025-09-01",
            "ends_on": "2028-08-31",
        },
    )
    assert bad.status_code == 200 and "统一社会信用代码" in bad.content.decode()
    assert ApplicantBan.objects.count() == 1


def test_the_ban_list_names_each_ground_once_with_its_first_and_last_day(client, cases, office):
    from applications.services.bans import ban_record
    from tests.factories.applications import id_number

    ban_record(
        actor=office,
        kind="individual",
        name="某某",
        identifier=id_number(322),
        reason="在自治区质量奖申报中提供虚假材料",
        reference="内市监〔2025〕12号",
        starts_on=date(2025, 9, 1),
        ends_on=date(2028, 8, 31),
    )
    client.force_login(office)
    page = client.get("/office/bans/").content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    # the column names the ban's ground, not a revocation's (an Art. 12(4) ban has none)
    assert "禁止申报事由" in table and "撤销事由" not in table
    # the revocation's decision number is in its reason: once, not twice
    assert table.count("二政字〔2026〕88号") == 1
    assert table.count("内市监〔2025〕12号") == 1
    # the first and the last day, both included
    assert "自2026年6月8日起至2031年6月7日止" in table
    assert "自2025年9月1日起至2028年8月31日止" in table
    assert table.count('<td class="nowrap">') == 2


def test_the_winner_downloads_the_evidence_and_its_own_file_and_each_is_logged(
    client, cases, applicant, office
):
    from award_portal.notifications.models import Notification

    open_case, _decided = cases
    url = f"/revocations/{open_case.pk}/statement/"
    client.force_login(applicant)
    evidence = open_case.files.get()
    page = client.get(url).content.decode()
    link = f"/revocations/{open_case.pk}/statement/files/{evidence.pk}/"
    assert "协调办公室的证据材料" in page and f'href="{link}"' in page
    response = client.get(link)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="file.downloaded").latest("id")
    assert event.actor == applicant and event.details["sha256"] == evidence.sha256
    client.post(url, {"text": "我单位有异议。", "attachment": pdf_upload("情况说明.pdf")})
    own = open_case.files.get(from_winner=True)
    page = client.get(url).content.decode()
    own_link = f"/revocations/{open_case.pk}/statement/files/{own.pk}/"
    assert f'href="{own_link}"' in page and "情况说明.pdf" in page
    mine = client.get(own_link)
    assert mine.status_code == 200 and b"".join(mine.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="file.downloaded", actor=applicant).count() == 2
    # the office is told the statement arrived
    assert Notification.objects.filter(
        user=office, url=f"/office/revocations/{open_case.pk}/", title__contains="已收到陈述申辩"
    ).exists()


def test_the_notice_pdf_has_a_chinese_file_name(client, cases):
    _open_case, decided = cases
    response = client.get(f"/revocations/{decided.pk}/notice.pdf")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    from urllib.parse import unquote

    assert unquote(disposition.split("''", 1)[1]) == f"撤销通报（{decided.number}）.pdf"


def test_the_lists_keep_their_queries(
    client, office, edition_2021, june_2026, django_assert_max_num_queries
):
    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(office)
    _c, awards = awarded_round(office, edition_2021, winners=(1, 0))
    revocation_open(
        actor=office, award=awards[0], ground="fraud", facts="x", statement_working_days=3
    )
    few = {url: count(url) for url in ("/office/revocations/", "/office/bans/", "/revocations/")}
    for n in range(4):
        _c, more = awarded_round(office, edition_2021, name=f"第{n + 3}届", winners=(1, 1))
        revocation_open(
            actor=office, award=more[0], ground="fraud", facts="x", statement_working_days=3
        )
    for url, before in few.items():
        assert count(url) <= before, url
    assert Award.objects.count() == 9


def test_the_case_heading_is_not_the_word_of_the_declarations():
    """ "The case" heads a revocation case (案件情况); in the Art. 12 declarations the same
    English words mean 存在. Each reads by its own context."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("zh-hans"):
        assert pgettext("revocation", "The case") == "案件情况"
        assert gettext("The case") == "存在"


def test_a_revoked_certificate_is_no_longer_given_to_the_winner(
    client, after_the_decision, applicant, office, auditor
):
    """The certificate was taken back (Art. 28): the winner's page offers no copy and the
    download is a 404 for its users; the office and the auditor keep it for the record.
    The valid title's certificate stays downloadable."""
    open_case, decided = after_the_decision
    revoked = f"/awards/{decided.award_id}/certificate.pdf"
    valid = f"/awards/{open_case.award_id}/certificate.pdf"
    client.force_login(applicant)
    assert client.get(revoked).status_code == 404
    assert client.get(valid).status_code == 200
    page = client.get(f"/dossiers/{decided.award.dossier_id}/").content.decode()
    assert revoked not in page
    for reader in (office, auditor):
        client.force_login(reader)
        assert client.get(revoked).status_code == 200
