"""Starting the expert review from its page: the reason it cannot start yet, or what will
happen and the one button. Nothing changes while a reason stands."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from applications.services.dossiers import dossier_submit
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.enums import StageState
from review.models import CriteriaSet, ReviewPlan
from review.services.plans import review_start_problem
from tests.factories.applications import announced_cycle
from tests.factories.review import agency_for, close_call, criteria_sets, qualify, review_plan

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def qualified(cycle, office, applicant, org_dossier, client):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    client.force_login(office)
    return cycle


def url(cycle):
    return reverse("review:review-start", args=[cycle.pk])


def refused(client, cycle, message):
    """The page names the reason, offers no button, and a post changes nothing."""
    text = client.get(url(cycle)).content.decode()
    assert message in text
    assert "专家评审一经开始不可撤回" not in text
    response = client.post(url(cycle), follow=True)
    assert message in response.content.decode()
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.state == CycleState.QUALIFICATION and cycle.review_started_at is None
    assert not AuditEvent.objects.filter(action=Action.PLAN_FROZEN).exists()
    assert not Dossier.objects.filter(state=DossierState.UNDER_REVIEW).exists()


def test_without_a_plan_the_page_says_so(qualified, client, office):
    agency_for(office, qualified)
    refused(client, qualified, "请先录入评审实施方案。")


def test_without_an_agency_the_page_says_so(qualified, client, office):
    review_plan(office, qualified)
    refused(client, qualified, "请先登记本届的评审机构。")


def test_an_undecided_application_keeps_the_review_from_starting(
    cycle, office, applicant, org_dossier, person_dossier, person_user, client
):
    qualify(office, org_dossier, applicant)
    # a second application arrived in time but has no final outcome yet
    dossier_submit(actor=person_user, dossier=person_dossier, pledge=True)
    close_call(office, cycle)
    agency_for(office, cycle)
    review_plan(office, cycle)
    person_dossier.refresh_from_db()
    client.force_login(office)
    refused(client, cycle, f"以下申报尚无资格审查最终结论：{person_dossier.number}")


def test_a_round_without_any_qualified_application_has_nothing_to_review(
    edition_2021, office, client, june_2026
):
    cycle = announced_cycle(office, edition_2021, name="空白届次")
    close_call(office, cycle)
    agency_for(office, cycle)
    review_plan(office, cycle)
    client.force_login(office)
    refused(client, cycle, "尚无资格审查合格的申报，无需开展专家评审。")


def test_a_round_not_in_qualification_cannot_start(qualified, client, office):
    agency_for(office, qualified)
    review_plan(office, qualified)
    assert review_start_problem(Cycle.objects.get(pk=qualified.pk)) is None
    Cycle.objects.filter(pk=qualified.pk).update(state=CycleState.ANNOUNCED)
    assert review_start_problem(Cycle.objects.get(pk=qualified.pk)) == (
        "专家评审须在资格审查阶段之后开始。"
    )


def test_the_page_says_what_will_happen_then_starts(qualified, client, office, org_dossier):
    agency = agency_for(office, qualified, name="草原评审中心")
    review_plan(office, qualified)
    text = client.get(url(qualified)).content.decode()
    assert "将1份资格审查合格的申报材料转入专家评审（组织1份，个人0份）" in text
    assert "启动第一个评审环节“材料评审”（2026年6月3日—2026年6月9日）" in text
    assert agency.name in text
    assert "评审须于2026年7月1日24时前完成" in text
    assert "锁定评分标准“卓越绩效评价准则（组织）（2012）”和“个人评价细则（2026）”" in text

    response = client.post(url(qualified))
    assert response["Location"] == reverse("review:plan", args=[qualified.pk])
    cycle = Cycle.objects.get(pk=qualified.pk)
    assert cycle.state == CycleState.EXPERT_REVIEW
    assert timezone.localdate(cycle.review_started_at) == date(2026, 6, 2)
    plan = ReviewPlan.objects.get(cycle=cycle)
    assert plan.is_frozen
    assert plan.stages.get(position=1).state == StageState.OPEN
    organisation_set, individual_set = criteria_sets()
    assert CriteriaSet.objects.get(pk=organisation_set.pk).is_locked
    assert CriteriaSet.objects.get(pk=individual_set.pk).is_locked
    assert Dossier.objects.get(pk=org_dossier.pk).state == DossierState.UNDER_REVIEW
    frozen = AuditEvent.objects.get(action=Action.PLAN_FROZEN)
    assert frozen.actor == office and frozen.target_id == str(plan.pk)
    # a second click is refused, not a second start
    response = client.post(url(qualified), follow=True)
    assert "专家评审须在资格审查阶段之后开始。" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.PLAN_FROZEN).count() == 1
