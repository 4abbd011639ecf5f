"""The browser walk's findings on the review's pages, through Django's client: the hub's
review clock and the link to publish the results, no placeholder on the dashboards, the
criteria note in Chinese, Chinese dates, item names beside codes, phone numbers checked,
panels renamed and deleted, every notice's link opening for its expert, the individual's
data on the declaration page, one label per state, the result page's headings, stage
and legend, recusals kept after their stage, suggested dates after the call."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Cycle
from award_portal.accounts.enums import Role
from award_portal.audit.models import AuditEvent
from award_portal.documents.templatetags.official import day
from award_portal.notifications.models import Notification
from award_portal.workdays.engine import WorkdayCalendar
from review.enums import AssignmentState
from review.models import Assignment, CriteriaSet, Panel, PanelDossier, ReviewAgency
from review.services.panels import panel_create
from review.services.plans import stage_close, suggested_stages
from review.services.scoring import criteria_of, result_confirm, result_reopen
from tests.factories.applications import uscc
from tests.factories.review import review_through
from tests.factories.scoring import confirm, fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def text_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    """The page's main content (the header and footer carry nothing of the review)."""
    page = text_of(response)
    start = page.find("<main")
    return page[start : page.find("</main>", start)] if start >= 0 else page


# --- 4: the hub's review clock and the way on to publishing ----------------------------------
def test_the_hub_shows_the_review_clock_and_the_way_to_publish(
    client, office, cycle, applicant, org_dossier
):
    review_through(office, cycle, [(applicant, org_dossier)])
    cycle = Cycle.objects.get(pk=cycle.pk)
    calendar = WorkdayCalendar.load()
    from django.utils import timezone

    start = timezone.localdate(cycle.review_started_at)
    end = calendar.window(start, cycle.edition.review_max_wd, at_midnight=False).last
    client.force_login(office)
    page = text_of(client.get(reverse("applications:cycle-detail", args=[cycle.pk])))
    assert f"于{day(end)}24时届满" in page
    assert "发布评审结果" in page
    assert reverse("publicity:notice", args=[cycle.pk]) in page
    board = text_of(client.get(reverse("review:board", args=[cycle.pk])))
    assert reverse("publicity:notice", args=[cycle.pk]) in board


def test_no_link_to_publish_while_the_review_runs(client, office, cycle, applicant, org_dossier):
    running_stage(office, cycle, [org_dossier], [applicant])
    client.force_login(office)
    page = text_of(client.get(reverse("applications:cycle-detail", args=[cycle.pk])))
    assert "尚余" in page  # the working days left
    assert "发布评审结果" not in page


# --- 5: no placeholder on the dashboards ------------------------------------------------------
@pytest.mark.parametrize("role", [Role.OFFICE, Role.AGENCY, Role.EXPERT, Role.AUDITOR])
def test_dashboards_have_no_placeholder(client, role):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username=f"dash_{role}", role=role))
    page = text_of(client.get(reverse("web:dashboard")))
    assert "这里将会显示" not in page and "What will appear here" not in page


# --- 6: the criteria note in Chinese ----------------------------------------------------------
def test_the_criteria_set_note_is_chinese(client, office, cycle, applicant, org_dossier):
    running_stage(office, cycle, [org_dossier], [applicant])
    criteria_set = CriteriaSet.objects.get(code="GB/T 19580", version="2012")
    client.force_login(office)
    page = main_of(client.get(reverse("review:criteria-detail", args=[criteria_set.pk])))
    assert "不计分" in page
    assert "Item codes" not in page and "carries no points" not in page


# --- 7 and 18: Chinese dates; recusals kept after their stage --------------------------------
def test_the_expert_home_prints_chinese_dates_and_keeps_recusals(
    client, office, cycle, applicant, org_dossier
):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    for expert in running.members:
        fill(running.assignment(expert), 60)
    confirm(running)
    stage_close(actor=office, stage=running.stage)
    client.force_login(running.conflicted.user)
    page = main_of(client.get(reverse("review:expert-home")))
    assert "您的回避" in page or "回避" in page
    assert running.dossiers[0].applicant_name in page
    assert "2026年6月" in page
    assert not ISO.search(page), ISO.search(page)


