"""Supervision after the award in a real browser (issue 10, points 1–2): a winner files a
prize-fund report with an "other" line and evidence, the office sees the round's totals
with the "other" money flagged, is stopped until it examines that money, and evaluates
the report; the office plans a visit, records it with an Art. 32 breach and closes the
finding it opened. Screenshots at desktop and phone width land in
var/screenshots/supervision-fund/ (or where $PORTAL_SCREENSHOTS says)."""

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from publicity.models import FollowUpVisit, FundReport, VisitFinding
from publicity.services.supervision import fund_schedule_set
from tests.factories import PASSWORD
from tests.factories.applications import pdf_bytes
from tests.factories.publicity_rounds import awarded_round

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
# var/screenshots/supervision-fund/, or where PORTAL_SCREENSHOTS says
SHOTS = Path(
    os.environ.get(
        "PORTAL_SCREENSHOTS",
        Path(__file__).resolve().parents[2] / "var" / "screenshots" / "supervision-fund",
    )
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SH), tick=True) as moving:
        yield moving


@pytest.fixture
def winner(office, applicant, edition_2021, today):
    cycle, awards = awarded_round(office, edition_2021, winners=(1, 1), owner=applicant)
    fund_schedule_set(
        actor=office,
        cycle=cycle,
        interval_months=12,
        due_working_days=20,
        correction_working_days=10,
    )
    return cycle, awards[0]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.context.clear_cookies()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert axe_violations(page) == [], name
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def test_a_winner_files_a_fund_report_and_the_office_evaluates_it(page, winner, today, tmp_path):
    cycle, award = winner
    report = FundReport.objects.get(award=award, sequence=2)
    # the day after the report's period (2025-08-05 to 2026-08-04) ended: it may be sent
    today.move_to(datetime(2026, 8, 5, 10, 0, tzinfo=SH))
    log_in(page, "org_a")
    dashboard = main_text(page)
    assert "我的获奖情况" in dashboard and "有效期至2027年8月4日" in dashboard
    assert "逾期" in dashboard  # the first year's report was due on 2025-09-01
    shoot(page, "01-winner-dashboard")
    page.get_by_role("link", name=re.compile("2026年9月1日")).click()
    page.wait_for_url(f"**/fund-reports/{report.pk}/")
    page.select_option("#id_form-0-category", label="人员培训")
    page.fill("#id_form-0-description", "班组长质量管理培训")
    page.fill("#id_form-0-amount", "12000.50")
    page.select_option("#id_form-1-category", label="其他（由协调办公室审查）")
    page.fill("#id_form-1-description", "办公用品")
    page.fill("#id_form-1-amount", "300")
    page.fill("#id_summary", "奖金用于员工培训。")
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.locator(".messages").inner_text()
    # submitting without evidence is refused with the reason
    page.get_by_role("button", name="提交报告").click()
    assert "请先上传佐证材料" in page.locator(".messages").inner_text()
    invoice = tmp_path / "培训发票.pdf"
    invoice.write_bytes(pdf_bytes())
    page.set_input_files("#id_file", str(invoice))
    page.get_by_role("button", name="上传文件").click()
    assert "文件已上传" in page.locator(".messages").inner_text()
    assert "培训发票.pdf" in main_text(page)
    shoot(page, "02-winner-report-draft")
    page.get_by_role("button", name="提交报告").click()
    assert "报告已提交" in page.locator(".messages").inner_text()
    text = main_text(page)
    assert "已提交，待评价" in text and "12,300.50" in text and "第1版" in text
    shoot(page, "03-winner-report-submitted")

    log_out(page)
    log_in(page, "office_clerk")
    page.goto(f"/office/rounds/{cycle.pk}/fund/")
    totals = main_text(page)
    assert "人员培训" in totals and "12,000.50" in totals
    assert "300元填报为第二十四条规定以外的用途" in totals
    shoot(page, "04-office-round-fund")
    page.get_by_role("link", name="2025年8月5日至2026年8月4日").click()
    page.get_by_label("良").check()
    page.get_by_label("评价意见").fill("培训资金使用规范，台账齐全。")
    page.get_by_role("button", name="登记评价结果").click()
    assert "请填写审查意见" in page.locator(".messages").inner_text()
    report.refresh_from_db()
    assert report.state == "submitted"
    page.get_by_label("良").check()
    page.get_by_label("评价意见").fill("培训资金使用规范，台账齐全。")
    page.get_by_label("对其他用途资金的审查意见").fill(
        "办公用品不属于规定用途，已责令退回奖金账户。"
    )
    shoot(page, "05-office-evaluation-form")
    page.get_by_role("button", name="登记评价结果").click()
    assert "绩效评价已登记" in page.locator(".messages").inner_text()
    assert "已评价（良）" in main_text(page)
    report.refresh_from_db()
    assert (report.state, report.rating) == ("evaluated", "good")
    shoot(page, "06-office-report-evaluated")


