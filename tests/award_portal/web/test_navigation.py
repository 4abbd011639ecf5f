"""The top navigation: a few groups (DESIGN §11), each item declaring its group; a group
of several items is a <details> menu, so every link is in the page without script."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from award_portal.web import navigation
from award_portal.web.navigation import ACCOUNTS_AND_AUDIT, NavGroup, NavItem
from award_portal.web.registry import register_nav

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _nav(html: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


#: The public pages, in the order of the award, as a visitor's links or a menu's items.
PUBLIC_PAGES = ["申报公告", "评审结果公示", "拟授奖名单公示", "获奖名单", "证书核验", "撤销通报"]


def _top_entries(nav: str) -> list[str]:
    """What the bar shows before anything is opened: group names and plain links."""
    entries = []
    for match in re.finditer(
        r'<li>\s*(?:<details class="nav-group">\s*<summary[^>]*>([^<]+)</summary>.*?</details>'
        r"|<a [^>]*>([^<]+))",
        nav,
        re.S,
    ):
        entries.append((match.group(1) or match.group(2)).strip())
    return entries


def _group_items(nav: str, name: str) -> list[str]:
    block = re.search(rf"<summary[^>]*>{name}</summary>\s*<ul>(.*?)</ul>", nav, re.S).group(1)
    return [label.strip() for label in re.findall(r"<a [^>]*>([^<]+)", block)]


def test_the_office_sees_five_groups_not_a_flat_list(client, office):
    client.force_login(office)
    nav = _nav(client.get(reverse("web:dashboard")).content.decode())
    assert _top_entries(nav) == ["工作台", "评审届次", "日历与规则", "账户与审计", "通知"]
    assert _group_items(nav, "工作台") == ["首页", "我的工作台", "资格审查队列", "获奖者跟踪管理"]
    assert _group_items(nav, "评审届次") == [
        "全部届次",
        "编制评审工作计划",
        "申报公告",
        "专家评审",
        "评审专家库",
        "评审机构",
        "双向监督评价",
        "评审结果公示",
        "拟授奖名单公示",
        "获奖名单",
        "证书核验",
        "撤销称号与禁止申报",
        "撤销通报",
        "统计分析",
    ]
    assert _group_items(nav, "日历与规则") == ["工作日日历", "规则版本", "评分标准"]
    assert _group_items(nav, "账户与审计") == ["工作人员账户", "审计日志", "系统状态"]


def test_every_link_of_a_group_is_in_the_page_without_script(client, office):
    """<details> opens by itself: the links are there even if menu.js never runs."""
    client.force_login(office)
    nav = _nav(client.get(reverse("web:dashboard")).content.decode())
    for url_name in [
        "web:dashboard",
        "applications:queue",
        "applications:cycle-list",
        "rules:plan",
        "workdays:year-list",
        "accounts:user-list",
        "audit:auditevent-list",
        "web:system-status",
        "notifications:list",
    ]:
        assert f'href="{reverse(url_name)}"' in nav, url_name
    assert "<script" not in nav and " on" not in re.sub(r'"[^"]*"', "", nav)


def test_an_applicant_sees_its_own_pages_and_nothing_of_the_office(client, applicant):
    client.force_login(applicant)
    nav = _nav(client.get(reverse("web:dashboard")).content.decode())
    # a group with one item is that item's link, not a menu of one
    assert _top_entries(nav) == ["工作台", "评审届次", "规则版本", "通知"]
    assert _group_items(nav, "工作台") == ["首页", "我的工作台", "我的申报", "我的资料"]
    assert _group_items(nav, "评审届次") == PUBLIC_PAGES
    for url_name in ["applications:queue", "accounts:user-list", "audit:auditevent-list"]:
        assert reverse(url_name) not in nav


def test_a_visitor_sees_the_public_pages_as_plain_links(client):
    nav = _nav(client.get("/").content.decode())
    assert _top_entries(nav) == ["首页", *PUBLIC_PAGES, "规则版本"]
    assert "<details" not in nav
    assert reverse("web:dashboard") not in nav


def test_the_group_of_the_page_shown_is_marked(client, office):
    client.force_login(office)
    nav = _nav(client.get(reverse("audit:auditevent-list")).content.decode())
    assert '<summary class="current">账户与审计</summary>' in nav
    assert f'<a href="{reverse("audit:auditevent-list")}" aria-current="page">' in nav
    assert nav.count('class="current"') == 1


@pytest.fixture
def registered_items():
    before = list(navigation.ITEMS)
    yield
    navigation.ITEMS[:] = before


def test_a_page_joins_a_group_with_one_registration(client, office, registered_items):
    register_nav(NavItem(_("Change password"), "accounts:password-change", ACCOUNTS_AND_AUDIT))
    register_nav(NavItem(_("Change password"), "accounts:password-change", ACCOUNTS_AND_AUDIT))
    client.force_login(office)
    nav = _nav(client.get(reverse("web:dashboard")).content.decode())
    assert _group_items(nav, "账户与审计") == ["工作人员账户", "审计日志", "系统状态", "修改密码"]
    assert _top_entries(client.logout() or _nav(client.get("/").content.decode())) == [
        "首页",
        *PUBLIC_PAGES,
        "规则版本",
    ]


def test_an_item_in_an_unknown_group_is_refused(registered_items):
    with pytest.raises(ValueError, match="unknown navigation group"):
        register_nav(NavItem("x", "web:home", NavGroup("elsewhere", "x")))
    assert all(item.group.key != "elsewhere" for item in navigation.ITEMS)