# --- 8: item names beside their codes ---------------------------------------------------------
def test_the_result_messages_name_the_items(office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    for expert in running.members:
        fill(running.assignment(expert), 60)
    categories, items = criteria_of(running.stage, running.dossiers[0])
    with pytest.raises(ValidationError) as error:
        result_confirm(
            actor=running.leader.user,
            stage=running.stage,
            dossier=running.dossiers[0],
            agreed={i.pk: 60 for i in items[1:]},
            reasons={},
            comments={c.pk: ("优势", "改进") for c in categories},
        )
    assert f"{items[0].code} {items[0].name}" in " ".join(error.value.messages)


# --- 9: phone numbers ---------------------------------------------------------------------
def agency_data(phone):
    return {
        "name": "测试评审机构有限公司",
        "uscc": uscc(4242),
        "address": "二连浩特市",
        "contact_name": "王经理",
        "contact_phone": phone,
        "contact_email": "agency@example.invalid",
    }


@pytest.mark.parametrize("phone", ["12345", "1381234567", "479-1234567", "电话"])
def test_a_wrong_phone_number_is_refused_in_chinese(client, office, phone):
    client.force_login(office)
    response = client.post(reverse("review:agency-create"), agency_data(phone))
    assert response.status_code == 200
    assert "请填写11位手机号码" in text_of(response)
    assert not ReviewAgency.objects.exists()


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("0479 1234567", "0479-1234567"),
        ("+86 13812345678", "13812345678"),
    ],
)
def test_a_mobile_or_landline_number_is_kept_tidily(client, office, phone, stored):
    client.force_login(office)
    client.post(reverse("review:agency-create"), agency_data(phone))
    assert ReviewAgency.objects.get().contact_phone == stored


