"""The review plan page: the office enters the plan from the default stages (dropping,
reordering, dating each), sees the working-day clock and its warnings, and the plan
freezes when the review starts. On 2026-06-02 the review's 20 working days end on
2026-07-01 (the Dragon Boat Festival, 06-19, is not one)."""

from datetime import date

import pytest
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.models import ReviewPlan
from review.services.plans import plan_fit, review_start, suggested_stages
from tests.factories.review import (
    STAGES,
    agency_for,
    close_call,
    criteria_sets,
    qualify,
    review_plan,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def ready(cycle, office, applicant, org_dossier, client):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    agency_for(office, cycle)
    criteria_sets()
    client.force_login(office)
    return cycle


def url(cycle):
    return reverse("review:plan", args=[cycle.pk])


def form_data(stages=STAGES, *, drop=(), **fields):
    """The plan form as the office fills it: every stage of ``stages`` ticked, in order."""
    organisation_set, individual_set = criteria_sets()
    data = {
        "criteria_organisation": organisation_set.pk,
        "criteria_individual": individual_set.pk,
        "load_limit": "8",
        "conflict_lookback_years": "3",
    }
    for position, stage in enumerate(stages, start=1):
        kind = stage["kind"]
        if kind in drop:
            continue
        data |= {
            f"{kind}-include": "on",
            f"{kind}-position": str(position),
            f"{kind}-starts_on": stage["starts_on"].isoformat(),
            f"{kind}-ends_on": stage["ends_on"].isoformat(),
            f"{kind}-min_panel_size": "3",
            f"{kind}-aggregation": stage["aggregation"],
            f"{kind}-trim_k": "1",
            f"{kind}-dispersion_threshold": "30",
            f"{kind}-advance_rule": "all",
            f"{kind}-weight": str(stage["weight"]),
        }
    return data | fields


def main_text(response) -> str:
    return response.content.decode().split("<main", 1)[1]


def test_a_new_plan_starts_from_the_default_stages_and_the_edition(ready, client):
    response = client.get(url(ready))
    text = main_text(response)
    assert response.status_code == 200
    # the clock, as if the review started today
    assert "2026年7月1日" in text and "20个工作日" in text
    # the three default stages, ticked, in the usual order, with dates shared out
    order = [text.index(f'name="{kind}-include"') for kind in ("material", "onsite", "defence")]
    assert order == sorted(order)
    for kind in ("material", "onsite", "defence"):
        assert f'name="{kind}-include" id="id_{kind}-include" checked' in text
    form = response.context["form"]
    assert form.initial["conflict_lookback_years"] == ready.edition.exclusion_lookback_years
    assert response.context["suggested"] is True
    assert response.context["fit"].warnings == []


def test_suggested_dates_share_the_period_and_end_on_its_last_day(ready):
    rows = suggested_stages(ready, today=date(2026, 6, 2))
    assert [(r["starts_on"], r["ends_on"]) for r in rows] == [
        (date(2026, 6, 3), date(2026, 6, 11)),
        (date(2026, 6, 12), date(2026, 6, 23)),
        (date(2026, 6, 24), date(2026, 7, 1)),
    ]


def test_the_office_saves_the_default_plan(ready, client, office):
    response = client.post(url(ready), form_data())
    assert response.status_code == 302
    plan = ReviewPlan.objects.get(cycle=ready)
    assert [(s.position, s.kind, s.weight) for s in plan.stages.all()] == [
        (1, "material", 30),
        (2, "onsite", 50),
        (3, "defence", 20),
    ]
    event = AuditEvent.objects.get(action=Action.PLAN_SAVED)
    assert event.actor == office and event.target_id == str(plan.pk)
    assert len(event.details["stages"]) == 3


def test_the_office_drops_a_stage_and_reorders_the_others(ready, client):
    onsite_first = [
        {**STAGES[1], "starts_on": date(2026, 6, 3), "ends_on": date(2026, 6, 9), "weight": 60},
        {**STAGES[0], "starts_on": date(2026, 6, 10), "ends_on": date(2026, 6, 16), "weight": 40},
        STAGES[2],
    ]
    data = form_data(onsite_first, drop=("defence",))
    data["defence-weight"] = "not a number"  # a stage left out is not checked at all
    response = client.post(url(ready), data)
    assert response.status_code == 302
    plan = ReviewPlan.objects.get(cycle=ready)
    assert [(s.position, s.kind) for s in plan.stages.all()] == [(1, "onsite"), (2, "material")]
    # the page shows them in that order, the dropped one last and unticked
    text = main_text(client.get(url(ready)))
    assert text.index('name="onsite-include"') < text.index('name="material-include"')
    assert text.index('name="material-include"') < text.index('name="defence-include"')
    assert 'name="defence-include" id="id_defence-include" checked' not in text
    # ... but with the default values, ready to be ticked again
    assert 'name="defence-min_panel_size" value="3"' in text
    assert 'name="defence-aggregation"' in text and 'value="trimmed_mean" selected' in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"defence-weight": "30"}, "各环节权重合计为110%，须为100%。"),
        ({"onsite-ends_on": "2026-06-13"}, "现场评审的结束日期2026年6月13日不是工作日。"),
        (
            {"defence-trim_k": "2"},
            "陈述答辩：去掉2个最高分和2个最低分，评审组须不少于5人。",
        ),
        ({"onsite-starts_on": "2026-06-09"}, "现场评审须在上一环节结束（2026年6月9日）后开始。"),
        ({"defence-position": "2"}, "有两个环节的顺序号相同"),
        ({"material-include": ""}, "各环节权重合计为70%"),
        ({"onsite-starts_on": ""}, "请修改标出的内容。"),
        ({"load_limit": "0"}, "请修改标出的内容。"),
        ({"criteria_organisation": "999999"}, "请修改标出的内容。"),
    ],
)
def test_a_wrong_plan_is_explained_in_chinese_and_nothing_is_saved(ready, client, change, message):
    response = client.post(url(ready), form_data() | change)
    assert response.status_code == 200
    assert message in main_text(response)
    assert not ReviewPlan.objects.filter(cycle=ready).exists()
    assert not AuditEvent.objects.filter(action=Action.PLAN_SAVED).exists()


