"""The dossier machine's whole graph, and the boundaries that a one-line mistake would
move: the deadline day, exactly N years, the audit row of every write."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier, Organisation
from applications.services.cycles import cycle_transition
from applications.services.dossiers import dossier_checks, dossier_submit, file_attach
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from tests.factories.applications import organisation_for, pdf_upload, ready_dossier

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# DESIGN §3.2 up to the end of the expert review, as (source, transition) -> target
EXPECTED_DOSSIER_GRAPH = {
    ("draft", "submit"): "submitted",
    ("submitted", "request_supplement"): "supplement_requested",
    ("supplement_requested", "resubmit"): "submitted",
    ("submitted", "qualify"): "qualified",
    ("submitted", "disqualify"): "not_qualified",
    ("supplement_requested", "disqualify"): "not_qualified",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("supplement_requested", "withdraw"): "withdrawn",
    ("qualified", "withdraw"): "withdrawn",
    ("qualified", "start_review"): "under_review",
    ("under_review", "conclude_review"): "reviewed",
    ("under_review", "withdraw"): "withdrawn",
    ("reviewed", "withdraw"): "withdrawn",
    # issue 9: from the review to the award (Art. 20-23)
    ("reviewed", "shortlist"): "candidate",
    ("reviewed", "leave_off_shortlist"): "not_shortlisted",
    ("candidate", "propose"): "proposed",
    ("candidate", "not_propose"): "not_proposed",
    ("proposed", "cancel_after_objection"): "cancelled_after_objection",
    ("proposed", "approve"): "approved",
    ("proposed", "not_approve"): "not_approved",
    ("approved", "confer"): "awarded",
    # issue 10: the title revoked (Art. 28, 29)
    ("awarded", "revoke"): "revoked",
    ("candidate", "withdraw"): "withdrawn",
    ("proposed", "withdraw"): "withdrawn",
}


def test_the_dossier_graph_is_exactly_the_table():
    graph = {}
    for transition in Dossier._meta.get_field("state").get_all_transitions(Dossier):
        graph[(transition.source, transition.name)] = transition.target
    assert graph == EXPECTED_DOSSIER_GRAPH


def test_applications_cannot_close_on_the_deadline_day_itself(cycle, office):
    with pytest.raises(ValidationError, match="2026年6月30日"):
        cycle_transition(
            actor=office, cycle=cycle, name="close_applications", today=date(2026, 6, 30)
        )
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.ANNOUNCED
    cycle_transition(actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1))
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.QUALIFICATION


@pytest.mark.parametrize(
    ("founded", "ok"),
    [
        (date(2023, 6, 2), True),  # exactly 3 years before the receipt on 2026-06-02
        (date(2023, 6, 3), False),  # one day short
    ],
)
def test_years_of_operation_at_the_boundary(cycle, applicant, founded, ok):
    organisation_for(applicant, founded=founded)
    dossier = ready_dossier(applicant, cycle)
    assert dossier_checks(dossier)[0].ok is ok


@pytest.mark.parametrize(("since", "ok"), [(2021, True), (2022, False)])
def test_years_of_quality_work_at_the_boundary(cycle, person_user, since, ok):
    from tests.factories.applications import individual_for

    individual_for(person_user, since=since)  # exactly 5 years in 2026, or one short
    dossier = ready_dossier(person_user, cycle)
    assert dossier_checks(dossier)[0].ok is ok


def test_expert_review_cannot_start_with_a_supplement_pending(cycle, office, applicant):
    from applications.services.qualification import check_item_record, supplement_request

    organisation_for(applicant)
    dossier = dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    check_item_record(
        actor=office, dossier=dossier, code="16.complete", outcome="supplement", note="缺"
    )
    supplement_request(actor=office, dossier=dossier, reply_working_days=5)
    cycle_transition(actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1))
    with pytest.raises(ValidationError, match=dossier.number):
        cycle_transition(actor=office, cycle=cycle, name="start_expert_review")
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.QUALIFICATION


def test_the_round_page_links_every_blocking_dossier(client, cycle, office, applicant):
    organisation_for(applicant)
    dossier = dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    cycle_transition(actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1))
    client.force_login(office)
    page = client.get(f"/office/cycles/{cycle.pk}/").content.decode()
    assert f'href="/office/qualification/{dossier.pk}/"' in page and dossier.number in page


def test_a_cycle_transition_writes_its_audit_row(june_2026, office, edition_2021):
    from tests.factories.applications import draft_cycle

    cycle = draft_cycle(office, edition_2021, name="x")
    cycle_transition(actor=office, cycle=cycle, name="announce")
    event = AuditEvent.objects.get(action=Action.CYCLE_TRANSITION)
    assert (event.actor, event.target_id) == (office, str(cycle.pk))
    assert event.details["from"] == "draft" and event.details["to"] == "announced"


def test_a_file_upload_writes_its_audit_row(org_dossier, applicant):
    before = AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count()
    stored = file_attach(
        actor=applicant,
        dossier=org_dossier,
        kind="evidence",
        title="证书",
        upload=pdf_upload(),
        trade_secret=False,
    )
    event = AuditEvent.objects.filter(action=Action.FILE_UPLOADED).order_by("-id").first()
    assert AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count() == before + 1
    assert (event.actor, event.target_id, event.details["file"]) == (
        applicant,
        str(org_dossier.pk),
        stored.pk,
    )


def test_every_access_grant_writes_its_audit_row(cycle, applicant):
    organisation_for(applicant)
    dossier = ready_dossier(applicant, cycle, files=False)
    event = AuditEvent.objects.get(action=Action.GRANT, target_id=str(dossier.pk))
    assert event.details["user"] == applicant.username
    assert set(event.details["perms"]) == {
        "applications.view_dossier",
        "applications.change_dossier",
    }


def test_a_submission_writes_its_audit_row_and_a_refused_one_changes_nothing(
    org_dossier, applicant, other_applicant
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        dossier_submit(actor=other_applicant, dossier=org_dossier, pledge=True)
    dossier = Dossier.objects.get(pk=org_dossier.pk)
    assert (dossier.state, dossier.number, dossier.receipts.count()) == ("draft", None, 0)
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    event = AuditEvent.objects.get(action=Action.DOSSIER_SUBMITTED)
    assert (event.actor, event.details["number"]) == (applicant, "2026-Z-001")


def test_organisation_years_of_operation_counts_whole_years():
    org = Organisation(founded_on=date(2020, 2, 29))
    assert org.years_of_operation(date(2023, 2, 28)) == 2
    assert org.years_of_operation(date(2023, 3, 1)) == 3


def test_the_qualification_clock_starts_on_the_receipt_date(org_dossier, applicant, june_2026):
    from award_portal.workdays.models import Deadline

    june_2026.move_to(datetime(2026, 6, 5, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")))  # a Friday
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    clock = Deadline.objects.get(kind="qualification_check")
    # counted from the next day: Jun 8-12, 15-18 (19 is the Dragon Boat Festival), 22
    assert (clock.start_date, clock.due_date) == (date(2026, 6, 5), date(2026, 6, 22))
    assert Dossier.objects.get(pk=org_dossier.pk).state == DossierState.SUBMITTED
