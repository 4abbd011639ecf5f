"""The public pages of the second half in a real browser: axe-clean (WCAG 2.1 AA) in
normal and elderly mode, readable at a phone's width, and the comment, objection and
certificate check done the way a person does them. Screenshots of every page at desktop
and phone width go to ``var/screenshots/publicity/`` for a person to look at."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from award_portal.notifications.models import OutboxMessage
from publicity.models import Comment, Objection
from tests.factories.applications import id_number, pdf_bytes
from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round

from .axe import axe_violations
from .navigation import largest_elderly_phone, nav_click, open_phone_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


SH = ZoneInfo("Asia/Shanghai")
SHOTS = Path(settings.DATA_DIR) / "screenshots" / "publicity"


@pytest.fixture
def rounds(june_2026, edition_2021):
    from award_portal.accounts.enums import Role
    from tests.factories import UserFactory

    office = UserFactory(username="office_browser", role=Role.OFFICE)
    results = results_round(office, edition_2021, name="第四届市长质量奖", organisations=6)
    publicity = publicity_round(office, edition_2021, name="第三届市长质量奖")
    awarded = awarded_round(office, edition_2021, name="第二届市长质量奖", winners=(1, 0))
    # the publicity period runs from 3 June: the browser visits on 4 June
    june_2026.move_to(datetime(2026, 6, 4, 9, 0, tzinfo=SH))
    return results, publicity, awarded


def paths(rounds):
    (r_cycle, _n, _d), (p_cycle, _pn, _c), (_a_cycle, awards) = rounds
    return {
        "home": "/",
        "results-list": "/results/",
        "results": f"/results/{r_cycle.pk}/",
        "comment": f"/results/{r_cycle.pk}/comment/",
        "publicity-list": "/publicity/",
        "publicity": f"/publicity/{p_cycle.pk}/",
        "objection": f"/publicity/{p_cycle.pk}/objection/",
        "winners": "/winners/",
        "verify": "/verify/",
        "verify-answer": f"/verify/?number={awards[0].certificate_number}",
    }


def code_sent_to(contact: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if contact in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_public_pages_have_no_wcag_21_aa_violation(page, rounds, elderly):
    if elderly:
        page.goto("/")
        open_phone_menu(page)
        page.get_by_role("button", name="长辈版").click()
    for name, path in paths(rounds).items():
        page.goto(path)
        assert axe_violations(page) == [], (name, path)
        shoot(page, f"desktop-{'elderly' if elderly else 'normal'}-{name}")


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_public_pages_fit_a_phone(browser, live_server, rounds, elderly):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    if elderly:
        page.goto("/")
        open_phone_menu(page)
        page.get_by_role("button", name="长辈版").click()
    for name, path in paths(rounds).items():
        page.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, path, overflow)
        size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= (22 if elderly else 16), (name, size)
        shoot(page, f"phone-{'elderly' if elderly else 'normal'}-{name}")
    context.close()


def test_public_tables_are_cards_on_a_phone_in_the_largest_elderly_text(
    browser, live_server, rounds
):
    """At 390 px in 长辈版 with the largest text, a winner's or an applicant's name (and
    the table's caption) takes a card's width, not a column one character wide."""
    (r_cycle, _n, _d), _p, _a = rounds
    context = largest_elderly_phone(browser, live_server)
    page = context.new_page()
    for path in ("/winners/", f"/results/{r_cycle.pk}/"):
        page.goto(path)
        names = page.locator("main table caption, main table th[scope=row]")
        assert names.count() > 0, path
        for index in range(names.count()):
            width, font = names.nth(index).evaluate(
                "(c) => [c.getBoundingClientRect().width, parseFloat(getComputedStyle(c).fontSize)]"
            )
            assert font >= 28 and width >= 8 * font, (path, index, width, font)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
        shoot(page, f"phone-largest-elderly-{path.strip('/').replace('/', '-')}")
    context.close()


def test_a_person_comments_on_a_candidate_and_double_clicks(page, rounds):
    (r_cycle, _notice, dossiers), _p, _a = rounds
    page.goto(f"/results/{r_cycle.pk}/")
    page.get_by_role("link", name="对评审对象提出意见").click()
    page.get_by_label("意见对象").select_option(str(dossiers[2].pk))
    page.get_by_label("真实姓名").fill("张三")
    page.get_by_label("手机号码或电子邮箱").fill("139 1234 5678")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url(f"**/results/{r_cycle.pk}/comment/*/")
    assert "139****5678" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("六位验证码").fill(code_sent_to("13912345678"))
    page.get_by_label("意见内容").fill("该企业去年曾因产品质量问题被投诉，请核实整改情况。")
    evidence = SHOTS.parent / "evidence.pdf"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(pdf_bytes())
    page.get_by_label("证明材料（选填）").set_input_files(str(evidence))
    page.get_by_role("button", name="提交意见").dblclick()
    page.locator("p.answer").wait_for()
    comment = Comment.objects.get()
    main = page.locator("main").inner_text()
    assert comment.receipt_number in main and "意见不予公开" in main
    assert comment.files.count() == 1
    assert axe_violations(page) == []
    shoot(page, "desktop-normal-comment-receipt")
    page.goto(f"/results/{r_cycle.pk}/")
    assert "去年曾因产品质量问题" not in page.content()


def test_an_anonymous_comment_is_refused_in_the_browser(page, rounds):
    (r_cycle, _notice, dossiers), _p, _a = rounds
    page.goto(f"/results/{r_cycle.pk}/comment/")
    page.get_by_label("意见对象").select_option(str(dossiers[0].pk))
    page.get_by_label("手机号码或电子邮箱").fill("13912345678")
    page.get_by_role("button", name="发送验证码").click()
    assert "匿名意见不予受理" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    shoot(page, "desktop-normal-comment-anonymous")


def test_a_person_files_an_objection(page, rounds):
    _r, (p_cycle, _notice, chosen), _a = rounds
    page.goto(f"/publicity/{p_cycle.pk}/")
    page.get_by_role("link", name="提出异议").click()
    page.get_by_label("异议对象").select_option(str(chosen[0].pk))
    page.get_by_label("个人").check()
    page.get_by_label("单位名称或本人真实姓名").fill("李四")
    page.get_by_label("手机号码").fill("13800001111")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url(f"**/publicity/{p_cycle.pk}/objection/*/")
    page.get_by_label("六位验证码").fill(code_sent_to("13800001111"))
    page.get_by_label("居民身份证号码").fill("15250119800315X")  # too short
    page.get_by_label("异议的事实和理由").fill(
        "该单位申报材料中所列质量成果与实际不符，附证明材料。"
    )
    page.get_by_role("button", name="提交异议").click()
    assert page.get_by_label("居民身份证号码").input_value() == ""  # never shown back
    assert axe_violations(page) == []
    shoot(page, "desktop-normal-objection-error")
    page.get_by_label("六位验证码").fill(code_sent_to("13800001111"))
    page.get_by_label("居民身份证号码").fill(id_number(19))
    page.get_by_role("button", name="提交异议").click()
    page.locator("p.answer").wait_for()
    objection = Objection.objects.get()
    main = page.locator("main").inner_text()
    assert objection.receipt_number in main and "短信" in main
    assert id_number(19) not in page.content()
    shoot(page, "desktop-normal-objection-receipt")


def test_a_person_checks_a_certificate(page, rounds):
    _r, _p, (_cycle, awards) = rounds
    page.goto("/")
    nav_click(page, "证书核验")
    page.get_by_label("证书编号").fill(awards[0].certificate_number.lower().replace("-", " "))
    page.get_by_role("button", name="查询").click()
    main = page.locator("main").inner_text()
    assert "该证书为市长质量奖（组织奖）真实证书" in main and awards[0].winner_name in main
    assert "有效" in main and "有效，有效期至" not in main
    page.get_by_label("证书编号").fill("ABCD-EFGH-JKLM-NPQR")
    page.get_by_role("button", name="查询").click()
    assert "未查到该编号" in page.locator("main").inner_text()
