"""Every service that writes leaves its audit row in the same transaction: the action, who
did it (the actor, or the label of an anonymous one) and what it was done to (the target).

``SERVICE_TESTS`` names, for every function decorated with ``@transaction.atomic`` in a
services module, the test that asserts its row; ``EXEMPT`` names those that write no row
of their own, with the reason. A new writing service must be added to one of them, or
``test_every_writing_service_has_a_test_of_its_audit_row`` fails.
"""

import ast
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Max

from applications.enums import CheckOutcome, FileKind
from applications.models import Dossier, Individual, Invitation, MobiliserScope
from applications.services.applicants import (
    individual_reveal_id,
    member_invitation_answer,
    member_invite,
)
from applications.services.cycles import cycle_update
from applications.services.dossiers import (
    dossier_resubmit,
    dossier_save_draft,
    dossier_start,
    dossier_submit,
    dossier_withdraw,
    file_remove,
)
from applications.services.mobilisers import invitation_send, mobiliser_set_scope
from applications.services.qualification import (
    checklist_save,
    qualification_decide,
    supplement_request,
)
from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.services import (
    account_confirm_email,
    applicant_register,
    confirmation_resend_request,
    password_reset_request,
    staff_account_create,
)
from award_portal.accounts.tokens import make_confirmation_token
from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from award_portal.rules.services import edition_copy, edition_update
from award_portal.workdays.services import (
    HolidayEntry,
    MakeupEntry,
    schedule_confirm,
    schedule_save,
)
from tests.factories import ApplicantFactory
from tests.factories.applications import draft_cycle, individual_for, organisation_for
from tests.helpers import known_test_id

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
HERE = "tests/test_audit_rows.py"
REVIEW = "tests/review/test_audit_rows_review.py"
PUBLICITY = "tests/publicity/test_audit_rows_publicity.py"
OFFICE = "tests/publicity/test_office_services.py"  # every office service of publicity/, in turn