def test_a_missing_date_is_shown_beside_its_field(ready, client):
    response = client.post(url(ready), form_data() | {"onsite-starts_on": ""})
    assert response.context["stages"][1].errors["starts_on"] == ["这个字段是必填项。"]


def test_a_stage_past_the_period_is_saved_with_a_warning(ready, client):
    late = {**STAGES[2], "starts_on": date(2026, 7, 6), "ends_on": date(2026, 7, 10)}
    response = client.post(url(ready), form_data([STAGES[0], STAGES[1], late]), follow=True)
    text = main_text(response)
    assert "评审方案已保存" in text
    assert "陈述答辩于2026年7月10日结束，晚于评审期限（20个工作日，至2026年7月1日）。" in text
    assert "第23—27个工作日，共20个" in text
    fit = plan_fit(ReviewPlan.objects.get(cycle=ready))
    assert [row["fits"] for row in fit.rows] == [True, True, False]


def test_a_stage_ending_on_the_last_day_of_the_period_fits(ready, office):
    """The boundary: the last stage ends on 2026-07-01 itself."""
    last = {**STAGES[2], "starts_on": date(2026, 6, 24), "ends_on": date(2026, 7, 1)}
    plan = review_plan(office, ready, stages=[STAGES[0], STAGES[1], last])
    fit = plan_fit(plan, today=date(2026, 6, 2))
    assert fit.end == date(2026, 7, 1) and fit.first == date(2026, 6, 3)
    assert fit.warnings == []
    assert [(r["from_wd"], r["to_wd"]) for r in fit.rows] == [(1, 5), (6, 10), (15, 20)]


def test_a_plan_changed_meanwhile_is_not_overwritten(ready, client, office):
    client.post(url(ready), form_data())
    opened = client.get(url(ready)).context["form"].initial["updated_at"]
    review_plan(office, ready)  # somebody else saves in between
    saved = ReviewPlan.objects.get(cycle=ready)
    response = client.post(url(ready), form_data(load_limit="5", updated_at=opened))
    assert "您编辑期间他人已修改实施方案" in main_text(response)
    assert ReviewPlan.objects.get(cycle=ready).load_limit == saved.load_limit == 10


def test_a_tampered_token_is_a_message(ready, client):
    client.post(url(ready), form_data())
    response = client.post(url(ready), form_data(load_limit="5", updated_at="yesterday"))
    assert response.status_code == 200
    assert "表单已过期" in main_text(response)
    assert ReviewPlan.objects.get(cycle=ready).load_limit == 8


def test_the_frozen_plan_is_read_only_and_says_since_when(ready, client, office):
    client.post(url(ready), form_data())
    review_start(actor=office, cycle=ready)
    response = client.get(url(ready))
    text = main_text(response)
    assert "评审已于2026年6月2日" in text and "冻结" in text
    assert 'name="material-include"' not in text and 'method="post"' not in text
    saved = AuditEvent.objects.filter(action=Action.PLAN_SAVED).count()
    response = client.post(url(ready), form_data(load_limit="2"), follow=True)
    assert "评审已经开始，实施方案已锁定，不能再修改。" in response.content.decode()
    plan = ReviewPlan.objects.get(cycle=ready)
    assert plan.load_limit == 8
    assert AuditEvent.objects.filter(action=Action.PLAN_SAVED).count() == saved


def test_only_sets_of_the_kind_are_offered(ready, client):
    form = client.get(url(ready)).context["form"]
    assert {s.applicant_kind for s in form.fields["criteria_organisation"].queryset} == {
        "organisation"
    }
    assert {s.applicant_kind for s in form.fields["criteria_individual"].queryset} == {"individual"}
    _organisation_set, individual_set = criteria_sets()
    response = client.post(url(ready), form_data(criteria_organisation=str(individual_set.pk)))
    assert response.context["form"].errors["criteria_organisation"]
    assert not ReviewPlan.objects.filter(cycle=ready).exists()


def test_a_reader_sees_no_plan_yet_and_no_suggestion(ready, client, auditor):
    client.force_login(auditor)
    text = main_text(client.get(url(ready)))
    assert "本届尚未制定评审方案。" in text
    assert "2026年7月1日" in text  # the clock, as if the review started today
    assert "以上为默认评审环节" not in text and 'name="material-include"' not in text
