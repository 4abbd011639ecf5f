"""An office clerk enters next year's holiday notice in the browser, confirms it, and
then gets an answer for a period that runs into that year; the plan page works too."""

import pytest
from django.core.management import call_command

from award_portal.accounts.management.commands.load_demo_data import DEMO_PASSWORD

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office_page(page, settings):
    import io

    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")
    return page


def test_office_enters_and_confirms_the_2027_notice(office_page):
    page = office_page
    page.get_by_role("link", name="工作日日历").first.click()
    page.get_by_label("起算日").fill("2026-12-28")
    page.get_by_label("工作日数").fill("5")
    page.get_by_role("button", name="计算").click()
    assert "2027年放假安排尚未公布/录入" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="录入2027年通知").first.click()
    page.get_by_label("通知文号").fill("国办发明电〔2026〕测试号")
    page.get_by_label("放假首日 1").fill("2027-01-01")
    page.get_by_label("放假末日 1").fill("2027-01-03")
    page.get_by_label("放假首日 2").fill("2027-02-06")
    page.get_by_label("放假末日 2").fill("2027-02-14")
    page.get_by_label("调休上班日 1").fill("2027-02-20")
    page.get_by_role("button", name="保存通知").click()
    page.wait_for_url("**/office/calendar/2027/")
    assert "草稿" in page.locator("main").inner_text()
    page.get_by_role("button", name="确认2027年放假安排").click()
    assert "已确认" in page.locator("main").inner_text()
    assert page.locator("td.day.makeup").count() == 1
    assert axe_violations(page) == []

    page.goto("/office/calendar/?start=2026-12-28&working_days=5")
    assert "2027年1月5日" in page.locator(".answer").inner_text()


def test_plan_page_shows_the_table_the_timeline_and_downloads(office_page, edition_2021):
    page = office_page
    page.get_by_role("link", name="编制评审工作计划").first.click()
    page.get_by_label("规则版本").select_option(str(edition_2021.pk))
    page.get_by_label("计划公告日期").fill("2026-05-06")
    page.get_by_role("button", name="计算计划").click()
    assert "2026年8月24日（星期一）" in page.locator("table").inner_text()
    assert page.locator("figure.timeline svg rect").count() == 7
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="下载PDF").click()
    assert download.value.suggested_filename == "cycle-plan-20260506.pdf"