SERVICE_TESTS = {
    "applications.services.applicants.organisation_save": (
        f"{HERE}::test_organisation_save_and_the_invitation_it_takes_up"
    ),
    "applications.services.applicants.member_invite": f"{HERE}::test_member_invite",
    "applications.services.applicants.member_invitation_answer": (
        f"{HERE}::test_member_decline_and_join"
    ),
    "applications.services.applicants.individual_save": f"{HERE}::test_individual_save",
    "applications.services.applicants.individual_reveal_id": f"{HERE}::test_individual_reveal_id",
    "applications.services.cycles.cycle_create": f"{HERE}::test_cycle_create",
    "applications.services.cycles.cycle_update": f"{HERE}::test_cycle_update",
    "applications.services.cycles.cycle_transition": (
        "tests/applications/test_machine_and_guards.py::test_a_cycle_transition_writes_its_audit_row"
    ),
    "applications.services.dossiers.dossier_start": f"{HERE}::test_dossier_start",
    "applications.services.dossiers.dossier_save_draft": (
        f"{HERE}::test_dossier_save_draft_names_the_changed_answers_only"
    ),
    "applications.services.dossiers.file_attach": (
        "tests/applications/test_machine_and_guards.py::test_a_file_upload_writes_its_audit_row"
    ),
    "applications.services.dossiers.file_remove": f"{HERE}::test_file_remove",
    "applications.services.dossiers.dossier_submit": f"{HERE}::test_dossier_submit_and_resubmit",
    "applications.services.dossiers.dossier_resubmit": (
        f"{HERE}::test_dossier_submit_and_resubmit"
    ),
    "applications.services.dossiers.dossier_withdraw": f"{HERE}::test_dossier_withdraw",
    "applications.services.mobilisers.mobiliser_set_scope": f"{HERE}::test_mobiliser_set_scope",
    "applications.services.mobilisers.invitation_send": (
        f"{HERE}::test_organisation_save_and_the_invitation_it_takes_up"
    ),
    "applications.services.qualification.checklist_save": f"{HERE}::test_checklist_save",
    "applications.services.qualification.supplement_request": (
        f"{HERE}::test_supplement_request_and_qualification_decide"
    ),
    "applications.services.qualification.qualification_decide": (
        f"{HERE}::test_supplement_request_and_qualification_decide"
    ),
    "applications.services.qualification.qualification_conclude_lapsed": (
        "tests/applications/test_qualification.py::"
        "test_the_office_concludes_not_qualified_once_the_reply_period_has_passed"
    ),
    "award_portal.accounts.services.applicant_register": (
        f"{HERE}::test_applicant_register_and_account_confirm_email"
    ),
    "award_portal.accounts.services.account_confirm_email": (
        f"{HERE}::test_applicant_register_and_account_confirm_email"
    ),
    "award_portal.accounts.services.password_reset_request": (
        f"{HERE}::test_password_reset_and_confirmation_requests"
    ),
    "award_portal.accounts.services.confirmation_resend_request": (
        f"{HERE}::test_password_reset_and_confirmation_requests"
    ),
    "award_portal.accounts.services.staff_account_create": f"{HERE}::test_staff_account_create",
    "award_portal.accounts.services.account_set_active": (
        "tests/award_portal/accounts/test_services.py::"
        "test_deactivation_keeps_the_reason_in_the_audit_trail"
    ),
    "award_portal.audit.services.auditevent_export_record": (
        "tests/award_portal/audit/test_views.py::"
        "test_export_is_csv_with_the_filtered_rows_and_is_itself_audited"
    ),
    "award_portal.rules.services.edition_copy": f"{HERE}::test_edition_copy_and_update",
    "award_portal.rules.services.edition_update": f"{HERE}::test_edition_copy_and_update",
    "award_portal.workdays.services.schedule_save": f"{HERE}::test_schedule_save_and_confirm",
    "award_portal.workdays.services.schedule_confirm": f"{HERE}::test_schedule_save_and_confirm",
    # issue 10: the round's archive and the statistics
    "publicity.services.archive.archive_request": (
        "tests/publicity/test_archive.py::test_the_build_writes_its_rows"
    ),
    "publicity.services.archive.archive_complete": (
        "tests/publicity/test_archive.py::test_the_build_writes_its_rows"
    ),
    "publicity.services.archive.archive_fail": (
        "tests/publicity/test_archive.py::"
        "test_a_section_registered_later_is_written_and_a_failing_one_fails_the_build"
    ),
    "publicity.services.archive.archive_download": (
        "tests/publicity/test_archive.py::test_archive_download_writes_its_row"
    ),
    "publicity.services.statistics.statistics_export": (
        "tests/publicity/test_statistics.py::test_statistics_export_writes_its_row"
    ),
    # supervision after the award (issue 10: prize-fund reports, follow-up visits)
    **{
        f"publicity.services.supervision.{name}": (
            "tests/publicity/test_supervision_fund.py::test_fund_services_write_their_audit_rows"
        )
        for name in (
            "fund_schedule_set",
            "fund_report_save",
            "fund_evidence_add",
            "fund_evidence_remove",
            "fund_report_submit",
            "fund_correction_request",
            "fund_report_evaluate",
        )
    },
    **{
        f"publicity.services.supervision.{name}": (
            "tests/publicity/test_supervision_visits.py::test_visit_services_write_their_audit_rows"
        )
        for name in ("visit_plan", "visit_record", "finding_close")
    },
    # the moves review/ and publicity/ make through applications/, and the accounts they open
    "applications.services.dossiers.dossier_review_start": (
        f"{REVIEW}::test_plan_start_and_exports"
    ),
    "applications.services.dossiers.dossier_review_conclude": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "applications.services.dossiers.dossier_move": (
        f"{PUBLICITY}::test_dossier_move_names_the_transition_and_who_made_it"
    ),
    "award_portal.accounts.services.staff_account_provision": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    # review/
    "review.services.agencies.agency_save": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.agencies.agency_account_create": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.agencies.engagement_save": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.agencies.engagement_contract_open": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.agencies.expert_create": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.agencies.expert_update": (
        f"{REVIEW}::test_agency_engagement_accounts_and_experts"
    ),
    "review.services.criteria.criteria_copy": f"{REVIEW}::test_criteria_copy_and_save",
    "review.services.criteria.criteria_save": f"{REVIEW}::test_criteria_copy_and_save",
    "review.services.plans.plan_save": f"{REVIEW}::test_plan_start_and_exports",
    "review.services.plans.review_start": f"{REVIEW}::test_plan_start_and_exports",
    "review.services.exports.review_export_record": f"{REVIEW}::test_plan_start_and_exports",
    "review.services.conflicts.register_export_record": f"{REVIEW}::test_plan_start_and_exports",
    "review.services.panels.panel_create": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels._invite": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels.member_answer": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels.panel_set_leader": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels._assign": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels.member_remove": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.panels.dossier_unassign": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.conflicts.conflict_declare": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.scoring.assigned_file_open": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.scoring.sheet_save": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.scoring.sheet_submit": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.scoring.sheet_return": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.scoring.result_confirm": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.scoring.result_reopen": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.plans.stage_close": (
        f"{REVIEW}::test_sheets_results_and_the_close_of_the_last_stage"
    ),
    "review.services.onsite.visit_save": f"{REVIEW}::test_visit_finding_and_its_attachment",
    "review.services.onsite.finding_record": f"{REVIEW}::test_visit_finding_and_its_attachment",
    "review.services.onsite.finding_attachment_open": (
        f"{REVIEW}::test_visit_finding_and_its_attachment"
    ),
    "review.services.feedback.feedback_release": (
        f"{REVIEW}::test_feedback_report_its_pdf_and_the_conduct_ratings"
    ),
    "review.services.feedback.feedback_pdf_open": (
        f"{REVIEW}::test_feedback_report_its_pdf_and_the_conduct_ratings"
    ),
    "review.services.conflicts.flag_resolve": f"{REVIEW}::test_panels_members_and_dossiers",
    "review.services.defence.slot_save": f"{REVIEW}::test_defence_slot_booked_and_confirmed",
    "review.services.defence.slot_confirm": f"{REVIEW}::test_defence_slot_booked_and_confirmed",
    "review.services.feedback.conduct_rate": (
        f"{REVIEW}::test_feedback_report_its_pdf_and_the_conduct_ratings"
    ),
    "review.services.feedback.case_close": (
        f"{REVIEW}::test_feedback_report_its_pdf_and_the_conduct_ratings"
    ),
    # publicity/
    "publicity.services.award.approval_record": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.award.plaque_deliver": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.award.prize_pay": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.comment.comment_close": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.comment.comment_weigh": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.comment.comment_weigh_after": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.comment.notice_publish": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.comment.notice_save": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.ballot_close": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.meeting_close": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.meeting_open": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.meeting_schedule": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.member_add": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.member_end": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.group.vote_cast": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.publicity.group_decide": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.publicity.objection_decide": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.publicity.objection_investigate": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.publicity.publicity_end": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.publicity.publicity_publish": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.ranking.candidates_submit": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.ranking.ranking_save": (
        f"{OFFICE}::test_every_office_service_writes_its_audit_row"
    ),
    "publicity.services.contact.contact_check_send": (
        f"{PUBLICITY}::test_contact_check_send_by_the_public_with_the_address_masked"
    ),
    "publicity.services.group.conflict_declare": (
        f"{PUBLICITY}::test_a_working_group_member_declares_a_conflict"
    ),
    # issue 10: revocation, recovery and bans (Art. 12(4), 28, 29)
    "applications.services.bans.ban_record": (
        "tests/publicity/test_revocation_services.py::test_a_ban_from_another_award_bars_a_person_by_id_number"
    ),
    "applications.services.bans.ban_for_revocation": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.revocation_open": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.revocation_evidence_add": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.revocation_statement_submit": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.revocation_propose": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.revocation_decide": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.recovery_item_record": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "publicity.services.revocation.prize_recovery_record": (
        "tests/publicity/test_revocation_services.py::test_a_fraud_case_ends_in_revocation_recovery_and_a_ban"
    ),
    "review.services.panels.acting_leader_set": (
        "tests/review/test_walk_leaders.py::test_the_office_names_the_acting_leader"
    ),
    "review.services.panels.panel_rename": (
        "tests/review/test_walk_pages.py::test_a_panel_is_renamed_and_an_empty_one_deleted"
    ),
    "review.services.panels.panel_delete": (
        "tests/review/test_walk_pages.py::test_a_panel_is_renamed_and_an_empty_one_deleted"
    ),
}

