"""The panel leader's result page: progress before the sheets are in, the sheets side by
side with dispersion after, consensus with reasons, returning a sheet, the office
reopening a result."""

import pytest
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from review.enums import AssignmentState, SheetState
from review.models import SheetReturn, StageResult
from review.services.scoring import criteria_of
from tests.factories.scoring import confirm, fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    return running_stage(office, cycle, [org_dossier], [applicant])


def result_url(running):
    return reverse("review:result", args=[running.stage.pk, running.dossiers[0].pk])


def items(running):
    return criteria_of(running.stage, running.dossiers[0])


def test_before_every_sheet_is_in_the_leader_sees_progress_only(client, running):
    leader, member, third = running.members
    fill(running.assignment(leader), 60)
    fill(running.assignment(member), 85)
    client.force_login(leader.user)
    response = client.get(result_url(running))
    assert response.status_code == 200
    assert response.context["comparison"] is None
    text = response.content.decode()
    assert third.name in text  # who is still missing
    assert "85%" not in text and "85.00" not in text


def test_the_sheets_side_by_side_mark_the_dispersed_items(client, running):
    leader, _member, third = running.members
    _categories, all_items = items(running)
    spread = all_items[0]
    for expert, percent in zip(running.members, (60, 60, 60), strict=True):
        fill(
            running.assignment(expert), percent, percents={spread.pk: 95 if expert == third else 40}
        )
    client.force_login(leader.user)
    response = client.get(result_url(running))
    comparison = response.context["comparison"]
    assert [c.label for c in comparison.columns] == [e.name for e in running.members]
    dispersed = comparison.dispersed_items
    assert [i.criterion.pk for i in dispersed] == [spread.pk]  # range 55 > 30
    assert dispersed[0].figures.members_range == 55
    # pre-filled with the members' mean rounded to 5: (40+40+95)/3 = 58.33 -> 60
    form = response.context["form"]
    assert form[f"agreed_{spread.pk}"].initial == "60"
    text = response.content.decode()
    assert 'class="dispersed"' in text


def test_consensus_departing_without_a_reason_is_refused_with_the_item(client, running):
    leader = running.leader
    for expert in running.members:
        fill(running.assignment(expert), 60)
    _categories, all_items = items(running)
    client.force_login(leader.user)
    response = client.get(result_url(running))
    data = {name: (field.initial or "") for name, field in response.context["form"].fields.items()}
    data = {k: str(v) for k, v in data.items()}
    data[f"agreed_{all_items[0].pk}"] = "80"
    response = client.post(result_url(running), data)
    assert response.status_code == 200
    assert not StageResult.objects.exists()
    assert response.context["form"].errors[f"reason_{all_items[0].pk}"]
    data[f"reason_{all_items[0].pk}"] = "现场核实后上调"
    response = client.post(result_url(running), data)
    assert response.status_code == 302
    result = StageResult.objects.get()
    assert result.items.get(criterion=all_items[0]).percent == 80
    assert result.items.get(criterion=all_items[0]).reason == "现场核实后上调"
    # the panel's comments were pre-filled from the members' (without names) and kept
    comment = result.comments.first()
    assert comment.strengths == "方法系统，展开充分"
    assert leader.name not in comment.strengths
    event = AuditEvent.objects.get(action="review.result_confirmed")
    assert event.actor == leader.user and event.target_id == str(running.dossiers[0].pk)


def test_the_leader_returns_a_sheet_after_a_confirmation_page(client, running):
    leader, member, _third = running.members
    for expert in running.members:
        fill(running.assignment(expert), 60)
    sheet = running.assignment(member).sheet
    url = reverse("review:sheet-return", args=[sheet.pk])
    client.force_login(leader.user)
    assert client.get(result_url(running)).content.decode().count(url) == 1
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert not SheetReturn.objects.exists()
    response = client.post(url, {"reason": "4.7 结果项评分依据不足"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT
    assert running.assignment(member).state == AssignmentState.SCORING
    event = AuditEvent.objects.get(action="review.sheet_returned")
    assert event.actor == leader.user
    assert event.details["reason"] == "4.7 结果项评分依据不足"
    # the leader cannot return his own sheet: no such page
    own = running.assignment(leader).sheet
    assert client.get(reverse("review:sheet-return", args=[own.pk])).status_code == 404


def test_the_office_reads_the_result_and_reopens_it_with_a_reason(client, running, office):
    for expert in running.members:
        fill(running.assignment(expert), 60)
    result = confirm(running)
    client.force_login(office)
    response = client.get(result_url(running))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["reopen_form"] is not None
    url = reverse("review:result-reopen", args=[result.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    result.refresh_from_db()
    assert result.superseded_at is None
    response = client.post(url, {"reason": "专家组对4.7评分依据须补充说明"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.superseded_reason == "专家组对4.7评分依据须补充说明"
    event = AuditEvent.objects.get(action="review.result_reopened")
    assert event.actor == office
    # the leader confirms again; the old result stays on record
    client.force_login(running.leader.user)
    response = client.get(result_url(running))
    assert response.context["form"] is not None
    assert len(response.context["superseded"]) == 1


def test_a_trimmed_mean_shows_which_sheets_it_dropped(
    office, cycle, applicant, org_dossier, client
):
    running = running_stage(
        office, cycle, [org_dossier], [applicant], members=5, aggregation="trimmed_mean"
    )
    for expert, percent in zip(running.members, (30, 50, 60, 70, 90), strict=True):
        fill(running.assignment(expert), percent)
    client.force_login(running.leader.user)
    response = client.get(result_url(running))
    comparison = response.context["comparison"]
    kept = [c.label for c in comparison.columns if c.kept]
    dropped = [c.label for c in comparison.columns if not c.kept]
    names = [e.name for e in running.members]
    assert sorted(dropped) == sorted([names[0], names[4]])
    assert len(kept) == 3
    # mean of 500, 600, 700
    assert comparison.figures.score == 600
    assert response.context["form"] is not None  # comments only
    assert not any(n.startswith("agreed_") for n in response.context["form"].fields)


def test_hostile_input_on_the_leaders_forms_changes_nothing(client, running):
    leader, member, _third = running.members
    for expert in running.members:
        fill(running.assignment(expert), 60)
    _categories, all_items = items(running)
    client.force_login(leader.user)
    response = client.get(result_url(running))
    base = {
        name: str(field.initial or "") for name, field in response.context["form"].fields.items()
    }
    for value in ["-5", "101", "abc", "55.5", "１００"]:
        response = client.post(result_url(running), {**base, f"agreed_{all_items[0].pk}": value})
        assert response.status_code == 200, value
    response = client.post(result_url(running), {**base, f"strengths_{_categories[0].pk}": "   "})
    assert response.status_code == 200
    assert not StageResult.objects.exists()
    sheet = running.assignment(member).sheet
    response = client.post(reverse("review:sheet-return", args=[sheet.pk]), {"reason": "x" * 5000})
    assert response.status_code == 200
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
