from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.enums import CycleState
from applications.models import Cycle
from applications.services.cycles import cycle_create, cycle_transition, cycle_update
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.rules.models import RulebookEdition
from tests.factories.applications import draft_cycle, organisation_for, ready_dossier

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# The whole machine (DESIGN §3.1), as (source, transition) -> target.
EXPECTED_GRAPH = {
    ("draft", "announce"): "announced",
    ("announced", "close_applications"): "qualification",
    ("qualification", "start_expert_review"): "expert_review",
    ("draft", "cancel"): "cancelled",
    ("announced", "cancel"): "cancelled",
    ("qualification", "cancel"): "cancelled",
    ("expert_review", "cancel"): "cancelled",
    # issue 9: from the review results to the award (Art. 19-22)
    ("expert_review", "publish_results"): "public_comment",
    ("public_comment", "close_comment"): "group_vote",
    ("group_vote", "start_publicity"): "publicity",
    ("publicity", "end_publicity"): "approval",
    ("approval", "record_approval"): "awarded",
    ("public_comment", "cancel"): "cancelled",
    ("group_vote", "cancel"): "cancelled",
    ("publicity", "cancel"): "cancelled",
    ("approval", "cancel"): "cancelled",
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
    with pytest.raises(ValidationError, match="不是2026年11月2日"):
        cycle_transition(actor=office, cycle=cycle, name="announce")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT
    assert RulebookEdition.objects.get(pk=edition_2021.pk).locked_at is None


def test_announce_refuses_a_window_shorter_than_the_edition_allows(june_2026, office, edition_2021):
    # published during 2026-06-02, counted from 06-03: 10 working days end on 06-16
    cycle = draft_cycle(office, edition_2021, deadline=date(2026, 6, 15), name="x")
    with pytest.raises(ValidationError, match="2026年6月16日"):
        cycle_transition(actor=office, cycle=cycle, name="announce")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.DRAFT
    cycle_update(actor=office, cycle=cycle, data={"application_deadline": date(2026, 6, 16)})
    assert cycle_transition(actor=office, cycle=cycle, name="announce").state == "announced"


def test_an_announcement_date_in_the_past_is_refused_at_announce(june_2026, office, edition_2021):
    cycle = draft_cycle(office, edition_2021, announce=date(2026, 6, 1), name="x")
    with pytest.raises(ValidationError, match="2026年6月1日已过"):
        cycle_transition(actor=office, cycle=cycle, name="announce")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.DRAFT
    assert RulebookEdition.objects.get(pk=edition_2021.pk).locked_at is None


def test_quotas_come_from_the_edition_and_cannot_exceed_it(june_2026, office, edition_2021):
    cycle = draft_cycle(office, edition_2021, name="x")  # quotas left empty
    assert (cycle.quota_organisation, cycle.quota_individual) == (1, 1)
    with pytest.raises(ValidationError, match="不超过1个"):
        draft_cycle(office, edition_2021, name="y", organisation=2)
    with pytest.raises(ValidationError, match="个人奖名额不超过1个"):
        cycle_update(actor=office, cycle=cycle, data={"quota_individual": 3})
    assert Cycle.objects.get(pk=cycle.pk).quota_individual == 1
    assert Cycle.objects.filter(name="y").count() == 0


def test_the_new_round_form_starts_from_the_edition(client, june_2026, office, edition_2021):
    client.force_login(office)
    page = client.get("/office/cycles/new/").content.decode()
    assert "不填则按评审办法版本的1个" in page
    form = client.get("/office/cycles/new/").context["form"]
    assert form["quota_organisation"].value() is None  # not the model's literal 1


def test_a_round_announced_before_the_interval_needs_a_recorded_reason(
    june_2026, office, edition_2021
):
    first = draft_cycle(office, edition_2021, name="第二届", deadline=date(2026, 6, 30))
    cycle_transition(actor=office, cycle=first, name="announce")
    second = draft_cycle(office, edition_2021, name="第三届", deadline=date(2026, 6, 30))
    with pytest.raises(ValidationError, match="每2年评选一次"):
        cycle_transition(actor=office, cycle=second, name="announce")
    assert Cycle.objects.get(pk=second.pk).state == CycleState.DRAFT
    cycle_transition(actor=office, cycle=second, name="announce", reason="上届因疫情顺延")
    second.refresh_from_db()
    assert second.interval_reason == "上届因疫情顺延"
    event = AuditEvent.objects.filter(action=Action.CYCLE_TRANSITION).order_by("-id").first()
    assert event.details["reason"] == "上届因疫情顺延"


def test_round_codes_and_application_numbers(june_2026, office, edition_2021):
    first = draft_cycle(office, edition_2021, name="a")
    second = draft_cycle(office, edition_2021, name="b")
    assert (first.code, second.code) == ("2026", "2026-2")
    with pytest.raises(ValidationError, match="已被其他届次使用"):
        cycle_update(actor=office, cycle=second, data={"code": "2026"})
    assert Cycle.objects.get(pk=second.pk).code == "2026-2"


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
    with pytest.raises(ValidationError, match="2026年6月30日"):
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
    with pytest.raises(ValidationError, match=dossier.number):
        cycle_transition(actor=office, cycle=cycle, name="start_expert_review")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.QUALIFICATION
    for item in checklist_for(dossier.kind):
        check_item_record(actor=office, dossier=dossier, code=item.code, outcome="pass", note="")
    qualification_decide(actor=office, dossier=dossier, qualified=True)
    cycle_transition(actor=office, cycle=cycle, name="start_expert_review")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.EXPERT_REVIEW


def test_cancel_needs_a_reason(cycle, office):
    with pytest.raises(ValidationError):
        cycle_transition(actor=office, cycle=cycle, name="cancel", reason=" ")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.ANNOUNCED
    cycle_transition(actor=office, cycle=cycle, name="cancel", reason="无符合条件的申报")
    assert Cycle.objects.get(pk=cycle.pk).cancelled_reason == "无符合条件的申报"


def test_cancelling_closes_the_clocks_stops_reminders_and_tells_applicants(
    cycle, office, applicant, django_capture_on_commit_callbacks
):
    from django.core import mail

    from applications.services.dossiers import dossier_submit
    from award_portal.notifications.models import Notification
    from award_portal.workdays.models import Deadline, DeadlineStatus
    from award_portal.workdays.reminders import reminders_sweep

    organisation_for(applicant)
    dossier = ready_dossier(applicant, cycle)
    dossier_submit(actor=applicant, dossier=dossier, pledge=True)
    assert Deadline.objects.get(kind="qualification_check").status == DeadlineStatus.OPEN
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cycle_transition(actor=office, cycle=cycle, name="cancel", reason="无符合条件的申报")
    assert Deadline.objects.get(kind="qualification_check").status == DeadlineStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "无符合条件的申报" in mail.outbox[0].body
    assert Notification.objects.filter(user=applicant, title__contains="已取消").exists()
    result = reminders_sweep(today=date(2026, 6, 30))  # the clock would have been overdue
    assert result.overdue == 0 and result.upcoming == 0


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
    assert "2026年6月30日" in response.content.decode()
    page = client.get(reverse("applications:cycle-detail", args=[cycle.pk])).content.decode()
    assert "截止申报</button>" in page and "取消本届评审……</a>" in page
    assert "发布申报公告</button>" not in page


def test_cancelling_goes_through_a_confirmation_page(client, cycle, office):
    client.force_login(office)
    url = reverse("applications:cycle-transition", args=[cycle.pk, "cancel"])
    page = client.get(url).content.decode()
    assert "不能恢复" in page and "取消理由" in page
    response = client.post(url, {"reason": "无符合条件的申报"})  # the box is not ticked
    assert response.status_code == 200
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.ANNOUNCED
    client.post(url, {"reason": "无符合条件的申报", "confirm": "on"})
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.CANCELLED


def test_the_round_page_is_the_hub_of_its_stages(client, cycle, office, applicant):
    from applications.services.dossiers import dossier_submit

    organisation_for(applicant)
    dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    client.force_login(office)
    page = client.get(reverse("applications:cycle-detail", args=[cycle.pk])).content.decode()
    for stage in (
        "申报公告",
        "资格审查",
        "专家评审",
        "公开征求意见",
        "公示和异议处理",
        "市人民政府批准",
    ):
        assert stage in page
    assert 'aria-current="step"' in page
    assert "已收到1份申报" in page and f"/office/qualification/?cycle={cycle.pk}" in page
    assert "2026年6月30日" in page  # the call's last day, printed explicitly


def test_a_draft_shows_only_announce_and_cancel(client, june_2026, office, edition_2021):
    draft = draft_cycle(office, edition_2021, name="草稿届")
    client.force_login(office)
    page = client.get(reverse("applications:cycle-detail", args=[draft.pk])).content.decode()
    assert "发布申报公告</button>" in page and "截止申报</button>" not in page


def test_editing_a_draft_through_the_page_and_a_stale_form_is_refused(
    client, june_2026, office, edition_2021
):
    draft = draft_cycle(office, edition_2021, name="草稿届")
    client.force_login(office)
    opened = client.get(f"/office/cycles/{draft.pk}/edit/").context["form"]["updated_at"].value()
    data = {
        "name": "第三届",
        "edition": edition_2021.pk,
        "announcement_date": "2026-06-02",
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