EXEMPT = {
    "award_portal.accounts.services.password_reset_send": (
        "the worker's half of a reset request: it reads the request's audit row (its id is "
        "the task's argument) and only queues e-mails"
    ),
    "award_portal.accounts.services.confirmation_send": (
        "the worker's half of a confirmation request, as password_reset_send"
    ),
    "award_portal.rules.services.edition_lock": (
        "runs only inside cycle_transition('announce'), whose cycle.transition row records "
        "the announcement of the round bound to that edition"
    ),
    "award_portal.documents.services.document_issue": (
        "numbers a document inside the service that issues it; that service's row carries "
        "the number (dossier.submitted, qualification.supplement, ...)"
    ),
    "award_portal.workdays.services.deadline_create": (
        "a clock started inside an audited service, whose row carries its due date "
        "(clock_due, reply_due)"
    ),
    "award_portal.workdays.services.deadline_close": (
        "a clock closed inside an audited service (resubmit, decide, withdraw, cancel)"
    ),
    "publicity.services.archive.archive_start": (
        "the worker claiming a requested build: the request's publicity.archive_requested "
        "row and the archive_built or archive_failed row that ends it record the build"
    ),
    "award_portal.system.services.heartbeat_record": (
        "the worker reporting that it is alive: no person changes anything"
    ),
}


