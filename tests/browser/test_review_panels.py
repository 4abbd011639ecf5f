"""Panels, the proposal and conflicts of interest in a real browser: the agency forms a
panel, invites experts and uses the proposal; a likely conflict (an expert working for an
applicant) is refused and the office decides it; the experts accept; one declares a
conflict and loses access, another declares none and goes on to its sheet. Run on
2026-06-02 (a known working day). Screenshots at desktop and phone width go to
``var/screenshots/review-panels/``."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from applications.models import Dossier
from award_portal.accounts.enums import Role
from review.enums import AssignmentState, FlagState
from review.models import Assignment, ConflictFlag, PanelDossier
from review.services.plans import review_start
from tests.factories import PASSWORD, ApplicantFactory, UserFactory
from tests.factories.applications import announced_cycle, organisation_for, ready_dossier
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.DATA_DIR) / "screenshots" / "review-panels"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def june(db):
    moment = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        yield


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def review_round(june, edition_2021):
    """Two qualified organisations in expert review; the engaged agency's pool holds
    three experts and one who works for the second organisation."""
    office = UserFactory(username="clerk", role=Role.OFFICE)
    cycle = announced_cycle(office, edition_2021)
    dossiers = []
    for username, name in (
        ("caoyuan", "二连浩特市草原物流有限公司"),
        ("jiance", "二连浩特市口岸检测有限公司"),
    ):
        user = ApplicantFactory(username=username)
        organisation_for(user, name=name)
        dossier = ready_dossier(user, cycle)
        qualify(office, dossier, user)
        dossiers.append(Dossier.objects.get(pk=dossier.pk))
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = with_password(agency_user(office, agency))
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    experts = [expert_for(staff, name=name) for name in ("张组长", "李评审", "王评审")] + [
        expert_for(staff, name="赵专家", employer="二连浩特市口岸检测有限公司")
    ]
    for expert in experts:
        with_password(expert.user)
    return {
        "office": office,
        "cycle": cycle,
        "staff": staff,
        "experts": experts,
        "dossiers": [Dossier.objects.get(pk=d.pk) for d in dossiers],
    }


def exact_label(page, text):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    exact_label(page, "密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("button", name="退出").click()


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def shoot(browser, live_server, page, name: str) -> None:
    """The page as it is now, at desktop width, and the same address at phone width
    (the same session), without horizontal scrolling on the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="en-US"
    )
    phone.add_cookies(page.context.cookies())
    other = phone.new_page()
    other.goto(page.url)
    other.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    overflow = other.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    phone.close()
    assert overflow <= 0, name