# --- 10: renaming and deleting a panel -----------------------------------------------------
def test_a_panel_is_renamed_and_an_empty_one_deleted(client, office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    empty = panel_create(actor=running.staff, stage=running.stage, name="备用评审组")
    client.force_login(running.staff)
    url = reverse("review:panel-detail", args=[empty.pk])
    client.post(url, {"action": "rename", "name": "第二评审组"})
    assert Panel.objects.get(pk=empty.pk).name == "第二评审组"
    renamed = AuditEvent.objects.get(action="review.panel_renamed")
    assert renamed.actor == running.staff and renamed.target_id == str(cycle.pk)
    assert renamed.details["name"] == ["备用评审组", "第二评审组"]
    # a name another panel of the stage has: refused, nothing changes
    response = client.post(url, {"action": "rename", "name": "第一评审组"}, follow=True)
    assert "已有名为" in text_of(response) or "第一评审组" in text_of(response)
    assert Panel.objects.get(pk=empty.pk).name == "第二评审组"
    client.post(url, {"action": "delete"})
    assert not Panel.objects.filter(pk=empty.pk).exists()
    deleted = AuditEvent.objects.get(action="review.panel_deleted")
    assert deleted.actor == running.staff and deleted.details["name"] == "第二评审组"


def test_a_panel_with_applications_is_not_deleted(client, office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    client.force_login(running.staff)
    url = reverse("review:panel-detail", args=[running.panel.pk])
    response = client.post(url, {"action": "delete"}, follow=True)
    assert "请先将申报移出该评审组" in text_of(response)
    assert Panel.objects.filter(pk=running.panel.pk).exists()
    assert not AuditEvent.objects.filter(action="review.panel_deleted").exists()


# --- 14: every notice's link opens for its expert ----------------------------------------------
def test_every_link_sent_to_an_expert_opens_for_that_expert(
    client, office, cycle, applicant, org_dossier
):
    """The leader recused, the acting leader confirms, the office reopens: every notice
    an expert received while the stage runs opens for that expert."""
    running = running_stage(office, cycle, [org_dossier], [applicant], conflicted_leads=True)
    acting = running.members[0]
    for expert in running.members:
        fill(running.assignment(expert), 60)
    from dataclasses import replace

    result = confirm(replace(running, leader=acting))
    result_reopen(actor=office, result=result, reason="复核一致性")
    sent = [
        notice
        for notice in Notification.objects.select_related("user")
        if notice.user.role == Role.EXPERT
    ]
    assert len(sent) > 10
    for notice in sent:
        client.force_login(notice.user)
        response = client.get(notice.url)
        assert response.status_code == 200, (notice.user.username, notice.title, notice.url)


# --- 15: the individual's data on the declaration page ----------------------------------------
def test_the_declaration_page_shows_the_individuals_employer(
    client, office, cycle, person_user, person_dossier
):
    running = running_stage(office, cycle, [person_dossier], [person_user], conflicted=False)
    assignment = running.assignment(running.members[1])
    Assignment.objects.filter(pk=assignment.pk).update(state=AssignmentState.OFFERED)
    client.force_login(running.members[1].user)
    page = main_of(client.get(reverse("review:declare", args=[assignment.pk])))
    individual = person_dossier.individual
    assert individual.employer in page and individual.position in page
    assert "<dd>—</dd>" not in page


# --- 16: one label per state -----------------------------------------------------------------
def test_the_panel_page_uses_the_states_labels(client, office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    fill(running.assignment(running.members[0]), 60)
    client.force_login(office)
    page = main_of(client.get(reverse("review:panel-detail", args=[running.panel.pk])))
    for state in (AssignmentState.SUBMITTED, AssignmentState.DECLARED, AssignmentState.RECUSED):
        assert str(state.label) in page, state


# --- 17: the result page ------------------------------------------------------------------
def test_the_result_page_headings_stage_and_legend(client, office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    fill(running.assignment(running.members[0]), 60)
    client.force_login(office)
    url = reverse("review:result", args=[running.stage.pk, running.dossiers[0].pk])
    page = main_of(client.get(url))
    assert "评分表提交情况" in page and "<h2" in page
    assert "评分档次" not in page  # no percentage on the page before every sheet is in
    for expert in running.members[1:]:
        fill(running.assignment(expert), 60)
    page = main_of(client.get(url))
    assert "评分档次" in page and "90%—100%" in page


def test_the_last_stage_says_so(client, office, cycle, applicant, org_dossier):
    review_through(office, cycle, [(applicant, org_dossier)])
    stage = PanelDossier.objects.get(dossier=org_dossier).stage
    client.force_login(office)
    page = main_of(client.get(reverse("review:result", args=[stage.pk, org_dossier.pk])))
    assert "评审的最后一个阶段" in page


# --- 22: suggested dates after the call ---------------------------------------------------------
def test_the_suggested_stages_start_after_the_call_closes(cycle):
    assert cycle.application_deadline > date(2026, 6, 2)  # the call is open today
    rows = suggested_stages(cycle, today=date(2026, 6, 2))
    assert rows and all(row.get("starts_on") for row in rows)
    assert all(row["starts_on"] > cycle.application_deadline for row in rows)


# --- 6: bad input is answered in Chinese --------------------------------------------------------
CJK = re.compile(r"[\u4e00-\u9fff]")


def error_texts(html: str) -> list[str]:
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'<div class="form-errors"[^>]*>(.*?)</div>', html, re.S)
    texts = [
        re.sub(r"<[^>]+>", "", t).strip()
        for t in re.findall(r'<span class="errorlist">(.*?)</span>', html, re.S)
    ]
    for block in found:
        texts += [
            re.sub(r"<[^>]+>", "", t).strip()
            for t in re.findall(r"<(?:li|p)[^>]*>(.*?)</(?:li|p)>", block, re.S)
        ]
    return [t for t in texts if t]


def test_bad_input_on_the_review_forms_is_answered_in_chinese(
    client, office, cycle, applicant, org_dossier
):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    _categories, items = criteria_of(running.stage, running.dossiers[0])
    posts = [
        (
            office,
            reverse("review:agency-create"),
            {"name": "", "uscc": "abc", "contact_email": "x@"},
        ),
        (
            office,
            reverse("review:expert-create"),
            {"name": "", "email": "not-an-address", "phone": "1"},
        ),
        (
            running.members[0].user,
            reverse("review:sheet", args=[running.assignment(running.members[0]).pk]),
            {f"item_{items[0].pk}": "abc", "updated_at": "x"},
        ),
        (
            running.staff,
            reverse("review:panel-detail", args=[running.panel.pk]),
            {"action": "rename", "name": ""},
        ),
    ]
    for user, url, data in posts:
        client.force_login(user)
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        texts = (
            error_texts(text_of(response)) + [str(m) for m in response.context["messages"]]
            if response.context
            else error_texts(text_of(response))
        )
        assert texts, url
        english = [t for t in texts if not CJK.search(t)]
        assert english == [], (url, english)


# --- 3: the under-staffed dossier is flagged to the office --------------------------------------
def test_an_understaffed_dossier_is_flagged_on_the_panels(
    client, office, cycle, applicant, org_dossier
):
    """Three members and one recused, the plan asks for four: the office sees it on the
    panels page and the panel page."""
    running = running_stage(office, cycle, [org_dossier], [applicant], min_panel_size=4)
    client.force_login(office)
    for url in (
        reverse("review:panels", args=[cycle.pk]),
        reverse("review:panel-detail", args=[running.panel.pk]),
    ):
        page = main_of(client.get(url))
        assert "人数不足：无利害关系的成员3名，评审方案要求4名" in page, url