def atomic_services() -> set[str]:
    """Every function decorated with ``transaction.atomic`` in a services module."""
    found = set()
    for app in ("award_portal", "applications", "review", "publicity"):
        paths = [
            *ROOT.joinpath(app).rglob("services.py"),
            *ROOT.joinpath(app).rglob("services/*.py"),
        ]
        for path in paths:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and any(
                    "atomic" in ast.unparse(d) for d in node.decorator_list
                ):
                    found.add(f"{module}.{node.name}")
    return found


@pytest.mark.unit
def test_every_writing_service_has_a_test_of_its_audit_row():
    services = atomic_services()
    assert "applications.services.dossiers.dossier_submit" in services  # the scan works
    assert services - set(SERVICE_TESTS) - set(EXEMPT) == set()
    assert set(SERVICE_TESTS) | set(EXEMPT) <= services  # no stale entry
    missing = [test for test in SERVICE_TESTS.values() if not known_test_id(test)]
    assert missing == []


# --- reading the rows ------------------------------------------------------------------


class Trail:
    """The rows written since it was made (or last ``moved``)."""

    def __init__(self):
        self.move()

    def move(self):
        self.mark = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0

    def rows(self, action=None):
        rows = AuditEvent.objects.filter(id__gt=self.mark).order_by("id")
        return list(rows.filter(action=action) if action else rows)

    def one(self, action, *, actor, target, actor_label=None) -> AuditEvent:
        """The single row of ``action`` written since the mark, by ``actor`` on ``target``."""
        rows = self.rows(action)
        assert len(rows) == 1, [r.action for r in self.rows()]
        event = rows[0]
        assert event.outcome == Outcome.SUCCESS
        if actor is None:
            assert event.actor is None
            assert event.actor_label == (actor_label or "")
        else:
            assert (event.actor, event.actor_label) == (actor, actor.username)
            assert event.actor_role == (actor.role or "")
        if target is None:
            assert (event.target_type, event.target_id) == (None, "")
        else:
            assert event.target_type == ContentType.objects.get_for_model(target)
            assert event.target_id == str(target.pk)
        return event


