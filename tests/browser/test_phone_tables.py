"""The office's wide tables on a 390 px phone in 长辈版 with the largest text: the table
scrolls sideways inside its frame, and no cell is squeezed to a column one or two
characters wide (the audit trail has eight columns)."""

import re
from pathlib import Path

import pytest

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from tests.factories import PASSWORD

from .navigation import largest_elderly_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "phone-tables"


def test_the_audit_trail_on_a_phone_keeps_its_cells_readable(browser, live_server, office):
    for _n in range(3):
        audit_record(
            action=Action.STAFF_CREATED, actor=office, target=office, details={"role": "expert"}
        )
    context = largest_elderly_phone(browser, live_server)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(office.username)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.goto("/office/audit/")
    cells = page.locator("main .table-wrap table tbody tr:first-child td")
    assert cells.count() >= 6
    for index in range(cells.count()):
        width, font = cells.nth(index).evaluate(
            "(c) => [c.getBoundingClientRect().width, parseFloat(getComputedStyle(c).fontSize)]"
        )
        assert width >= 3 * font, (index, width, font)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow  # the table scrolls inside its frame, not the page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-phone-largest-elderly.png"), full_page=False)
    context.close()
