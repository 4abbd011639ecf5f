"""The supervision pages per persona (fund reports and visit records are never public:
the office acts, the auditor reads, the winner's users file their reports, everybody
else signed in gets a 404 and learns nothing), the pages' forms with good and bad input,
and a query-count guard on the list of winners."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publicity.models import FundLine, FundReport, VisitFinding
from publicity.services.supervision import (
    fund_evidence_add,
    fund_report_save,
    fund_report_submit,
    fund_schedule_set,
    visit_plan,
    visit_record,
)
from tests.factories.applications import pdf_upload
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SECRETS = ("秘密培训项目甲", "秘密发现乙", "发票丙.pdf")
OFFICE = {"office": 200, "auditor": 200, "anonymous": 302}  # everybody else: 404
PERSONAS = [
    "office",
    "auditor",
    "applicant",
    "other_applicant",
    "expert",
    "agency",
    "working_group",
    "mobiliser",
    "superuser",
    "anonymous",
]


def set_schedule(office, cycle):
    fund_schedule_set(
        actor=office,
        cycle=cycle,
        interval_months=12,
        due_working_days=20,
        correction_working_days=10,
    )


@pytest.fixture
def supervised(office, edition_2021, june_2026, applicant):
    """A winner (``applicant``'s organisation) with a recorded visit with an open finding
    (2026-06-02) and a submitted report (today, 2026-08-05: its period ended the day
    before)."""
    cycle, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=applicant)
    award = awards[0]
    set_schedule(office, cycle)
    report = FundReport.objects.get(award=award, sequence=2)
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    visit_record(
        actor=office,
        visit=visit,
        visited_on=date(2026, 6, 2),
        visitors="王科长",
        production="正常",
        quality_management="有效",
        title_use="规范",
        award_year_stated=True,
        title_on_products=False,
        rating="good",
        findings=[SECRETS[1]],
    )
    june_2026.move_to(datetime(2026, 8, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    fund_report_save(
        actor=applicant, report=report, summary="", lines=[("training", SECRETS[0], "8000")]
    )
    evidence = fund_evidence_add(actor=applicant, report=report, upload=pdf_upload(SECRETS[2]))
    fund_report_submit(actor=applicant, report=report)
    return {"cycle": cycle, "award": award, "report": report, "visit": visit, "file": evidence}


def urls(data) -> dict[str, tuple[str, dict]]:
    report, award = data["report"], data["award"]
    return {
        "list": ("/office/supervision/", OFFICE),
        "winner": (f"/office/supervision/{award.pk}/", OFFICE),
        "round": (f"/office/rounds/{data['cycle'].pk}/fund/", OFFICE),
        "review": (f"/office/fund-reports/{report.pk}/", OFFICE),
        "visit": (f"/office/visits/{data['visit'].pk}/", OFFICE),
        "mine": (
            "/fund-reports/",
            {"applicant": 200, "other_applicant": 200, "anonymous": 302},
        ),
        "report": (
            f"/fund-reports/{report.pk}/",
            {"applicant": 200, "office": 302, "auditor": 302, "anonymous": 302},
        ),
        "file": (
            f"/fund-reports/{report.pk}/files/{data['file'].pk}/",
            {"applicant": 200, "office": 200, "auditor": 200, "anonymous": 302},
        ),
    }


def fetch(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_every_supervision_page_per_persona_without_leaks(client, supervised, persona):
    wrong = []
    for name, (url, table) in urls(supervised).items():
        for who in PERSONAS:
            expected = table.get(who, 404)
            response, body = fetch(client, persona(who), url)
            if response.status_code != expected:
                wrong.append((name, who, response.status_code, expected))
            text = body.decode("utf-8", "replace")
            if expected != 200 or (name == "mine" and who == "other_applicant"):
                leaks = [s for s in (*SECRETS, supervised["award"].winner_name) if s in text]
                if leaks:
                    wrong.append((name, who, "leaks", leaks))
            if expected == 302 and who == "anonymous":
                assert "/login" in response["Location"] or "login" in response["Location"]
    assert wrong == []


def test_the_office_and_the_winner_see_what_they_should(client, supervised, office, applicant):
    report = supervised["report"]
    for user, url in (
        (office, f"/office/fund-reports/{report.pk}/"),
        (applicant, f"/fund-reports/{report.pk}/"),
    ):
        _response, body = fetch(client, user, url)
        assert SECRETS[0] in body.decode() and SECRETS[2] in body.decode()
    _response, body = fetch(client, office, f"/office/supervision/{supervised['award'].pk}/")
    page = body.decode()
    assert SECRETS[1] in page  # the open finding
    assert "2027年8月4日" in page  # days left counted to valid_until
    # the office opening the winner's link (from a reminder) lands on its own page
    response, _body = fetch(client, office, f"/fund-reports/{report.pk}/")
    assert response["Location"] == f"/office/fund-reports/{report.pk}/"


def test_only_the_office_posts(client, supervised, auditor, applicant):
    report = supervised["report"]
    for user in (auditor, applicant):
        response, _body = fetch(
            client,
            user,
            f"/office/fund-reports/{report.pk}/",
            method="post",
            data={"action": "evaluate", "rating": "poor", "findings": "差"},
        )
        assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.state == "submitted" and report.rating == ""


def test_the_winner_files_a_report_through_the_page(client, supervised, applicant):
    report = FundReport.objects.get(award=supervised["award"], sequence=3)  # the final report
    url = f"/fund-reports/{report.pk}/"
    form = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "40",
        "form-0-category": "laboratory",
        "form-0-description": "购置检测仪器",
        "form-0-amount": "30000.5",
        "form-1-category": "",
        "form-1-description": "",
        "form-1-amount": "",
        "summary": "用于实验室建设。",
        "action": "save",
    }
    response, _body = fetch(client, applicant, url, method="post", data=form)
    assert response.status_code == 302
    assert [(x.category, str(x.amount)) for x in report.lines.all()] == [("laboratory", "30000.50")]
    # bad input: a message in Chinese, nothing changes, never a 500
    client.force_login(applicant)
    bad = client.post(url, {**form, "form-0-amount": "三万"}, follow=True)
    assert bad.status_code == 200
    assert "不是以元为单位的金额" in bad.content.decode()
    half = client.post(url, {**form, "form-1-category": "training"}, follow=True)
    assert half.status_code == 200 and "请填写用途、开支内容和金额" in half.content.decode()
    over = client.post(url, {**form, "form-0-amount": "200000"}, follow=True)
    assert "超过奖金" in over.content.decode()
    assert [str(x.amount) for x in FundLine.objects.filter(report=report)] == ["30000.50"]
    # the period runs to 2027-08-04: no submit button yet, and a submit is refused
    page = client.get(url).content.decode()
    assert 'value="submit"' not in page and "2027年8月5日起方可提交" in page
    refused = client.post(url, {**form, "action": "submit"}, follow=True)
    assert "2027年8月5日起方可提交" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == "draft"


def test_a_report_without_evidence_is_refused_through_the_page(client, supervised, applicant):
    report = FundReport.objects.get(award=supervised["award"], sequence=1)  # ended 2025-08-04
    client.force_login(applicant)
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "40",
        "form-0-category": "training",
        "form-0-description": "培训",
        "form-0-amount": "100",
        "summary": "",
        "action": "submit",
    }
    refused = client.post(f"/fund-reports/{report.pk}/", form, follow=True)
    assert "请先上传" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == "draft"


def test_the_office_evaluates_through_the_page(client, supervised, office):
    report = supervised["report"]
    client.force_login(office)
    url = f"/office/fund-reports/{report.pk}/"
    empty = client.post(url, {"action": "evaluate", "rating": "good", "findings": ""})
    assert empty.status_code == 200
    response = client.post(
        url, {"action": "evaluate", "rating": "excellent", "findings": "资金使用规范。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "evaluated" and report.rating == "excellent"
    again = client.post(
        url, {"action": "evaluate", "rating": "poor", "findings": "重复提交"}, follow=True
    )
    assert again.status_code == 200
    report.refresh_from_db()
    assert report.rating == "excellent"
    page = client.get(url).content.decode()
    assert "优" in page and "资金使用规范。" in page


def test_the_office_closes_a_finding_through_the_page(client, supervised, office):
    finding = VisitFinding.objects.get()
    client.force_login(office)
    url = f"/office/visits/{supervised['visit'].pk}/"
    response = client.post(
        url,
        {
            "action": "close",
            "finding": finding.pk,
            f"f{finding.pk}-closed_on": "2026-06-02",
            f"f{finding.pk}-note": "已整改到位",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.closed_on == date(2026, 6, 2)
    for odd in ("x", "99999999999999999999999", ""):
        assert client.post(url, {"action": "close", "finding": odd}).status_code == 404


def test_the_winner_dashboard_shows_reports_due_overdue_and_the_title(
    client, supervised, applicant
):
    client.force_login(applicant)
    page = client.get("/dashboard/").content.decode()
    # the first year's report was due on 2025-09-01 and is overdue; the title is valid
    assert "2025年9月1日" in page
    assert "逾期" in page
    assert "有效期至2027年8月4日" in page


def test_the_list_of_winners_takes_the_same_queries_for_one_and_many(
    client, office, edition_2021, june_2026
):
    client.force_login(office)
    cycle, _awards = awarded_round(office, edition_2021, winners=(1, 0))
    set_schedule(office, cycle)
    client.get("/office/supervision/")
    with CaptureQueriesContext(connection) as one:
        client.get("/office/supervision/")
    for n in range(3):
        more, _awards = awarded_round(office, edition_2021, name=f"第{n + 7}届", winners=(1, 1))
        set_schedule(office, more)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/office/supervision/").content.decode()
    assert page.count("/office/supervision/") >= 7
    assert len(many) == len(one)


def visible_words(html: str) -> set[str]:
    """Latin words a reader sees in <main> (tags, scripts and attributes left out)."""
    import re

    main = html[html.index("<main") : html.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    return set(re.findall(r"[A-Za-z]{3,}", text))


ALLOWED = {"pdf", "PDF", "PNG", "JPEG", "Office", "Word", "Excel", "PowerPoint"}


def test_no_english_leaks_on_the_chinese_pages(client, supervised, office, applicant):
    report, award = supervised["report"], supervised["award"]
    pages = {
        office: [
            "/office/supervision/",
            f"/office/supervision/{award.pk}/",
            f"/office/rounds/{supervised['cycle'].pk}/fund/",
            f"/office/fund-reports/{report.pk}/",
            f"/office/visits/{supervised['visit'].pk}/",
        ],
        applicant: ["/fund-reports/", f"/fund-reports/{report.pk}/", "/dashboard/"],
    }
    leaks = {}
    for user, urls_ in pages.items():
        client.force_login(user)
        for url in urls_:
            words = visible_words(client.get(url).content.decode()) - ALLOWED
            words = {w for w in words if not w.isupper()}  # certificate numbers
            if words:
                leaks[url] = words
    assert leaks == {}


def test_the_rounds_hub_shows_the_supervision_stage(client, supervised, office):
    client.force_login(office)
    page = client.get(f"/office/cycles/{supervised['cycle'].pk}/").content.decode()
    assert f"/office/rounds/{supervised['cycle'].pk}/fund/" in page
    assert "1份奖金使用情况报告待评价" in page
    assert "1项寻访问题未整改销号" in page


def test_a_second_submit_is_one_clear_answer(client, supervised, applicant):
    report = supervised["report"]  # submitted in the fixture
    client.force_login(applicant)
    response = client.post(
        f"/fund-reports/{report.pk}/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-category": "training",
            "form-0-description": "重复提交",
            "form-0-amount": "1",
            "action": "submit",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "本报告已提交。" in response.content.decode()
    assert report.versions.count() == 1
    assert [line.description for line in report.lines.all()] == [SECRETS[0]]


def test_an_evidence_download_is_an_attachment_and_audited(client, supervised, auditor):
    from award_portal.audit.models import AuditEvent

    client.force_login(auditor)
    report, evidence = supervised["report"], supervised["file"]
    response = client.get(f"/fund-reports/{report.pk}/files/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="file.downloaded", actor=auditor)
    assert event.target_id == str(report.pk) and event.details["sha256"] == evidence.sha256
    # a file of another report is not found through this one
    other = FundReport.objects.exclude(pk=report.pk).first()
    assert client.get(f"/fund-reports/{other.pk}/files/{evidence.pk}/").status_code == 404


def test_the_rounds_fund_page_takes_the_same_queries_for_one_and_many(
    client, office, edition_2021, june_2026
):
    client.force_login(office)
    one_round, _awards = awarded_round(office, edition_2021, winners=(1, 0))
    many_round, _awards = awarded_round(
        office, edition_2021, name="第九届", winners=(3, 0), quotas=(3, 1)
    )
    set_schedule(office, one_round)
    set_schedule(office, many_round)
    client.get(f"/office/rounds/{one_round.pk}/fund/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/office/rounds/{one_round.pk}/fund/")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/office/rounds/{many_round.pk}/fund/").content.decode()
    assert page.count("/office/fund-reports/") == 9
    assert len(many) == len(one)


def test_the_winner_sees_a_plain_pending_due_date_the_office_the_reason(
    client, supervised, applicant, office
):
    final = FundReport.objects.get(award=supervised["award"], sequence=3)  # due in 2027
    client.force_login(applicant)
    for url in ("/fund-reports/", f"/fund-reports/{final.pk}/"):
        page = client.get(url).content.decode()
        assert "截止日期待定" in page
        assert "放假安排" not in page
    client.force_login(office)
    page = client.get(f"/office/fund-reports/{final.pk}/").content.decode()
    assert "2027年放假安排尚未公布/录入" in page


def test_a_winner_without_a_prize_is_told_no_fund_report_is_due(
    client, office, edition_2021, june_2026
):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from award_portal.accounts.enums import Role

    cycle, awards = awarded_round(office, edition_2021, winners=(0, 1))
    set_schedule(office, cycle)
    dossier = awards[0].dossier
    person = dossier.individual.user
    person.groups.add(Group.objects.get_or_create(name=Role.APPLICANT)[0])
    assign_perm("applications.view_dossier", person, dossier)
    client.force_login(person)
    dashboard = client.get("/dashboard/").content.decode()
    assert "/fund-reports/" not in dashboard
    page = client.get("/fund-reports/").content.decode()
    assert "不含奖金，无需报告奖金使用情况" in page
    assert "尚未安排报告" not in page and awards[0].winner_name not in page


def test_the_visit_form_says_an_art_32_breach_opens_its_own_finding(client, supervised, office):
    planned = visit_plan(
        actor=office,
        award=supervised["award"],
        planned_on=timezone.localdate(),
        department="协调办",
    )
    client.force_login(office)
    page = client.get(f"/office/visits/{planned.pk}/").content.decode()
    assert "系统将自动列为一条整改问题，此处只需填写其他问题" in page