@pytest.fixture
def trail():
    return Trail()


# --- rounds ----------------------------------------------------------------------------


def test_cycle_create(june_2026, office, edition_2021, trail):
    cycle = draft_cycle(office, edition_2021, name="第四届")
    event = trail.one(Action.CYCLE_CREATED, actor=office, target=cycle)
    assert event.details == {"edition": edition_2021.pk}


def test_cycle_update(june_2026, office, edition_2021):
    cycle = draft_cycle(office, edition_2021, name="第四届")
    trail = Trail()
    cycle_update(actor=office, cycle=cycle, data={"name": "第四届市长质量奖"})
    event = trail.one(Action.CYCLE_CHANGED, actor=office, target=cycle)
    assert event.details == {"changes": {"name": ["第四届", "第四届市长质量奖"]}}
    cycle_update(actor=office, cycle=cycle, data={"name": "第四届市长质量奖"})
    assert len(trail.rows()) == 1  # nothing changed: nothing written


# --- profiles, members, mobilisers ------------------------------------------------------


def test_mobiliser_set_scope(office, mobiliser, trail):
    mobiliser_set_scope(actor=office, user=mobiliser, scope=MobiliserScope.SECTOR, sector="C")
    event = trail.one(Action.PROFILE_SAVED, actor=office, target=mobiliser)
    assert event.details == {"mobiliser_scope": "sector", "sector": "C", "district": ""}


def test_organisation_save_and_the_invitation_it_takes_up(office, mobiliser, applicant):
    mobiliser_set_scope(actor=office, user=mobiliser, scope=MobiliserScope.SECTOR, sector="G")
    trail = Trail()
    invitation_send(actor=mobiliser, organisation_name="二连浩特物流公司", email=applicant.email)
    invitation = Invitation.objects.get()
    sent = trail.one(Action.INVITATION_SENT, actor=mobiliser, target=invitation)
    assert sent.details["email"] == applicant.email and sent.details["kind"] == "organisation"
    trail.move()
    organisation = organisation_for(applicant)
    saved = trail.one(Action.PROFILE_SAVED, actor=applicant, target=organisation)
    assert saved.details["created"] is True
    assert saved.details["changes"]["legal_representative"] == ["", "王建国"]
    accepted = trail.one(Action.INVITATION_ACCEPTED, actor=applicant, target=invitation)
    assert accepted.details == {"mobiliser": mobiliser.username}


def test_member_invite(applicant, trail):
    organisation = organisation_for(applicant)
    trail.move()
    member_invite(actor=applicant, organisation=organisation, email="wang.fang@example.invalid")
    event = trail.one(Action.MEMBER_INVITED, actor=applicant, target=organisation)
    assert "wang.fang" not in str(event.details)  # the address is masked
    assert event.details["email"].startswith("wa")


def test_member_decline_and_join(org_dossier, applicant):
    organisation = org_dossier.organisation
    declining = ApplicantFactory(username="declining")
    joining = ApplicantFactory(username="joining")
    first = member_invite(actor=applicant, organisation=organisation, email=declining.email)
    second = member_invite(actor=applicant, organisation=organisation, email=joining.email)
    trail = Trail()
    member_invitation_answer(actor=declining, invitation=first, accept=False)
    trail.one(Action.MEMBER_DECLINED, actor=declining, target=organisation)
    assert len(trail.rows()) == 1
    trail.move()
    member_invitation_answer(actor=joining, invitation=second, accept=True)
    joined = trail.one(Action.MEMBER_JOINED, actor=joining, target=organisation)
    assert joined.details == {"invited_by": applicant.username}
    grant = trail.one(Action.GRANT, actor=joining, target=org_dossier)
    assert grant.details["user"] == joining.username


