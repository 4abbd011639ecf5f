from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.enums import CycleState
from applications.models import Cycle
from applications.services.cycles import cycle_create, cycle_transition
from award_portal.rules.models import RulebookEdition
from tests.factories.applications import draft_cycle, organisation_for, ready_dossier

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# The whole machine (DESIGN §3.1, up to expert review), as (source, transition) -> target.
EXPECTED_GRAPH = {
    ("draft", "announce"): "announced",
    ("announced", "close_applications"): "qualification",
    ("qualification", "start_expert_review"): "expert_review",
    ("draft", "cancel"): "cancelled",
    ("announced", "cancel"): "cancelled",
    ("qualification", "cancel"): "cancelled",
    ("expert_review", "cancel"): "cancelled",
}


def test_the_transition_graph_is_exactly_the_table():
    graph = {}
    for transition in Cycle._meta.get_field("state").get_all_transitions(Cycle):
        graph[(transition.source, transition.name)] = transition.target
    assert graph == EXPECTED_GRAPH


def test_announce_refuses_an_edition_not_in_force(june_2026, office, edition_2021):
    cycle = draft_cycle(
        office, edition_2021, announce=date(2026, 11, 2), deadline=date(2026, 12, 1), name="x"
    )
    with pytest.raises(ValidationError, match="不是 2026-11-02"):
        cycle_transition(actor=office, cycle=cycle, name="announce")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT
    assert RulebookEdition.objects.get(pk=edition_2021.pk).locked_at is None


def test_announce_refuses_a_window_shorter_than_the_edition_allows(june_2026, office, edition_2021):
    cycle = draft_cycle(office, edition_2021, deadline=date(2026, 6, 12), name="x")
    with pytest.raises(ValidationError, match="2026-06-15"):
        cycle_transition(actor=office, cycle=cycle, name="announce")


def test_announce_locks_the_edition_and_takes_its_quotas(cycle, edition_2021):
    assert cycle.state == CycleState.ANNOUNCED
    assert (cycle.quota_organisation, cycle.quota_individual) == (1, 1)
    edition_2021.refresh_from_db()
    assert edition_2021.is_locked


def test_individual_quota_must_be_zero_when_the_track_is_off(june_2026, office, edition_2026):
    from award_portal.rules.services import edition_update

    edition_update(
        actor=office,
        edition=edition_2026,
        data={"individual_track_enabled": False, "quota_individual": 0},
    )
    with pytest.raises(ValidationError):
        cycle_create(
            actor=office,
            data={
                "name": "x",
                "edition": edition_2026,
                "announcement_date": date(2026, 9, 1),
                "application_deadline": date(2026, 10, 30),
                "quota_individual": 1,
                "call_text": "",
            },
        )


def test_close_only_after_the_deadline(cycle, office, june_2026):
    with pytest.raises(ValidationError, match="2026-06-30"):
        cycle_transition(actor=office, cycle=cycle, name="close_applications")
    cycle_transition(actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1))
    cycle.refresh_from_db()
    assert cycle.state == CycleState.QUALIFICATION


def test_expert_review_waits_for_every_received_dossier(cycle, office, applicant):
    from applications.declarations import checklist_for
    from applications.services.dossiers import dossier_submit
    from applications.services.qualification import check_item_record, qualification_decide

    organisation_for(applicant)
    dossier = ready_dossier(applicant, cycle)
    dossier_submit(actor=applicant, dossier=dossier, pledge=True)
    cycle_transition(actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1))
    with pytest.raises(ValidationError, match="1"):
        cycle_transition(actor=office, cycle=cycle, name="start_expert_review")
    for item in checklist_for(dossier.kind):
        check_item_record(actor=office, dossier=dossier, code=item.code, outcome="pass", note="")
    qualification_decide(actor=office, dossier=dossier, qualified=True)
    cycle_transition(actor=office, cycle=cycle, name="start_expert_review")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.EXPERT_REVIEW


def test_cancel_needs_a_reason(cycle, office):
    with pytest.raises(ValidationError):
        cycle_transition(actor=office, cycle=cycle, name="cancel", reason=" ")
    cycle_transition(actor=office, cycle=cycle, name="cancel", reason="无符合条件的申报")
    assert Cycle.objects.get(pk=cycle.pk).cancelled_reason == "无符合条件的申报"


@pytest.mark.parametrize("name", ["auditor", "expert", "applicant", "mobiliser"])
def test_only_the_office_moves_a_cycle(cycle, persona, name):
    with pytest.raises(PermissionDenied):
        cycle_transition(actor=persona(name), cycle=cycle, name="cancel", reason="x")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.ANNOUNCED


def test_transition_view_whitelist_and_messages(client, cycle, office):
    client.force_login(office)
    assert client.post(f"/office/cycles/{cycle.pk}/delete/").status_code == 404
    response = client.post(
        reverse("applications:cycle-transition", args=[cycle.pk, "close_applications"]), follow=True
    )
    assert "2026-06-30" in response.content.decode()
    page = client.get(reverse("applications:cycle-detail", args=[cycle.pk])).content.decode()
    assert "截止受理</button>" in page and "取消本届评审</button>" in page
    assert "发布申报公告</button>" not in page


def test_a_draft_shows_only_announce_and_cancel(client, june_2026, office, edition_2021):
    draft = draft_cycle(office, edition_2021, name="草稿届")
    client.force_login(office)
    page = client.get(reverse("applications:cycle-detail", args=[draft.pk])).content.decode()
    assert "发布申报公告</button>" in page and "截止受理</button>" not in page


def test_editing_a_draft_through_the_page_and_a_stale_form_is_refused(
    client, june_2026, office, edition_2021
):
    draft = draft_cycle(office, edition_2021, name="草稿届")
    client.force_login(office)
    opened = client.get(f"/office/cycles/{draft.pk}/edit/").context["form"]["updated_at"].value()
    data = {
        "name": "第三届",
        "edition": edition_2021.pk,
        "announcement_date": "2026-06-01",
        "application_deadline": "2026-07-03",
        "quota_organisation": 1,
        "quota_individual": 0,
        "call_text": "正文",
        "updated_at": opened,
    }
    assert client.post(f"/office/cycles/{draft.pk}/edit/", data).status_code == 302
    stale = client.post(f"/office/cycles/{draft.pk}/edit/", {**data, "name": "覆盖"})
    assert "其他人" in stale.content.decode()
    draft.refresh_from_db()
    assert (draft.name, draft.quota_individual) == ("第三届", 0)