def test_panels_proposal_and_conflicts(browser, live_server, page, review_round):
    page.set_viewport_size(DESKTOP)
    cycle = review_round["cycle"]
    first, second = review_round["dossiers"]
    leader, member, conflicted, insider = review_round["experts"]

    # the agency forms a panel and invites three experts and the insider
    log_in(page, review_round["staff"].username)
    page.goto(f"/review/rounds/{cycle.pk}/panels/")
    assert "本阶段尚无评审组。" in page.locator("main").inner_text()
    exact_label(page, "评审组名称").fill("第一评审组")
    page.get_by_role("button", name="创建评审组").click()
    assert "已创建评审组“第一评审组”。" in messages(page)
    page.get_by_role("button", name=f"邀请任组长 {leader.name}").click()
    assert f"已邀请{leader.name}" in messages(page)
    for expert in (member, conflicted, insider):
        page.get_by_role("button", name=f"邀请 {expert.name}", exact=True).click()
        assert f"已邀请{expert.name}" in messages(page)
    members = page.locator("table").first.inner_text()
    assert "张组长（组长）" in members and members.count("已邀请") == 4
    assert axe_violations(page) == []
    shoot(browser, live_server, page, "panel-detail")

    # the proposal places the first dossier; the insider keeps the second out
    page.get_by_role("link", name="返回评审组").click()
    page.get_by_role("link", name="生成分配建议").click()
    rows = page.locator("tbody").first.inner_text()
    assert first.number in rows and second.number in rows
    assert "未能分配" in rows and "赵专家" in rows
    assert axe_violations(page) == []
    shoot(browser, live_server, page, "proposal")
    page.get_by_role("button", name="按此分配").click()
    assert "已将1份申报分配给评审组。" in messages(page)
    assert PanelDossier.objects.get(dossier=first).panel.name == "第一评审组"

    # given by hand, the second dossier is refused: the likely conflict awaits the office
    waiting = page.locator("section", has=page.get_by_role("heading", name="未分配评审组的申报"))
    waiting.get_by_role("button", name="分配").click()
    text = messages(page)
    assert "待协调办公室处理" in text and "赵专家" in text
    assert not PanelDossier.objects.filter(dossier=second).exists()
    assert "待协调办公室认定的疑似利害关系" in page.locator("main").inner_text()
    shoot(browser, live_server, page, "panels")
    log_out(page)

    # the office confirms the likely conflict with a reason
    log_in(page, review_round["office"].username)
    page.goto(f"/review/rounds/{cycle.pk}/conflicts/")
    page.get_by_role("link", name=f"认定 {insider.name} {second.number}").click()
    page.get_by_label("确认存在利害关系：该专家对该申报回避").check()
    exact_label(page, "理由").fill("该专家现任职于申报单位")
    page.get_by_role("button", name="记录认定").click()
    assert "疑似利害关系已认定：确认存在利害关系。" in messages(page)
    register = page.locator("section", has=page.get_by_role("heading", name="回避登记表"))
    assert "该专家现任职于申报单位" in register.inner_text()
    assert axe_violations(page) == []
    shoot(browser, live_server, page, "conflicts")
    assert ConflictFlag.objects.get(expert=insider).state == FlagState.CONFIRMED
    log_out(page)

    # now the agency can give the second dossier to the panel
    log_in(page, review_round["staff"].username)
    page.goto(f"/review/rounds/{cycle.pk}/panels/")
    waiting = page.locator("section", has=page.get_by_role("heading", name="未分配评审组的申报"))
    waiting.get_by_role("button", name="分配").click()
    assert f"{second.number}已分配给“第一评审组”。" in messages(page)
    log_out(page)

    # every expert accepts; the insider is offered the first dossier only
    for expert in (leader, member, conflicted, insider):
        log_in(page, expert.user.username)
        page.goto("/review/expert/")
        page.get_by_role("link", name="第一评审组").click()
        page.get_by_label("接受邀请").check()
        page.get_by_role("button", name="提交答复").click()
        assert "您已加入“第一评审组”" in messages(page)
        if expert is leader:
            assert axe_violations(page) == []
            shoot(browser, live_server, page, "expert-home")
        log_out(page)
    assert set(Assignment.objects.filter(expert=insider).values_list("dossier", flat=True)) == {
        first.pk
    }

    # one expert declares a conflict and loses access to that dossier
    log_in(page, conflicted.user.username)
    page.goto("/review/expert/")
    declare = page.get_by_role("link", name=f"声明 {first.applicant_name}")
    declare.click()
    declare_url = page.url
    assert "第二十五条" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    shoot(browser, live_server, page, "declare")
    page.get_by_label("本人与该申报者存在利害关系").check()
    exact_label(page, "利害关系类型").select_option(label="为申报方提供咨询或顾问服务")
    exact_label(page, "说明").fill("近两年为其提供质量管理咨询")
    page.get_by_label(re.compile("本人知悉")).check()
    page.get_by_role("button", name="提交声明").click()
    assert "回避" in messages(page)
    to_declare = page.locator(
        "section", has=page.get_by_role("heading", name="待声明利害关系的申报")
    )
    assert first.applicant_name not in to_declare.inner_text()
    assert second.applicant_name in to_declare.inner_text()
    assert (
        first.applicant_name
        in page.locator(
            "section", has=page.get_by_role("heading", name="您的回避记录")
        ).inner_text()
    )
    assigned = Assignment.objects.get(expert=conflicted, dossier=first)
    assert assigned.state == AssignmentState.RECUSED
    for url in (declare_url, f"/review/assignments/{assigned.pk}/"):
        assert page.goto(url).status == 404
    log_out(page)

    # another declares no conflict and goes on to the score sheet
    log_in(page, member.user.username)
    page.goto("/review/expert/")
    page.get_by_role("link", name=f"声明 {first.applicant_name}").click()
    page.get_by_label("本人与该申报者不存在利害关系").check()
    page.get_by_role("button", name="提交声明").click()
    sheet = Assignment.objects.get(expert=member, dossier=first)
    assert sheet.state == AssignmentState.DECLARED
    page.wait_for_url(f"**/review/assignments/{sheet.pk}/")
    page.goto("/review/expert/")
    to_score = page.locator("section", has=page.get_by_role("heading", name="待完成的评分表"))
    assert first.number in to_score.inner_text()
