"""After the panels score, in a real browser: the panel leader schedules the on-site visit
and records a finding with a photo; the agency books the defence slot and the applicant
confirms it; the office releases the feedback report and the applicant downloads the PDF;
the applicant rates a panel reporting misconduct and the office closes the case.

Run on the tests' fixed day, 2026-06-02. Screenshots at desktop and phone width go to
``$PORTAL_SCREENSHOTS`` when it is set (a temporary directory otherwise)."""

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from applications.enums import DossierState
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.enums import CaseState
from review.models import ConductRating, FeedbackReport, MisconductCase, OnsiteFinding
from review.services.onsite import items_to_choose
from review.services.plans import stage_close
from tests.factories import PASSWORD
from tests.factories.applications import pdf_bytes
from tests.factories.review_followup import at_onsite, declare, form_panel, score_and_confirm

from .axe import axe_violations
from .navigation import nav_click

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PLACE = "二连浩特市口岸物流园区综合楼"
REPORT = "现场评审期间有评审人员暗示安排宴请"


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


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("PORTAL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    world = at_onsite(office, cycle, applicant, org_dossier)
    for user in [office, world.staff, *(e.user for e in world.experts)]:
        user.set_password(PASSWORD)
        user.save()
    return world


def test_visit_defence_feedback_and_conduct(page, world, office, applicant, shots, tmp_path):
    page.set_viewport_size(DESKTOP)
    onsite, dossier = world.stages["onsite"], world.dossier

    # the panel leader schedules the on-site visit
    log_in(page, world.leader.user.username)
    page.goto(f"/review/stages/{onsite.pk}/visits/")
    page.get_by_role("link", name=re.compile(dossier.number)).click()
    page.get_by_label("现场评审日期").fill("2026-06-12")
    page.get_by_label("地点").fill(PLACE)
    assert page.get_by_label(re.compile("专家1号")).is_checked()
    assert page.get_by_label(re.compile("回避专家")).count() == 0  # recused: not offered
    page.get_by_label(re.compile(r"4\.1\.2 ")).check()
    page.get_by_label(re.compile(r"4\.7\.2 ")).check()
    page.get_by_role("button", name="安排现场评审").click()
    assert "已通知申报人" in messages(page)
    main = page.locator("main").inner_text()
    assert "2026年6月12日" in main and PLACE in main
    assert axe_violations(page) == []

    # and records a finding with a photo
    photo = tmp_path / "现场照片.pdf"
    photo.write_bytes(pdf_bytes())
    item = next(i for i in items_to_choose(onsite, dossier) if i.code == "4.7.2")
    page.get_by_label("评审条款").select_option(str(item.pk))
    page.get_by_label("发现新证据").check()
    page.get_by_label("现场所见").fill("现场查看了通关时效统计台账，较申报材料多出2025年下半年数据")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="保存核实情况").click()
    assert "核实情况已记录" in messages(page)
    finding = OnsiteFinding.objects.get()
    assert finding.attachment_name == "现场照片.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="现场照片.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf_bytes()
    shots(page, "visit")
    log_out(page)

    # the on-site stage ends; the defence stage opens with its panel
    score_and_confirm(world, "onsite")
    stage_close(actor=office, stage=onsite)
    form_panel(world, "defence")
    declare(world, "defence")
    defence = world.stages["defence"]

    # the agency books the defence slot
    log_in(page, world.staff.username)
    page.goto(f"/review/stages/{defence.pk}/slots/")
    page.get_by_label("开始时间").fill("2026-06-18T09:30")
    page.get_by_label("时长（分钟）").fill("40")
    page.get_by_label("会议室").fill("市市场监督管理局三楼会议室")
    page.get_by_role("button", name="保存答辩时段").click()
    assert "已通知申报人" in messages(page)
    assert "待申报人确认" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    shots(page, "slots")
    log_out(page)

    # the applicant reads its review page and confirms (a double click confirms once)
    log_in(page, applicant.username)
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="专家评审进展与反馈").click()
    main = page.locator("main").inner_text()
    assert "2026年6月12日" in main and PLACE in main
    assert "发现新证据" not in main and "通关时效统计台账" not in main  # not the findings
    assert world.leader.name not in main  # nor the experts
    assert "2026年6月18日 09:30" in main
    page.get_by_role("button", name="确认按时参加").dblclick()
    page.wait_for_url(re.compile("#defence$"))
    assert "于2026年6月2日确认" in page.locator("#defence").inner_text()
    assert AuditEvent.objects.filter(action=Action.SLOT_CONFIRMED).count() == 1
    assert axe_violations(page) == []
    shots(page, "applicant-review")
    log_out(page)

    # the defence stage ends: the review of the dossier concludes
    score_and_confirm(world, "defence")
    stage_close(actor=office, stage=defence)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REVIEWED

    # the office releases the feedback report
    log_in(page, office.username)
    page.goto(f"/office/cycles/{world.cycle.pk}/")
    page.get_by_role("link", name="评审反馈报告").click()
    page.get_by_role("button", name=f"发布 {dossier.number}").click()
    assert "评审反馈报告已发布" in messages(page)
    report = FeedbackReport.objects.get()
    assert report.document.number in page.locator("table").inner_text()
    assert axe_violations(page) == []
    shots(page, "feedback-release")
    log_out(page)

    # the applicant downloads the feedback PDF
    log_in(page, applicant.username)
    page.goto(f"/review/dossiers/{dossier.pk}/")
    feedback = page.locator("#feedback").inner_text()
    assert "4.1 领导" in feedback and "所达分数段" in feedback
    with page.expect_download() as download:
        page.get_by_role("link", name="评审反馈报告（PDF）").click()
    assert download.value.suggested_filename == f"feedback-{dossier.number}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    (Path(os.environ.get("PORTAL_SCREENSHOTS") or tmp_path) / "feedback.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    for category in ("领导", "战略", "顾客与市场", "资源", "过程管理", "测量、分析与改进", "结果"):
        assert category in text
    assert "现场评审：4.1方法系统、展开充分" in text  # the panel's strengths
    assert report.document.number in text
    for expert in [*world.experts, world.conflicted]:
        assert expert.name not in text

    assert axe_violations(page) == []
    shots(page, "applicant-feedback")

    # and rates the on-site panel, reporting misconduct
    panel = world.panels["onsite"]
    page.locator("summary", has_text=panel.name).click()
    form = page.locator(f"form:has(input[name=panel][value='{panel.pk}'])")
    for name, score in (("timeliness", "4"), ("confidentiality", "5"), ("integrity", "1")):
        form.locator(f"input[name=p{panel.pk}-{name}][value='{score}']").check()
    form.get_by_label("我要反映评审人员的违纪行为").check()
    form.get_by_label("具体情况").fill(REPORT)
    form.get_by_role("button", name="提交评价").click()
    assert "评价已提交" in messages(page)
    rating = ConductRating.objects.get(panel=panel)
    assert (rating.integrity, rating.misconduct) == (1, True)
    assert axe_violations(page) == []
    log_out(page)

    # the office closes the case with its outcome
    log_in(page, office.username)
    nav_click(page, "双向监督评价")
    assert REPORT not in page.locator("main").inner_text()  # the report is on the case page
    page.get_by_role("link", name=re.compile(dossier.number)).first.click()
    assert REPORT in page.locator("main").inner_text()
    shots(page, "case")
    page.get_by_label("处理结果").fill("经核查属实，已将相关评审人员移出专家库，并通报评审机构。")
    page.get_by_role("button", name="办结").click()
    assert "已办结" in messages(page)
    case = MisconductCase.objects.get()
    assert (case.state, case.closed_by) == (CaseState.CLOSED, office)
    assert axe_violations(page) == []


OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-wrap'))
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""


def test_the_applicants_review_page_fits_a_phone_in_elderly_mode(
    browser, live_server, world, office, applicant
):
    """长辈版 at the largest text on a 390×844 phone: the applicant's review page, with its
    visit and a defence by video (a long link), never becomes wider than the phone (wide
    tables scroll in their box)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from review.services.defence import slot_save
    from review.services.onsite import finding_record, visit_save

    onsite = world.stages["onsite"]
    visit = visit_save(
        actor=world.leader.user,
        stage=onsite,
        dossier=world.dossier,
        visit_date=date(2026, 6, 12),
        place=PLACE + "三层第一会议室（请携带身份证件登记入场）",
        team=world.experts[:2],
        items=items_to_choose(onsite, world.dossier)[:2],
    )
    finding_record(
        actor=world.leader.user,
        visit=visit,
        criterion=visit.items_to_verify.first(),
        status="verified",
        note="现场核实",
    )
    score_and_confirm(world, "onsite")
    stage_close(actor=office, stage=onsite)
    form_panel(world, "defence")
    declare(world, "defence")
    slot_save(
        actor=world.staff,
        stage=world.stages["defence"],
        dossier=world.dossier,
        starts_at=datetime(2026, 6, 18, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        minutes=40,
        video_link="https://meeting.example.invalid/j/8842917730?pwd=Zk9YQ2x1bWZxNnVtT0hBWlNpRzJrdz09",
    )
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (("portal_font", "larger"), ("portal_elderly", "1"))
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, applicant.username)
        page.goto(f"/review/dossiers/{world.dossier.pk}/")
        assert page.locator("main h1").is_visible()
        assert page.evaluate(OVERFLOW) <= 0, page.evaluate(WIDE)
    finally:
        context.close()