def test_individual_save(person_user, trail):
    person = individual_for(person_user)
    event = trail.one(Action.PROFILE_SAVED, actor=person_user, target=person)
    assert event.details["created"] is True
    assert event.details["changes"]["id_number"][1] == person.id_number_masked
    assert person.id_number() not in str(event.details)


def test_individual_reveal_id(person_user, office):
    person = individual_for(person_user)
    trail = Trail()
    individual_reveal_id(actor=office, individual=Individual.objects.get(pk=person.pk))
    trail.one(Action.ID_REVEALED, actor=office, target=person)


# --- dossiers ---------------------------------------------------------------------------


def test_dossier_start(cycle, applicant):
    organisation_for(applicant)
    trail = Trail()
    dossier = dossier_start(actor=applicant, cycle=cycle)
    trail.one(Action.DOSSIER_CREATED, actor=applicant, target=dossier)
    trail.one(Action.GRANT, actor=applicant, target=dossier)
    dossier_start(actor=applicant, cycle=cycle)  # the one already open: nothing new
    assert len(trail.rows()) == 2


def save_draft(actor, dossier, **changes):
    dossier = Dossier.objects.get(pk=dossier.pk)
    answers = {
        "declarations": dict(dossier.declarations),
        "summaries": dict(dossier.category_summaries),
        "achievements": dossier.achievements,
    }
    for name, value in changes.items():
        answers[name] = answers[name] | value if isinstance(value, dict) else value
    return dossier_save_draft(
        actor=actor, dossier=dossier, expected_updated_at=dossier.updated_at, **answers
    )


def test_dossier_save_draft_names_the_changed_answers_only(org_dossier, applicant, trail):
    before = Dossier.objects.get(pk=org_dossier.pk).updated_at
    save_draft(applicant, org_dossier)  # an autosave of an unchanged form
    assert trail.rows() == []
    assert Dossier.objects.get(pk=org_dossier.pk).updated_at == before
    save_draft(
        applicant,
        org_dossier,
        summaries={"4.1": "以卓越绩效模式统领质量工作"},
        declarations={"12.5": True},
    )
    event = trail.one(Action.DOSSIER_DRAFT_SAVED, actor=applicant, target=org_dossier)
    assert event.details == {"fields": ["declarations.12.5", "category_summaries.4.1"]}
    assert "卓越绩效" not in str(event.details)  # names, never the values
    trail.move()
    save_draft(applicant, org_dossier, achievements="主持质量提升项目。")  # as it was
    assert trail.rows() == []
    stale = Dossier.objects.get(pk=org_dossier.pk)
    save_draft(applicant, org_dossier, achievements="新的事迹")
    trail.move()
    with pytest.raises(ValidationError):
        dossier_save_draft(
            actor=applicant,
            dossier=stale,
            declarations=stale.declarations,
            summaries=stale.category_summaries,
            achievements="旧页面上的事迹",
            expected_updated_at=stale.updated_at,
        )
    assert trail.rows() == []


def test_autosave_through_the_page_writes_one_row_per_change(client, org_dossier, applicant):
    from applications.forms import DossierForm

    client.force_login(applicant)
    form = DossierForm(dossier=Dossier.objects.get(pk=org_dossier.pk))
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}
    trail = Trail()
    url = f"/dossiers/{org_dossier.pk}/"
    for _typed in range(3):  # the script saves while the person pauses, unchanged
        response = client.post(url, data, HTTP_X_AUTOSAVE="1")
        assert response.status_code == 200
        data["updated_at"] = response.json()["updated_at"]
    assert trail.rows() == []
    data["s_4.2"] = "战略目标分解到部门"
    assert client.post(url, data, HTTP_X_AUTOSAVE="1").status_code == 200
    event = trail.one(Action.DOSSIER_DRAFT_SAVED, actor=applicant, target=org_dossier)
    assert event.details == {"fields": ["category_summaries.4.2"]}
    assert event.source_ip == "127.0.0.1"


