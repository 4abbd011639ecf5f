"""The expert's score sheet page: the dossier as received, the items with the band
guidance, drafts, computed figures, submission, the lock, independence."""

import re

import pytest
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from review.enums import AssignmentState, SheetState
from review.models import ItemScore, ScoreSheet
from review.services.scoring import criteria_of, sheet_return
from tests.factories.scoring import fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    return running_stage(office, cycle, [org_dossier], [applicant])


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def form_data(response, **changes):
    """What the browser would send: the form's current values, with changes."""
    form = response.context["form"]
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def items_of(running):
    return criteria_of(running.stage, running.dossiers[0])


def test_the_sheet_shows_the_dossier_the_items_and_the_band_guidance(client, running):
    member = running.members[1]
    response = page(
        client, member.user, reverse("review:sheet", args=[running.assignment(member).pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    _categories, items = items_of(running)
    assert len(items) == 23
    for item in items:
        assert f'name="item_{item.pk}"' in text
        assert item.name_zh in text
    # ADLI guidance beside the process items, LeTCI beside the results
    assert "方法基本未展开" in text and "没有趋势数据" in text
    # the dossier as received, personal data masked
    dossier = running.dossiers[0]
    assert dossier.organisation.name in text
    assert "04797512345" not in text
    assert "核心工艺" in text  # the trade-secret file is listed for the assigned expert
    assert (
        reverse(
            "review:assigned-file",
            args=[running.assignment(member).pk, dossier.files.get(title="核心工艺").pk],
        )
        in text
    )
    # a percentage picker in steps of 5, without script
    select = re.search(rf'<select name="item_{items[0].pk}"[^>]*>(.*?)</select>', text, re.S)
    values = re.findall(r'<option value="(\d+)"', select.group(1))
    assert values == [str(v) for v in range(0, 101, 5)]


def test_a_draft_is_saved_and_its_scores_are_computed(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    _categories, items = items_of(running)
    first, second = items[0], items[1]  # 4.1.1 (40 points? see data), 4.1.2
    response = client.post(
        url,
        form_data(
            response, **{f"item_{first.pk}": "65", f"item_{second.pk}": "30", "action": "save"}
        ),
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.state == SheetState.DRAFT
    expected = first.points * 65 / 100 + second.points * 30 / 100
    assert float(sheet.total) == expected
    response = client.get(url)
    text = response.content.decode()
    assert f"{sheet.total}" in text
    assert ItemScore.objects.get(sheet=sheet, criterion=first).score == pytest.approx(
        first.points * 0.65
    )
    assert AuditEvent.objects.filter(
        action="review.sheet_saved", actor=member.user, target_id=str(running.dossiers[0].pk)
    ).exists()


def test_a_percentage_off_the_steps_is_refused_and_nothing_is_saved(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    _categories, items = items_of(running)
    response = client.post(
        url, form_data(response, **{f"item_{items[0].pk}": "63", "action": "save"})
    )
    assert response.status_code == 200
    assert not ScoreSheet.objects.filter(assignment=assignment).exists()
    assert "errorlist" in response.content.decode()


def test_a_stale_save_is_refused(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    first_window = page(client, member.user, url)
    _categories, items = items_of(running)
    second_window = client.get(url)
    client.post(url, form_data(second_window, **{f"item_{items[0].pk}": "50", "action": "save"}))
    response = client.post(
        url, form_data(first_window, **{f"item_{items[0].pk}": "90", "action": "save"})
    )
    assert response.status_code == 200
    assert (
        "您的修改未保存" in response.content.decode()
        or "your changes were not saved" in response.content.decode()
    )
    assert ItemScore.objects.get(sheet__assignment=assignment, criterion=items[0]).percent == 50


def test_submitting_an_incomplete_sheet_lists_what_is_missing(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    _categories, items = items_of(running)
    response = client.post(
        url, form_data(response, **{f"item_{items[0].pk}": "50", "action": "submit"})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert items[-1].code in text  # the last item is listed as missing
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.SCORING
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.state == SheetState.DRAFT
    assert sheet.items.count() == 1  # the draft was kept


def test_a_submitted_sheet_is_locked(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    sheet = fill(assignment, 60)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "<select" not in response.content.decode().split('id="sheet-title"')[1]
    _categories, items = items_of(running)
    response = client.post(url, {f"item_{items[0].pk}": "100", "action": "save"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert ItemScore.objects.get(sheet=sheet, criterion=items[0]).percent == 60


def test_a_complete_sheet_is_submitted_from_the_page(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    fill(assignment, 55, submit=False)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    response = client.post(url, form_data(response, action="submit"))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.SUBMITTED
    assert (
        AuditEvent.objects.filter(action="review.sheet_submitted", actor=member.user).count() == 1
    )


def test_nobody_sees_other_scores_before_submitting(client, running):
    leader, member, third = running.members
    fill(running.assignment(leader), 85)
    fill(running.assignment(third), 40)
    response = page(
        client, member.user, reverse("review:sheet", args=[running.assignment(member).pk])
    )
    text = response.content.decode()
    assert response.context["comparison"] is None
    assert "85.00%" not in text and "40.00%" not in text  # no member means anywhere
    # after submitting, the members' sheets side by side, by letter, not by name
    fill(running.assignment(member), 60)
    response = client.get(reverse("review:sheet", args=[running.assignment(member).pk]))
    comparison = response.context["comparison"]
    assert comparison is not None
    assert [c.label for c in comparison.columns] == ["专家A", "专家B", "专家C"]
    text = response.content.decode().split('id="panel-title"')[1]
    assert third.name not in text and leader.name not in text


def test_the_expert_sees_the_leaders_return_and_can_score_again(client, running):
    leader, member, _third = running.members
    for expert in running.members:
        fill(running.assignment(expert), 60)
    sheet_return(actor=leader.user, sheet=running.assignment(member).sheet, reason="请复核4.7各项")
    response = page(
        client, member.user, reverse("review:sheet", args=[running.assignment(member).pk])
    )
    text = response.content.decode()
    assert "请复核4.7各项" in text
    assert response.context["form"] is not None
    assert response.context["comparison"] is None  # back to independent scoring


@pytest.mark.parametrize("token", ["2026-13-45T10:00:00+08:00", "garbage", "new"])
def test_a_forged_or_mangled_edit_token_is_refused_as_stale(client, running, token):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    _categories, items = items_of(running)
    client.post(url, form_data(response, **{f"item_{items[0].pk}": "50", "action": "save"}))
    response = client.post(
        url, form_data(response, updated_at=token, **{f"item_{items[0].pk}": "90"}, action="save")
    )
    assert response.status_code == 200
    assert "您的修改未保存" in response.content.decode()
    assert ItemScore.objects.get(sheet__assignment=assignment, criterion=items[0]).percent == 50


def test_hostile_percentages_are_refused_without_a_server_error(client, running):
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    _categories, items = items_of(running)
    for value in ["-5", "105", "5.5", "１０", "x" * 5000, "60%"]:
        response = client.post(
            url, form_data(response, **{f"item_{items[0].pk}": value, "action": "save"})
        )
        assert response.status_code == 200, value
    assert not ScoreSheet.objects.filter(assignment=assignment).exists()


def test_an_individual_is_scored_on_the_rubric(client, office, cycle, person_user, person_dossier):
    running = running_stage(office, cycle, [person_dossier], [person_user], conflicted=False)
    member = running.members[1]
    assignment = running.assignment(member)
    url = reverse("review:sheet", args=[assignment.pk])
    response = page(client, member.user, url)
    assert response.status_code == 200
    categories, items = criteria_of(running.stage, running.dossiers[0])
    assert [c.pk for c in categories] == [i.pk for i in items]  # the rows are scored
    assert [i.points for i in items] == [20, 30, 50]
    text = response.content.decode()
    assert "几乎没有可证实的事实" in text  # the rubric's guidance
    assert "方法基本未展开" not in text  # not GB/T 19580's
    assert "13904790001" not in text  # the individual's phone is masked
    # the individual's statement, not an organisation's self-evaluation (both stored)
    assert "主持质量提升项目。" in text and "4.1 领导 摘要" not in text
    data = form_data(response, action="submit")
    for item in items:
        data[f"item_{item.pk}"] = "70"
        data[f"strengths_{item.pk}"] = "事实充分"
        data[f"opportunities_{item.pk}"] = "推广范围可扩大"
    response = client.post(url, data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.state == SheetState.SUBMITTED
    assert float(sheet.total) == 70.0
