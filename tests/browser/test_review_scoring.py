"""Scoring in a real browser: three experts score all 23 items of GB/T 19580 with the band
guidance beside them; the leader returns one sheet, which is scored again and submitted;
the leader reconciles a dispersed item with a reason and confirms; the office sees the
ranking on the board and closes the stage. Screenshots at desktop and phone width are
written to var/screenshots/ (look at them)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from review.enums import StageState
from review.models import ReviewStage, StageResult
from review.services.scoring import criteria_of
from tests.factories import PASSWORD
from tests.factories.scoring import running_stage

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def exact_label(page, text):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    exact_label(page, "密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"review-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant], conflicted=False)
    for user in [office, *(e.user for e in running.members)]:
        user.set_password(PASSWORD)
        user.save()
    return running


def score(page, running, expert, percents, *, screenshot=False):
    """Open the sheet, check the guidance is on screen, rate all items, comment, save,
    check the computed total, submit."""
    assignment = running.assignment(expert)
    categories, items = criteria_of(running.stage, running.dossiers[0])
    page.goto(reverse("review:sheet", args=[assignment.pk]))
    # the band guidance beside the items: ADLI for processes, LeTCI for results
    assert page.get_by_text("方法基本未展开", exact=False).first.is_visible()
    assert page.get_by_text("没有趋势数据", exact=False).first.is_visible()
    assert page.locator("select[name^=item_]").count() == 23
    for item in items:
        page.locator(f"select[name=item_{item.pk}]").select_option(str(percents[item.pk]))
    for category in categories:
        page.locator(f"textarea[name=strengths_{category.pk}]").fill(f"{category.code}方法系统")
        page.locator(f"textarea[name=opportunities_{category.pk}]").fill(
            f"{category.code}改进有待深化"
        )
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.locator(".messages").inner_text()
    total = sum(item.points * percents[item.pk] for item in items) / 100
    assert f"总分：{total:.2f} / 1000" in page.locator(".sheet-total").inner_text()
    if screenshot:
        assert axe_violations(page) == []
        shoot(page, "sheet")
    page.get_by_role("button", name="提交评分表").click()
    assert "评分表已提交并锁定" in page.locator(".messages").inner_text()


def test_three_experts_score_the_leader_reconciles_the_office_closes(page, running):
    leader, member, third = running.members
    dossier = running.dossiers[0]
    _categories, items = criteria_of(running.stage, dossier)
    spread = items[0]  # 4.1.2: the third expert sees it very differently
    plan = {
        leader: {i.pk: 60 for i in items},
        member: {i.pk: 65 for i in items},
        third: {**{i.pk: 60 for i in items}, spread.pk: 20},
    }
    for index, expert in enumerate(running.members):
        log_in(page, expert.user.username)
        score(page, running, expert, plan[expert], screenshot=index == 0)

    # the leader sees the sheets side by side, the dispersed item marked, and returns one
    log_in(page, leader.user.username)
    page.goto(reverse("review:result", args=[running.stage.pk, dossier.pk]))
    dispersed = page.locator("tr.dispersed")
    assert dispersed.count() == 1
    assert spread.code in dispersed.inner_text() and "需合议" in dispersed.inner_text()
    assert axe_violations(page) == []
    shoot(page, "result")
    page.get_by_role("link", name=f"退回{member.name}的评分表").click()
    exact_label(page, "理由").fill("4.1.2 评分依据不足，请复核")
    page.get_by_role("button", name="退回评分表").click()
    assert "已退回" in page.locator(".messages").inner_text()

    # the expert reads why, scores again and submits
    log_in(page, member.user.username)
    page.goto(reverse("review:sheet", args=[running.assignment(member).pk]))
    assert "4.1.2 评分依据不足，请复核" in page.locator("main").inner_text()
    page.locator(f"select[name=item_{spread.pk}]").select_option("50")
    page.get_by_role("button", name="提交评分表").click()
    assert "评分表已提交并锁定" in page.locator(".messages").inner_text()

    # the leader reconciles the dispersed item with a reason and confirms
    log_in(page, leader.user.username)
    page.goto(reverse("review:result", args=[running.stage.pk, dossier.pk]))
    agreed = page.locator(f"select[name=agreed_{spread.pk}]")
    assert agreed.input_value() == "45"  # (60 + 50 + 20) / 3 = 43.33, rounded to 45
    agreed.select_option("50")
    page.get_by_role("button", name="确认评审组结果").click()
    assert "请说明理由" in page.locator("main").inner_text()  # the reason is required
    assert not StageResult.objects.exists()
    page.locator(f"input[name=reason_{spread.pk}]").fill("合议认为领导作用展开较好，取50%")
    page.get_by_role("button", name="确认评审组结果").click()
    assert "评审组结果已确认" in page.locator(".messages").inner_text()
    result = StageResult.objects.get()
    assert result.items.get(criterion=spread).reason == "合议认为领导作用展开较好，取50%"

    # the office: the ranking on the board, then the stage closed
    log_in(page, "office_clerk")
    page.goto(reverse("review:board", args=[running.cycle.pk]))
    board = page.locator("table.board").first.inner_text()
    assert dossier.number in board and f"{result.score} / 1000" in board
    assert axe_violations(page) == []
    shoot(page, "board")
    page.get_by_role("link", name=re.compile("结束本阶段")).click()
    assert dossier.number in page.locator("main").inner_text()
    shoot(page, "stage-close")
    page.get_by_role("button", name="结束本阶段").click()
    assert "已结束" in page.locator(".messages").inner_text()
    assert ReviewStage.objects.get(pk=running.stage.pk).state == StageState.CLOSED