def test_file_remove(org_dossier, applicant, trail):
    stored = org_dossier.files.get(kind=FileKind.STAMPED_FORM)
    file_remove(actor=applicant, stored=stored)
    event = trail.one(Action.FILE_REMOVED, actor=applicant, target=org_dossier)
    assert event.details["file"] == stored.pk and event.details["sha256"] == stored.sha256


def test_dossier_submit_and_resubmit(org_dossier, applicant, office, june_2026, trail):
    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    submitted = trail.one(Action.DOSSIER_SUBMITTED, actor=applicant, target=dossier)
    assert submitted.details["number"] == "2026-Z-001"
    assert submitted.details["receipt"] == dossier.receipts.get().document.number
    checklist_save(
        actor=office, dossier=dossier, entries={"16.complete": (CheckOutcome.SUPPLEMENT, "缺")}
    )
    supplement_request(actor=office, dossier=dossier, reply_working_days=5)
    june_2026.move_to(datetime(2026, 6, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    trail.move()
    dossier_resubmit(actor=applicant, dossier=dossier, notes={"16.complete": "已补充"})
    event = trail.one(Action.DOSSIER_RESUBMITTED, actor=applicant, target=dossier)
    second = dossier.receipts.get(sequence=2)
    assert event.details["receipt"] == second.document.number
    assert event.details["notes"] == {"16.complete": "已补充"}
    assert event.details["clock_due"] == "2026-06-23"


def test_dossier_withdraw(org_dossier, applicant, trail):
    dossier_withdraw(actor=applicant, dossier=org_dossier, reason="本年度暂不申报")
    event = trail.one(Action.DOSSIER_WITHDRAWN, actor=applicant, target=org_dossier)
    assert event.details == {"from": "draft", "reason": "本年度暂不申报"}


@pytest.mark.parametrize(
    ("secret", "action"), [(False, Action.FILE_DOWNLOADED), (True, Action.SECRET_FILE_OPENED)]
)
def test_each_download_is_a_row(client, org_dossier, office, secret, action):
    stored = org_dossier.files.filter(trade_secret=secret).first()
    client.force_login(office)
    trail = Trail()
    response = client.get(f"/dossiers/{org_dossier.pk}/files/{stored.pk}/")
    b"".join(response.streaming_content)
    event = trail.one(action, actor=office, target=org_dossier)
    assert event.details == {"file": stored.pk, "sha256": stored.sha256}


# --- the qualification check ------------------------------------------------------------


def test_checklist_save(org_dossier, applicant, office):
    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    trail = Trail()
    entries = {"10.1": (CheckOutcome.PASS, ""), "12.3": (CheckOutcome.FAIL, "2025年较大事故")}
    checklist_save(actor=office, dossier=dossier, entries=entries)
    event = trail.one(Action.CHECKLIST_SAVED, actor=office, target=dossier)
    assert [change["item"] for change in event.details["changes"]] == ["10.1", "12.3"]
    checklist_save(actor=office, dossier=dossier, entries=entries)  # the same again
    assert len(trail.rows()) == 1


def test_supplement_request_and_qualification_decide(org_dossier, applicant, office):
    from applications.declarations import checklist_for

    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    checklist_save(
        actor=office, dossier=dossier, entries={"10.3": (CheckOutcome.SUPPLEMENT, "缺审计报告")}
    )
    trail = Trail()
    notice = supplement_request(actor=office, dossier=dossier, reply_working_days=5)
    event = trail.one(Action.SUPPLEMENT_REQUESTED, actor=office, target=dossier)
    assert event.details["document"] == notice.document.number
    assert (event.details["items"], event.details["reply_due"]) == (["10.3"], "2026-06-09")
    dossier_resubmit(actor=applicant, dossier=dossier, notes={"10.3": "见附件"})
    checklist_save(
        actor=office,
        dossier=dossier,
        entries={item.code: (CheckOutcome.PASS, "") for item in checklist_for(dossier.kind)},
    )
    trail.move()
    decided = qualification_decide(actor=office, dossier=dossier, qualified=True)
    event = trail.one(Action.QUALIFICATION_DECIDED, actor=office, target=dossier)
    assert event.details["qualified"] is True
    assert event.details["document"] == decided.decision_document.number


# --- accounts, rulebook editions, the calendar -------------------------------------------


def test_applicant_register_and_account_confirm_email(trail):
    user = applicant_register(
        username="newco",
        email="contact@newco.example.invalid",
        password="Quality-2026-erenhot",
        display_name="二连浩特新公司",
        kind=ApplicantKind.ORGANISATION,
    )
    trail.one(Action.REGISTERED, actor=None, actor_label="newco", target=user)
    trail.move()
    account_confirm_email(token=make_confirmation_token(user))
    user.refresh_from_db()
    trail.one(Action.EMAIL_CONFIRMED, actor=user, target=user)


def test_password_reset_and_confirmation_requests(trail):
    # asked for by an address, before anybody is known: no actor, no target
    password_reset_request(email="Someone@Example.invalid")
    event = trail.one(Action.PASSWORD_RESET_REQUESTED, actor=None, target=None)
    assert event.details["email"] == "someone@example.invalid"
    confirmation_resend_request(email="New@Example.invalid")
    event = trail.one(Action.CONFIRMATION_REQUESTED, actor=None, target=None)
    assert event.details["email"] == "new@example.invalid"


def test_staff_account_create(office, trail):
    expert = staff_account_create(
        actor=office,
        username="expert_z",
        email="expert_z@example.invalid",
        display_name="赵专家",
        role=Role.EXPERT,
    )
    event = trail.one(Action.STAFF_CREATED, actor=office, target=expert)
    assert event.details == {"role": "expert", "working_group_position": ""}


def test_edition_copy_and_update(office, edition_2021, trail):
    edition = edition_copy(
        actor=office,
        source=edition_2021,
        name="二连浩特市市长质量奖评审办法（2026 修订）",
        effective_from=date(2026, 9, 1),
        effective_until=None,
    )
    created = trail.one(Action.EDITION_CREATED, actor=office, target=edition)
    assert created.details["copied_from"] == edition_2021.pk
    trail.move()
    edition_update(actor=office, edition=edition, data={"review_max_wd": 25})
    changed = trail.one(Action.EDITION_CHANGED, actor=office, target=edition)
    assert changed.details == {"changes": {"review_max_wd": ["20", "25"]}}


def test_schedule_save_and_confirm(office, trail):
    schedule, _warnings = schedule_save(
        actor=office,
        year=2027,
        notice_number="国办发明电〔2026〕9号",
        notice_date=date(2026, 11, 10),
        notice_url="",
        holidays=[HolidayEntry("元旦", date(2027, 1, 1), date(2027, 1, 3))],
        makeup_days=[MakeupEntry(date(2027, 1, 9), "元旦")],
    )
    trail.one(Action.SCHEDULE_SAVED, actor=office, target=schedule)
    trail.move()
    schedule_confirm(actor=office, year=2027)
    trail.one(Action.SCHEDULE_CONFIRMED, actor=office, target=schedule)


def test_a_refused_write_leaves_no_row(org_dossier, other_applicant, trail):
    """The row is part of the change: a refused change writes none (the other half of
    "in the same transaction")."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        dossier_withdraw(actor=other_applicant, dossier=org_dossier)
    with pytest.raises(PermissionDenied):
        save_draft(other_applicant, org_dossier, achievements="外人写的")
    assert trail.rows() == []
    dossier = Dossier.objects.get(pk=org_dossier.pk)
    assert (dossier.state, dossier.achievements) == ("draft", "主持质量提升项目。")
