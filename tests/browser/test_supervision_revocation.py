"""A title revoked for fraud (Art. 28) in a real browser: the office opens the case with
its evidence, the winner answers on its own page, the office proposes and records the
city government's decision; the public certificate check says revoked and leads to the
notice (page and PDF); the office records the recovery until the case closes; the same
organisation, on its next try, reads that it may not apply and until when. Screenshots
at desktop and phone width land in /tmp/s10shots (axe-checked)."""

import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from applications.models import ApplicantBan
from award_portal.accounts.enums import Role
from publicity.enums import RevocationState
from publicity.models import Award, RevocationCase
from publicity.services.award import plaque_deliver, prize_pay
from tests.factories import PASSWORD, ApplicantFactory, UserFactory
from tests.factories.applications import announced_cycle, pdf_bytes
from tests.factories.publicity_rounds import awarded_round

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp/s10shots")  # noqa: S108  screenshots for a person to look at, nothing secret
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def exact_label(page, text):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


def log_in(page, username, password=PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    exact_label(page, "密码").fill(password)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert axe_violations(page) == [], name
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"revoke-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def message(page) -> str:
    return page.locator(".messages").inner_text()


@pytest.fixture
def winner(db, edition_2021):
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SH), tick=True):
        office = UserFactory(username="clerk", display_name="王文书", role=Role.OFFICE)
        owner = ApplicantFactory(username="org_w")
        _cycle, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=owner)
        award = awards[0]
        plaque_deliver(actor=office, award=award, delivered_on=date(2024, 9, 2), received_by="王")
        prize_pay(actor=office, prize=award.prize, paid_on=date(2025, 3, 3), reference="拨付1")
        call = announced_cycle(office, edition_2021, name="第三届市长质量奖")
        yield office, owner, Award.objects.get(pk=award.pk), call


def test_a_fraud_case_ends_in_revocation_recovery_and_a_refused_application(page, winner, tmp_path):
    office, owner, award, call = winner
    evidence = tmp_path / "核查报告.pdf"
    evidence.write_bytes(pdf_bytes())
    page.set_viewport_size(DESKTOP)

    # 1. the office opens the case against the winner, with evidence
    log_in(page, office.username)
    page.goto("/office/revocations/")
    page.get_by_role("link", name="立案审查").click()
    page.get_by_label("弄虚作假、采取不正当手段骗取荣誉（第二十八条）").check()
    exact_label(page, "事实").fill("经核查，申报材料中的检测报告系伪造。")
    exact_label(page, "获奖者陈述申辩期限（工作日）").fill("10")
    exact_label(page, "证据材料（PDF、图片或Office文件）").set_input_files(str(evidence))
    page.get_by_role("button", name="立案并告知获奖者").click()
    case = RevocationCase.objects.get()
    assert f"案件{case.number}已立案" in message(page)
    main = page.locator("main").inner_text()
    assert "2026年6月16日24时（10个工作日）" in main and "核查报告.pdf" in main
    shoot(page, "1-office-case-opened")

    # 2. the winner reads the case on its dashboard and answers once
    log_in(page, owner.username)
    assert "陈述申辩截止2026年6月16日24时" in page.locator("main").inner_text()
    page.get_by_role("link", name=f"撤销案件{case.number}").click()
    # the winner sees the evidence the case rests on, and can open it
    assert "核查报告.pdf" in page.locator("main").inner_text()
    exact_label(page, "您的陈述申辩").fill("我单位对认定的事实有异议，检测报告系第三方出具。")
    page.get_by_role("button", name="提交陈述申辩").click()
    assert "您的陈述申辩已收到" in message(page)
    shoot(page, "2-winner-statement")

    # 3. the office proposes and records the government's decision to revoke
    log_in(page, office.username)
    page.goto(f"/office/revocations/{case.pk}/")
    assert "检测报告系第三方出具" in page.locator("main").inner_text()
    page.get_by_role("textbox", name="提请市人民政府意见").fill(
        "经核查，事实清楚，提请撤销其称号。"
    )
    page.get_by_role("button", name="登记提请意见").click()
    assert "提请市人民政府的意见已登记" in message(page)
    page.get_by_label("撤销称号", exact=True).check()
    exact_label(page, "决定文号").fill("二政字〔2026〕88号")
    page.get_by_role("button", name="下一步").click()
    # the consequences, stated before anything is recorded
    confirm = page.locator("main").inner_text()
    assert "自2026年6月2日起至2031年6月1日止" in confirm and "奖金200,000元" in confirm
    scan = tmp_path / "撤销决定.pdf"
    scan.write_bytes(pdf_bytes())
    exact_label(page, "决定文件扫描件").set_input_files(str(scan))
    page.get_by_role("button", name="确认并登记决定").click()
    assert "称号已撤销，通报已公开发布" in message(page)
    shoot(page, "3-office-decided")

    # 4. the public: the certificate check says revoked and leads to the notice
    page.context.clear_cookies()
    page.goto("/verify/")
    exact_label(page, "证书编号").fill(award.certificate_number)
    page.get_by_role("button", name="查询").click()
    answer = page.locator("main").inner_text()
    assert "相应称号已被撤销，证书已失效" in answer and "已于2026年6月2日撤销" in answer
    shoot(page, "4-public-verify-revoked")
    page.locator("main").get_by_role("link", name="撤销通报").click()
    notice = page.locator("main").inner_text()
    assert f"关于撤销{award.winner_name}市长质量奖称号的通报" in notice
    assert (
        "自2026年6月2日起至2031年6月1日止，不得参加市长质量奖评选" in notice
        and "特此通报" in notice
    )
    shoot(page, "5-public-notice")
    with page.expect_download() as download:
        page.get_by_role("link", name="撤销通报（PDF）").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "市长质量奖称号的通报" in text and "收回奖牌、证书，追缴奖金" in text
    assert "自二〇二六年六月二日起至二〇三一年六月一日止，不得参加市长质量奖评选" in text
    page.goto("/winners/")
    assert "已于2026年6月2日撤销" in page.locator("main").inner_text()

    # 5. the office records the recovery until everything is back
    log_in(page, office.username)
    page.goto(f"/office/revocations/{case.pk}/")
    assert "应追缴200,000元，已追缴0元" in page.locator("main").inner_text()
    for item in ("奖牌", "证书"):
        exact_label(page, "收回物品").select_option(label=item)
        page.get_by_role("button", name="登记收回").click()
        assert "收回情况已登记" in message(page)
    exact_label(page, "追缴金额（元）").fill("200000")
    exact_label(page, "付款凭证号").fill("退缴〔2026〕1号")
    page.get_by_role("button", name="登记追缴到账").click()
    assert "应收回追缴的均已完成，案件办结" in message(page)
    assert "已于2026年6月2日收回追缴完毕，案件办结" in page.locator("main").inner_text()
    shoot(page, "6-office-recovery-complete")
    case.refresh_from_db()
    assert case.state == RevocationState.CLOSED

    # 6. the same organisation tries to apply again: refused, with the end of the ban
    ban = ApplicantBan.objects.get()
    assert ban.ends_on == date(2031, 6, 1)
    log_in(page, owner.username)
    page.goto("/apply/")
    refusal = page.locator("main").inner_text()
    assert "自2026年6月2日起至2031年6月1日止，您不得申报市长质量奖" in refusal
    assert call.name not in refusal  # no button to start a dossier
    shoot(page, "7-applicant-refused")
