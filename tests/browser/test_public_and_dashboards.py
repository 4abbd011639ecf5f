"""A person opens the portal, switches language, logs in as each demo role, and the
public pages pass axe in normal and elderly mode."""

import io

import pytest
from django.core.management import call_command

from award_portal.accounts.management.commands.load_demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DASHBOARD_HEADING = {
    "office": "协调办公室",
    "auditor": "纪检监督",
    "agency": "评审机构",
    "expert": "评审专家",
    "working_group": "专项工作组",
    "mobiliser": "动员部门",
}


def test_home_switches_to_english_and_back(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "二连浩特市市长质量奖"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Erenhot Mayor's Quality Award"
    page.get_by_role("button", name="简体中文").click()
    assert page.locator("h1").inner_text() == "二连浩特市市长质量奖"


def test_every_demo_account_logs_in_to_its_dashboard(page, settings):
    settings.DEBUG = True  # the demo command refuses to run otherwise, as in production
    call_command("load_demo_data", stdout=io.StringIO())
    for username, role, name, kind, _position in DEMO_ACCOUNTS:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").last.click()
        page.wait_for_url("**/dashboard/")
        heading = page.locator("h1").inner_text()
        if role == "applicant":
            expected = "申报组织" if kind == "organisation" else "个人申报人"
        else:
            expected = DASHBOARD_HEADING[role]
        assert heading == expected, (username, heading)
        assert name in page.locator("main").inner_text()
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/")


def test_text_size_and_elderly_mode_persist_across_pages(page):
    page.goto("/")
    page.get_by_role("button", name="较大字号").click()
    page.get_by_role("button", name="长辈版").click()
    page.goto("/accounts/login/")
    assert page.locator("body").get_attribute("class") == "font-large elderly"
    page.get_by_role("button", name="标准版").click()
    assert page.locator("body").get_attribute("class") == "font-large"


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/register/", "/accounts/password/reset/"]
)
@pytest.mark.parametrize("elderly", [False, True])
def test_public_pages_have_no_wcag_21_aa_violation(page, path, elderly):
    if elderly:
        page.goto("/")
        page.get_by_role("button", name="长辈版").click()
    page.goto(path)
    assert axe_violations(page) == []


def test_login_page_errors_are_announced_and_accessible(page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="登录").last.click()
    assert page.locator(".errorlist").first.is_visible()
    assert axe_violations(page) == []


def test_phone_width_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    for path in ["/", "/accounts/login/"]:
        page.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    context.close()
