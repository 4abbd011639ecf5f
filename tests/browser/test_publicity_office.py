"""The coordination office's half of issue 9 in a real browser: it publishes the review
results, weighs a comment, ranks with a move citing it, submits the candidate list,
schedules and opens the meeting, records a paper ballot, closes the ballots and the
meeting, downloads the minutes, publishes the decided list, handles an objection up to the
working group's decision to cancel, ends the publicity after the period and records the
government's approval. The public's comment and objection and the members' own votes go
through the services (those pages belong to others). Screenshots at desktop and phone
width land in var/screenshots/publicity-office/."""

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from award_portal.accounts.enums import Role
from publicity.models import Award, Meeting, Objection, PublicityNotice
from publicity.services.group import conflict_declare, vote_cast
from tests.factories import PASSWORD, ApplicantFactory, UserFactory
from tests.factories.applications import (
    announced_cycle,
    individual_for,
    organisation_for,
    pdf_bytes,
    ready_dossier,
)
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    COMMENT_CLOSES,
    IN_PUBLICITY,
    comment_on,
    object_to,
)
from tests.factories.review import review_through

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "publicity-office"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def exact_label(page, text):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    exact_label(page, "密码").fill(password)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def shoot(page, name: str) -> None:
    """The page as it is now, at desktop and phone width, and no axe violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert axe_violations(page) == [], name
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def message(page) -> str:
    return page.locator(".messages").inner_text()


def confirm(page, button: str) -> None:
    """The confirmation page: it says nothing has changed yet; the button does it."""
    assert "目前尚未作任何更改" in page.locator("main").inner_text()
    page.get_by_role("button", name=button).click()


@pytest.fixture
def traveller(db):
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SH), tick=True) as moving:
        yield moving


@pytest.fixture
def reviewed_round(traveller, edition_2021):
    """Two organisations and one person through the expert review; a working group of
    four, one of whom is a shareholder of the best organisation."""
    office = UserFactory(username="clerk", display_name="王文书", role=Role.OFFICE)
    cycle = announced_cycle(office, edition_2021)
    pairs = []
    for n in range(2):
        user = ApplicantFactory(username=f"org_b{n}")
        organisation_for(user)
        pairs.append((user, ready_dossier(user, cycle)))
    person = ApplicantFactory(username="person_b", applicant_kind="individual")
    individual_for(person)
    pairs.append((person, ready_dossier(person, cycle)))
    review_through(office, cycle, pairs)
    group = [
        UserFactory(username=f"wg_b{n}", display_name=name, role=Role.WORKING_GROUP)
        for n, name in enumerate(["赵副市长", "钱局长", "孙主任", "李处长"])
    ]
    return office, cycle, [Dossier.objects.get(pk=d.pk) for _u, d in pairs], group


def test_the_office_takes_a_round_from_the_results_to_the_approval(
    page, reviewed_round, traveller, tmp_path
):
    office, cycle, (org_low, org_high, person), group = reviewed_round
    page.set_viewport_size(DESKTOP)
    log_in(page, office.username)

    # 1. the notice of the review results, from the round's hub
    page.goto(f"/office/cycles/{cycle.pk}/")
    page.get_by_role("link", name="评审结果公示").first.click()
    exact_label(page, "标题").fill("第三届市长质量奖评审结果公示")
    page.get_by_label("显示评审综合得分").check()
    page.get_by_role("button", name="预览名单").click()
    assert "综合得分" in page.locator("main").inner_text()
    page.get_by_role("button", name="保存草稿").click()
    assert "公示草稿已保存" in message(page)
    shoot(page, "01-notice-draft")
    page.get_by_role("button", name="发布…").click()
    shoot(page, "02-notice-confirm")
    confirm(page, "立即发布")
    assert "评审结果已发布" in message(page)
    assert "2026年6月3日" in page.locator("main").inner_text()  # comments from
    shoot(page, "03-notice-published")

    # 2. a comment comes in (the public's page is another's); the office weighs it
    notice = cycle.results_notice
    comment = comment_on(notice, org_high, name="张三", text="该企业去年发生过产品召回，请核实。")
    page.get_by_role("link", name="公众意见", exact=True).click()
    assert "139****5678" in page.locator("main").inner_text()
    shoot(page, "04-comments")
    page.get_by_role("link", name=comment.receipt_number).click()
    assert "13912345678" in page.locator("main").inner_text()  # the office verifies it
    page.get_by_label("予以采纳").check()
    exact_label(page, "理由").fill("经核实，该企业2025年发生一次产品召回，已整改。")
    shoot(page, "05-comment-weigh")
    page.get_by_role("button", name="记录处理意见").click()
    assert f"意见{comment.receipt_number}已处理" in message(page)
    assert "暂不能结束" in page.locator("main").inner_text()  # the minimum period runs

    traveller.move_to(COMMENT_CLOSES)
    log_in(page, office.username)  # a session lasts a working day
    page.goto(f"/office/rounds/{cycle.pk}/comments/")
    page.get_by_role("button", name="结束公开征求意见…").click()
    confirm(page, "结束公开征求意见")
    assert "公开征求意见已结束" in message(page)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.GROUP_VOTE

    # 3. the ranking: the best organisation goes down, citing the comment
    page.get_by_role("link", name="综合排序和审议候选名单").click()
    assert comment.receipt_number in page.locator("main").inner_text()
    page.get_by_role("button", name=re.compile(rf"下移\s*：{org_high.applicant_name}")).click()
    assert "尚未保存" in message(page)
    main = page.locator("main").inner_text()
    assert main.index(org_low.applicant_name) < main.index(org_high.applicant_name)
    for dossier in (org_high, org_low, person):
        page.locator(f"#list_{dossier.pk}").check()
    reason = f"依据公众意见{comment.receipt_number}，该企业发生产品召回，调整至第二位"
    page.locator(f"#reason_{org_high.pk}").fill(reason)
    page.locator(f"#reason_{org_low.pk}").fill(f"因{comment.receipt_number}所涉企业下调而上升")
    page.get_by_role("button", name="保存综合排序").first.click()
    assert "综合排序已保存" in message(page)
    shoot(page, "06-ranking")
    page.get_by_role("button", name="提交审议候选名单…").click()
    confirm(page, "提交审议候选名单")
    assert "审议候选名单" in message(page)
    shoot(page, "07-ranking-submitted")

    # 4. the roster: three members through the services, one through the page
    from publicity.services.group import member_add

    members = [
        member_add(
            actor=office,
            cycle=cycle,
            user=user,
            position=position,
            department=department,
            since=datetime(2026, 7, 1).date(),
        )
        for user, position, department in zip(
            group[:3],
            ["leader", "deputy", "member"],
            ["二连浩特市人民政府副市长", "市市场监督管理局局长", "市发展和改革委员会主任"],
            strict=True,
        )
    ]
    page.get_by_role("link", name="专项工作组", exact=True).click()
    page.get_by_label("账户").select_option(label=f"{group[3].display_name}（{group[3].username}）")
    exact_label(page, "职务").select_option("member")
    page.get_by_label("单位及职务").fill("市财政局副局长")
    page.get_by_role("button", name="加入专项工作组").click()
    assert "李处长已加入专项工作组" in message(page)
    shoot(page, "08-roster")
    from publicity.models import GroupMember

    members.append(GroupMember.objects.get(user=group[3], cycle=cycle))
    conflict_declare(actor=group[3], cycle=cycle, dossier=org_low, note="系该企业股东")

    # 5. the meeting
    page.get_by_role("link", name="全体成员会议").click()
    page.get_by_label("日期和时间").fill("2026-07-20T14:30")
    page.get_by_label("地点").fill("市政府三楼第一会议室")
    page.get_by_label("议程").fill("审议第三届市长质量奖拟授奖名单")
    page.get_by_role("button", name="安排会议并通知成员").click()
    assert "会议已安排" in message(page)
    for member in members:
        page.get_by_label(re.compile(member.user.display_name)).check()
    shoot(page, "09-meeting-scheduled")
    page.get_by_role("button", name="按此出席情况宣布会议开始").click()
    assert "会议开始" in message(page)
    meeting = Meeting.objects.get(cycle=cycle)
    org_ballot = meeting.ballots.get(kind="organisation")
    person_ballot = meeting.ballots.get(kind="individual")
    # the members vote in the portal (another's page), all but the deputy
    for member in (members[0], members[2], members[3]):
        recused = set(member.conflicts.values_list("dossier_id", flat=True))
        vote_cast(
            actor=member.user,
            ballot=org_ballot,
            choices={
                d.pk: "yes" if d == org_low else "no"
                for d in org_ballot.candidates.all()
                if d.pk not in recused
            },
        )
    for member in members:
        vote_cast(actor=member.user, ballot=person_ballot, choices={person.pk: "yes"})
    shoot(page, "10-meeting-in-session")
    page.get_by_role("link", name="组织：第一轮表决").click()
    main = page.locator("main").inner_text()
    assert "尚未投票" in main and "计票结果" not in main
    page.get_by_text("录入钱局长的纸质选票").click()
    paper = page.locator("details[open] form")
    paper.get_by_label("同意", exact=True).first.check()  # the first candidate: org_low
    paper.get_by_label("不同意", exact=True).last.check()
    shoot(page, "11-ballot-paper")
    page.get_by_role("button", name="录入钱局长的选票").click()
    assert "钱局长的纸质选票已录入" in message(page)
    page.get_by_role("button", name="结束本轮表决").click()
    assert "本轮表决已结束" in message(page)
    page.goto(f"/office/ballots/{person_ballot.pk}/")
    page.get_by_role("button", name="结束本轮表决").click()
    page.get_by_role("button", name="结束会议…").click()
    confirm(page, "结束会议")
    assert "会议纪要已生成" in message(page)
    shoot(page, "12-meeting-closed")
    with page.expect_download() as download:
        page.get_by_role("link", name="会议纪要（PDF）").first.click()
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages
    ).replace("\n", "")
    meeting.refresh_from_db()
    for expected in (
        meeting.minutes.number,
        "全体成员会议纪要",
        "专项工作组现有成员4名，出席4名",
        "李处长（成员）声明与" + org_low.applicant_name,
        "钱局长",
        "组织（名额1名）：" + org_low.number,
        "个人（名额1名）：" + person.number,
    ):
        assert expected in text, expected
    assert Dossier.objects.get(pk=org_low.pk).state == DossierState.PROPOSED

    # 6. publicity, an objection, the group cancels the candidacy
    page.get_by_role("link", name="公示和异议处理").click()
    assert "2026年7月21日" in page.locator("main").inner_text()
    shoot(page, "13-publicity-draft")
    page.get_by_role("button", name="发布…").click()
    confirm(page, "立即发布")
    assert "拟授奖名单已公示" in message(page)
    traveller.move_to(IN_PUBLICITY)
    objection = object_to(PublicityNotice.objects.get(cycle=cycle), org_low, name="周五")
    log_in(page, office.username)
    page.goto(f"/office/rounds/{cycle.pk}/publicity/")
    page.get_by_role("link", name=objection.receipt_number).click()
    main = page.locator("main").inner_text()
    assert objection.id_number_masked in main and "周五" in main
    shoot(page, "14-objection")
    page.get_by_label("调查措施和取得的证据").fill("调取该企业近三年质量抽检记录，约谈企业负责人。")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_label("异议成立", exact=True).check()
    page.get_by_label("核实结论及理由").fill("经核实，该企业申报材料中的质量成果存在虚报。")
    page.get_by_role("button", name="记录核实结论").click()
    assert "已以短信告知异议人" in message(page)
    page.get_by_label("取消该候选对象的资格").check()
    page.get_by_label("书面表决").check()
    for member in members[:3]:
        page.get_by_label(re.compile(member.user.display_name)).check()
    page.get_by_label("决定记录").fill("专项工作组书面表决，同意取消该企业候选资格。")
    shoot(page, "15-objection-group")
    page.get_by_role("button", name="记录决定").click()
    assert "取消该候选对象资格" in message(page)
    assert Objection.objects.get().state == "founded"
    assert Dossier.objects.get(pk=org_low.pk).state == DossierState.CANCELLED_AFTER_OBJECTION

    traveller.move_to(AFTER_PUBLICITY)
    log_in(page, office.username)
    page.goto(f"/office/rounds/{cycle.pk}/publicity/")
    page.get_by_label("公示结果").fill("公示期满。经调查核实，取消一家单位的候选资格。")
    page.get_by_role("button", name="结束公示…").click()
    confirm(page, "结束公示")
    assert "公示已结束" in message(page)
    shoot(page, "16-publicity-ended")

    # 7. the government's approval; the award
    page.get_by_role("link", name="批复", exact=True).click()
    page.get_by_label("批复文号").fill("二政字〔2026〕88号")
    page.get_by_label("批复日期").fill("2026-07-30")
    scan = tmp_path / "批复.pdf"
    scan.write_bytes(pdf_bytes())
    page.get_by_label("批复扫描件").set_input_files(str(scan))
    shoot(page, "17-approval")
    page.get_by_role("button", name="记录批复并授奖").click()
    assert "获奖者已授奖" in message(page)
    award = Award.objects.get()
    assert award.dossier_id == person.pk
    main = page.locator("main").inner_text()
    assert award.certificate_number in main and "2029年7月29日" in main
    assert "组织：空缺1个名额" in main
    shoot(page, "18-awards")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.AWARDED