def test_a_visit_is_recorded_and_its_finding_closed(page, winner):
    _cycle, award = winner
    log_in(page, "office_clerk")
    page.goto("/office/supervision/")
    assert award.winner_name in main_text(page)
    shoot(page, "07-office-supervision-list")
    page.get_by_role("link", name=award.winner_name).click()
    text = main_text(page)
    assert "有效期至2027年8月4日，还剩428天" in text
    page.get_by_text("安排寻访").first.click()
    page.get_by_label("计划日期").fill("2026-06-02")
    page.get_by_label("寻访部门").fill("市市场监督管理局质量发展股")
    page.get_by_role("button", name="安排寻访").click()
    assert "已安排对" in page.locator(".messages").inner_text()
    page.get_by_role("link", name=re.compile("计划于2026年6月2日")).click()
    page.get_by_label("寻访日期").fill("2026-06-02")
    page.get_by_label("寻访人员").fill("王科长、李干事")
    page.get_by_label("生产经营情况").fill("生产线满负荷运行。")
    page.get_by_label("质量管理情况").fill("质量管理体系运行有效。")
    page.get_by_label("荣誉称号使用情况").fill("展厅宣传牌使用了市长质量奖称号。")
    page.locator("input[name=award_year_stated][value=no]").check()
    page.locator("input[name=title_on_products][value=no]").check()
    page.locator("input[name=rating][value=good]").check()
    page.get_by_label("需跟踪整改的问题（每行一条）").fill("质量档案归档不及时")
    shoot(page, "08-office-visit-form")
    page.get_by_role("button", name="登记寻访情况").click()
    assert "寻访情况已登记" in page.locator(".messages").inner_text()
    text = main_text(page)
    assert "宣传市长质量奖荣誉未标明获奖时间（第三十二条）" in text
    assert "质量档案归档不及时" in text
    visit = FollowUpVisit.objects.get()
    findings = list(VisitFinding.objects.filter(visit=visit).order_by("id"))
    assert len(findings) == 2
    first = findings[0]
    page.locator(
        f"#f{first.pk}-summary, details:has(input[name=finding][value='{first.pk}']) summary"
    ).first.click()
    page.fill(f"#id_f{first.pk}-closed_on", "2026-06-02")
    page.fill(f"#id_f{first.pk}-note", "已在展厅宣传牌上补充“2024年度”字样。")
    page.locator(f"form:has(input[name=finding][value='{first.pk}']) button").click()
    assert "问题已整改销号" in page.locator(".messages").inner_text()
    assert "已于2026年6月2日销号" in main_text(page)
    first.refresh_from_db()
    assert first.closed_on is not None
    shoot(page, "09-office-visit-finding-closed")
    page.get_by_role("link", name=award.winner_name).click()
    text = main_text(page)
    assert "质量档案归档不及时" in text and "展厅宣传牌" not in text
    shoot(page, "10-office-winner-page")
