"""Following the grouped navigation as a person does: open the group, then the link."""

import re


def nav_click(page, text):
    """Click the navigation link named ``text``, opening its group's menu first if it is
    closed (a closed ``<details>`` hides its links from the accessibility tree)."""
    link = page.locator("#site-nav a").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    link = link.first
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()


def open_phone_menu(page):
    """On a phone the header's tools and navigation sit behind the 菜单 button."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def largest_elderly_phone(browser, live_server):
    """A browser context at 390 px, in 长辈版 with the largest text (A++), as the
    preference cookies set it."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (("portal_font", "larger"), ("portal_elderly", "1"))
        ]
    )
    return context
