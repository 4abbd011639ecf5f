"""The header a person meets: on a phone it is the portal's name and one Menu button; on a
desk the navigation groups open with the mouse or the keyboard. Without JavaScript every
link is still reachable."""

import re

import pytest

from award_portal.accounts.enums import Role
from tests.factories import PASSWORD, ApplicantFactory, UserFactory

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def people(db):
    return {
        "office": UserFactory(username="clerk", role=Role.OFFICE),
        "applicant": ApplicantFactory(username="org_a"),
    }


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(viewport, username=None, *, script=True, cookies=()):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=viewport == PHONE,
            has_touch=viewport == PHONE,
            java_script_enabled=script,
        )
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": name, "value": value, "url": live_server.url} for name, value in cookies]
        )
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main").get_by_role("button", name="登录").click()
            page.wait_for_url("**/dashboard/")
        else:
            page.goto("/")
        return page

    yield open_
    for context in contexts:
        context.close()


def _link(page, text):
    """A link of the navigation, found whether or not it is shown (so that "not visible"
    means hidden from the person, not missing from the page)."""
    return page.locator("#site-nav a").filter(has_text=re.compile(rf"^{re.escape(text)}$"))


def _header_height(page) -> float:
    return page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")


def _overflow(page) -> float:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


LARGEST = (("portal_font", "larger"), ("portal_elderly", "1"))


@pytest.mark.parametrize("cookies", [(), LARGEST], ids=["standard", "elderly-largest"])
@pytest.mark.parametrize("who", ["office", "applicant", None])
def test_on_a_phone_the_header_is_one_menu_button(open_page, people, who, cookies):
    page = open_page(PHONE, people[who].username if who else None, cookies=cookies)
    menu = page.get_by_role("button", name="菜单")
    assert menu.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    # the header takes at most a sixth of the screen, at any text size
    assert _header_height(page) <= PHONE["height"] / 6
    assert _link(page, "申报公告").count() == 1
    assert not _link(page, "申报公告").is_visible()
    assert not page.locator("#site-tools button[value=en]").is_visible()
    assert _overflow(page) <= 0

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("button", name="English").is_visible()
    if who == "office":
        page.locator("#site-nav summary", has_text="工作台").click()
        queue = _link(page, "资格审查队列")
        assert queue.is_visible()
        assert _overflow(page) <= 0
        assert axe_violations(page) == []
        queue.click()
        page.wait_for_url("**/office/qualification/")
    elif who == "applicant":
        page.locator("#site-nav summary", has_text="工作台").click()
        assert _link(page, "我的申报").is_visible()
        assert axe_violations(page) == []
    else:
        calls = _link(page, "申报公告")
        assert calls.is_visible()
        assert axe_violations(page) == []
        calls.click()
        page.wait_for_url("**/calls/")


def test_on_a_desk_the_groups_open_with_the_keyboard(open_page, people):
    page = open_page(DESK, "clerk")
    assert not page.locator(".menu-toggle").is_visible()
    assert page.locator("#site-tools button[value=en]").is_visible()
    rounds = page.locator("#site-nav summary", has_text="评审届次")
    all_rounds = _link(page, "全部届次")
    assert not all_rounds.is_visible()

    for _ in range(40):  # Tab through the header as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "评审届次":
            break
    else:
        pytest.fail("the 评审届次 group cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert all_rounds.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "全部届次"
    assert axe_violations(page) == []

    page.keyboard.press("Escape")  # closes the group and gives the focus back to it
    assert not all_rounds.is_visible()
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "评审届次"
    page.keyboard.press("Space")
    assert all_rounds.is_visible()

    # one group open at a time, and a click elsewhere closes it
    page.locator("#site-nav summary", has_text="账户与审计").click()
    assert _link(page, "审计日志").is_visible()
    assert not all_rounds.is_visible()
    page.locator("main h1").click()
    assert not _link(page, "审计日志").is_visible()

    rounds.click()
    all_rounds.click()
    page.wait_for_url("**/office/cycles/")
    assert page.locator("summary.current").inner_text() == "评审届次"


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_without_javascript_every_link_is_still_reachable(open_page, people, viewport):
    page = open_page(viewport, "clerk", script=False)
    assert not page.locator(".menu-toggle").is_visible()
    assert not _link(page, "审计日志").is_visible()
    page.locator("#site-nav summary", has_text="账户与审计").click()  # <details> needs no script
    audit = _link(page, "审计日志")
    assert audit.is_visible()
    audit.click()
    page.wait_for_url("**/office/audit/")


def test_at_the_largest_size_the_office_pages_fit_a_phone(open_page, people):
    """Wide tables scroll inside their box (their hidden labels too), and the calendar's
    months stack: the page itself never becomes wider than the phone."""
    UserFactory(username="expert_b", role=Role.EXPERT)
    page = open_page(PHONE, "clerk", cookies=LARGEST)
    for path in ["/accounts/staff/", "/office/calendar/2026/", "/office/audit/", "/rules/"]:
        page.goto(path)
        assert page.locator("main h1").is_visible()
        assert _overflow(page) <= 0, path
