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


def _text_sizes(page) -> tuple[float, float]:
    """The computed font size, in CSS pixels, of the first plain paragraph, label or list
    item of the page's text, and of its heading."""
    return page.evaluate(
        """() => [
            parseFloat(getComputedStyle(
                document.querySelector('main :is(p, label, li):not([class])')).fontSize),
            parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize),
        ]"""
    )


# What a person gets with Chromium's default 16px text: each step is visibly larger and
# 长辈版 starts where A++ ends. A++ in 长辈版 is 175% of the browser's own size.
TEXT_SIZES = [
    # (text size button, elderly mode, body text px, heading px)
    ("标准字号", False, 16.0, 28.0),
    ("较大字号", False, 19.0, 33.25),
    ("特大字号", False, 22.0, 38.5),
    ("标准字号", True, 22.0, 38.5),
    ("较大字号", True, 25.0, 43.75),
    ("特大字号", True, 28.0, 49.0),
]


def test_text_size_and_elderly_mode_enlarge_the_text_and_persist(page):
    page.goto("/")
    for button, elderly, body_px, heading_px in TEXT_SIZES:
        page.get_by_role("button", name=button).click()
        is_elderly = page.get_by_role("button", name="标准版").count() == 1
        if is_elderly != elderly:
            page.get_by_role("button", name="长辈版" if elderly else "标准版").click()
        page.goto("/")  # the choice persists to the next page
        assert _text_sizes(page) == [body_px, heading_px], (button, elderly)
        ink = page.evaluate("() => getComputedStyle(document.querySelector('main p')).color")
        # 长辈版 is high contrast: black text, not the standard dark grey
        assert (ink == "rgb(0, 0, 0)") is elderly, (button, elderly, ink)


def test_elderly_mode_at_the_largest_size_passes_axe(page):
    page.goto("/")
    page.get_by_role("button", name="长辈版").click()
    page.get_by_role("button", name="特大字号").click()
    for path in ["/", "/accounts/login/", "/accounts/register/"]:
        page.goto(path)
        assert _text_sizes(page)[0] == 28.0
        assert axe_violations(page) == [], path


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
