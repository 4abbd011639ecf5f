"""The office sets up a round's expert review in a real browser: records the review agency
and its engagement with the contract scan, adds an expert to the pool, enters the review
plan from the default stages, sees the working-day clock and a warning for a stage that
runs past the review period, and starts the review. Run on 2026-06-02 (a Tuesday); the
round is in qualification with one qualified application."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from applications.models import Cycle
from award_portal.accounts.enums import Role
from review.models import Engagement, Expert, ReviewPlan
from tests.factories import PASSWORD, UserFactory
from tests.factories.applications import pdf_bytes, uscc
from tests.factories.review import close_call, criteria_sets, qualify

from .axe import axe_violations
from .navigation import nav_click

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: ``PORTAL_SCREENSHOTS`` to keep them, else a temporary
    directory."""
    folder = Path(os.environ.get("PORTAL_SCREENSHOTS") or tmp_path) / "review-setup"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, shots, name):
    """The page at desktop and at phone width, whole."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def exact_label(page, text):
    """The field labelled exactly ``text`` (Django adds a colon after labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


@pytest.fixture
def round_in_qualification(cycle, office, applicant, org_dossier):
    criteria_sets()
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    return cycle


def test_office_sets_up_and_starts_the_review(page, round_in_qualification, shots, tmp_path):
    cycle = round_in_qualification
    clerk = UserFactory(username="review_clerk", role=Role.OFFICE)
    contract = tmp_path / "评审服务合同.pdf"
    contract.write_bytes(pdf_bytes())

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(clerk.username)
    exact_label(page, "密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")

    # the agency, with a mistyped credit code first
    nav_click(page, "评审机构")
    page.get_by_role("link", name="登记评审机构").click()
    exact_label(page, "名称").fill("内蒙古草原质量评审中心有限公司")
    exact_label(page, "统一社会信用代码").fill("91150100MA0000000X")
    exact_label(page, "地址").fill("呼和浩特市赛罕区")
    exact_label(page, "联系人").fill("李敏")
    page.get_by_role("button", name="保存").click()
    assert "统一社会信用代码" in page.locator(".has-error").inner_text()
    exact_label(page, "统一社会信用代码").fill(uscc(4242))
    page.get_by_role("button", name="保存").click()
    assert "评审机构已登记" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="开设账户").click()
    exact_label(page, "姓名").fill("李敏")
    exact_label(page, "用户名").fill("caoyuan_agency")
    exact_label(page, "电子邮箱").fill("li.min@example.invalid")
    page.get_by_role("button", name="创建账户").click()
    assert "设置密码的链接已发送至li.min@example.invalid" in page.locator(".messages").inner_text()
    assert "caoyuan_agency" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    snap(page, shots, "agency-detail")

    # its engagement for the round, with the contract scan
    page.goto(f"/review/rounds/{cycle.pk}/agency/")
    exact_label(page, "评审机构").select_option(label="内蒙古草原质量评审中心有限公司")
    exact_label(page, "采购方式").select_option(label="竞争性磋商")
    exact_label(page, "采购公告编号").fill("EHZC-2026-017")
    exact_label(page, "采购公告日期").fill("2026-05-06")
    exact_label(page, "合同编号").fill("HT-2026-031")
    exact_label(page, "合同金额（元）").fill("98000")
    exact_label(page, "服务期自").fill("2026-06-01")
    exact_label(page, "服务期至").fill("2026-12-31")
    exact_label(page, "服务内容").fill("市长质量奖材料评审、现场评审和陈述答辩的组织实施")
    page.get_by_label("合同扫描件").set_input_files(str(contract))
    page.get_by_role("button", name="保存").click()
    assert "评审机构委托信息已保存" in page.locator(".messages").inner_text()
    record = page.locator("section").filter(has_text="采购记录").inner_text()
    assert "98,000.00元" in record and "竞争性磋商" in record and "2026年5月6日" in record
    assert axe_violations(page) == []
    snap(page, shots, "engagement")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^下载")).click()
    assert download.value.suggested_filename == "评审服务合同.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # an expert of the office's pool, with a former employer
    nav_click(page, "评审专家库")
    page.get_by_role("link", name="添加评审专家").click()
    exact_label(page, "姓名").fill("高文")
    exact_label(page, "用户名").fill("gaowen")
    exact_label(page, "电子邮箱").fill("gaowen@example.invalid")
    exact_label(page, "工作单位").fill("内蒙古大学")
    exact_label(page, "职称").fill("教授")
    page.get_by_label("G 交通运输、仓储和邮政业").check()
    page.get_by_label("4.7 结果").check()
    exact_label(page, "评审资格").fill("自治区质量奖评审员")
    page.get_by_label("单位名称 1").fill("二连浩特市草原物流有限公司")
    page.get_by_label("离职年份 1").fill("2019")
    assert axe_violations(page) == []
    snap(page, shots, "expert-form")
    page.get_by_role("button", name="添加专家").click()
    assert "高文已加入评审专家库" in page.locator(".messages").inner_text()
    expert = Expert.objects.get(name="高文")
    assert expert.sectors == ["G"] and expert.categories == ["4.7"]
    assert list(expert.former_employers.values_list("until_year", flat=True)) == [2019]
    assert any("gaowen@example.invalid" in m.to for m in mail.outbox)
    main = page.locator("main").inner_text()
    assert "交通运输、仓储和邮政业" in main and "二连浩特市草原物流有限公司" in main

    # the plan: the default stages, the clock, one stage past the period
    page.goto(f"/review/rounds/{cycle.pk}/plan/")
    clock = page.locator("section").filter(has_text="评审期限").first.inner_text()
    assert "2026年7月1日" in clock  # 20 working days after 2026-06-02 (端午 on 06-19)
    stages = page.locator("table.stage-table")
    assert [h.inner_text() for h in stages.locator("thead th").all()][1:] == [
        "材料评审",
        "现场评审",
        "陈述答辩",
    ]
    snap(page, shots, "plan-new")
    page.get_by_label("开始日期（陈述答辩）").fill("2026-07-06")
    page.get_by_label("结束日期（陈述答辩）").fill("2026-07-10")
    page.get_by_role("button", name="保存评审方案").click()
    assert "评审方案已保存" in page.locator(".messages").inner_text()
    warning = page.locator("[role=alert]").filter(has_text="超出评审期限").inner_text()
    assert "陈述答辩" in warning and "2026年7月10日" in warning and "2026年7月1日" in warning
    assert axe_violations(page) == []
    snap(page, shots, "plan-warning")
    plan = ReviewPlan.objects.get(cycle=cycle)
    assert [s.kind for s in plan.stages.all()] == ["material", "onsite", "defence"]

    # start: what will happen, then the button
    page.get_by_role("link", name="开始专家评审…").click()
    main = page.locator("main").inner_text()
    assert "1份资格审查合格的申报材料" in main
    assert "材料评审" in main and "2026年7月1日24时前" in main
    assert axe_violations(page) == []
    snap(page, shots, "review-start")
    page.get_by_role("button", name="开始专家评审").click()
    assert "专家评审已开始" in page.locator(".messages").inner_text()
    assert "冻结" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="保存评审方案").count() == 0
    assert axe_violations(page) == []
    snap(page, shots, "plan-frozen")
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.state == "expert_review"
    assert ReviewPlan.objects.get(cycle=cycle).is_frozen
    assert Engagement.objects.get(cycle=cycle).contract_number == "HT-2026-031"

    # the criteria: the whole table, then a copy to edit as the next version
    nav_click(page, "评分标准")
    snap(page, shots, "criteria-list")
    page.get_by_role("link", name="卓越绩效评价准则（组织）").first.click()
    main = page.locator("main").inner_text()
    assert "（7个类目，23个评分条款）" in main and "4.7.7" in main
    assert "尚无系统的方法" in main  # the band guidance
    assert axe_violations(page) == []
    snap(page, shots, "criteria-detail")
    page.get_by_role("link", name="复制为新版本").click()
    exact_label(page, "新版本号").fill("2027")
    page.get_by_role("button", name="复制").click()
    assert "已复制为2027版本" in page.locator(".messages").inner_text()
    page.get_by_label("4.1.2 分值").fill("60")
    page.get_by_role("button", name="重新计算合计").click()
    assert (
        "4.1 领导：所属条款分值合计120分，与类目分值110分不符。"
        in page.locator("main").inner_text()
    )
    assert axe_violations(page) == []
    snap(page, shots, "criteria-edit")

    # the pool as the office sees it
    page.goto("/review/experts/?sector=G")
    assert "高文" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    snap(page, shots, "expert-list")
