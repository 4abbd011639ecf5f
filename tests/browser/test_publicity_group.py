"""A working-group member in a real browser: logs in, reads the candidates' summaries,
declares a conflict with one (it disappears), votes on the others while the office has
the meeting open, and sees the tallies only once the office has closed it. The pages
pass axe; screenshots at desktop and phone width are written to var/screenshots/."""

import re
from pathlib import Path

import pytest

from publicity.services.group import ballot_close, meeting_close, open_ballots, vote_cast
from tests.factories import PASSWORD
from tests.factories.group import four_candidates, open_meeting

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"group-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def test_member_reads_recuses_votes_and_sees_the_tallies_after_the_close(
    page, cycle, office, applicant, person_user, june_2026
):
    group = four_candidates(office, cycle, june_2026, applicant, person_user)
    d0, d1, d2, person = group.dossiers
    me = group.members[2]
    page.set_viewport_size(DESKTOP)
    log_in(page, me.user.username)
    assert cycle.name in page.locator("main").inner_text()
    page.get_by_role("link", name="审议").first.click()
    page.get_by_role("link", name=cycle.name).click()
    main = page.locator("main")
    assert d0.applicant_name in main.inner_text()
    assert "会议结束前，投票和计票情况保密" in main.inner_text()
    assert axe_violations(page) == []
    shoot(page, "round")

    # a candidate's summary: the review's figures and comments, the public's comment
    page.get_by_role("link", name=d0.applicant_name, exact=True).click()
    text = page.locator("main").inner_text()
    assert "社会意见及处理情况" in text and "该企业曾发生产品质量投诉" in text
    assert "张三丰" not in text and "核心工艺" not in text
    assert axe_violations(page) == []
    shoot(page, "summary")

    # a conflict with 乙: declared with a note, and 乙 is gone from the member's pages
    page.goto(f"/group/rounds/{cycle.pk}/")
    page.get_by_role("link", name=f"申请回避 {d1.applicant_name}").click()
    page.get_by_role("button", name="提交回避申请").click()
    assert "请说明利害关系" in page.locator(".errorlist").inner_text()
    page.get_by_label("利害关系情形").fill("本人配偶在该公司任职。")
    page.get_by_role("button", name="提交回避申请").click()
    page.wait_for_url(f"**/group/rounds/{cycle.pk}/")
    text = page.locator("main").inner_text()
    assert "已记录您的回避申请" in text and "您已申请回避" in text
    assert d1.applicant_name not in text
    assert page.goto(f"/group/rounds/{cycle.pk}/dossiers/{d1.pk}/").status == 404

    # the office opens the meeting; the member votes on the others, once
    open_meeting(office, group.meeting, group.members)
    page.goto("/group/")
    page.get_by_role("link", name="投票 组织").click()
    labels = [legend.inner_text() for legend in page.locator("fieldset legend").all()]
    assert [label.split("（")[0] for label in labels] == [d0.applicant_name, d2.applicant_name]
    assert axe_violations(page) == []
    shoot(page, "vote")
    ballot_url = page.url
    page.get_by_role("button", name="提交投票").click()
    assert "请对每一个候选对象选择" in page.locator("main").inner_text()
    page.locator("fieldset").nth(0).get_by_label("同意", exact=True).check()
    page.locator("fieldset").nth(1).get_by_label("不同意").check()
    page.get_by_role("button", name="提交投票").click()
    text = page.locator("main").inner_text()
    assert "您的投票已记录" in text
    assert page.locator("input[type=radio]").count() == 0
    # the others vote; before the close the member sees no tally anywhere
    for ballot in open_ballots(group.meeting):
        for member in group.members:
            if member == me and ballot.kind == "organisation":
                continue
            recused = set(member.conflicts.values_list("dossier_id", flat=True))
            vote_cast(
                actor=member.user,
                ballot=ballot,
                choices={d.pk: "yes" for d in ballot.candidates.all() if d.pk not in recused},
            )
    page.goto(f"/group/rounds/{cycle.pk}/")
    assert "出席且未回避的成员" not in page.locator("main").inner_text()
    for ballot in open_ballots(group.meeting):
        ballot_close(actor=office, ballot=ballot)
    meeting_close(actor=office, meeting=group.meeting)

    # after the close: the tallies and the decided list, 乙 still hidden
    page.goto(ballot_url)
    text = page.locator("main").inner_text()
    assert "出席且未回避的成员" in text and "拟授奖名单" in text
    assert d1.applicant_name not in text
    assert axe_violations(page) == []
    shoot(page, "tallies")
    # on a phone each candidate is a card: its outcome in view without scrolling sideways
    page.set_viewport_size(PHONE)
    outcome = page.locator("main table.cards tbody tr").first.locator("td").last
    box = outcome.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.set_viewport_size(DESKTOP)
    page.goto(f"/group/rounds/{cycle.pk}/")
    text = page.locator("main").inner_text()
    assert "会议纪要（PDF）" in text and person.applicant_name in text
    assert d1.applicant_name not in text
