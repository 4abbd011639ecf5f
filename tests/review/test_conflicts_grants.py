"""The experts' object grants (django-guardian, ``review.review_assignment``): given on a
no-conflict declaration, taken away on recusal, on removal from the panel and when the
stage closes; each in the same transaction as its audit row.

"Same transaction" is checked with the real database: a trigger makes the insert of the
audit row fail, and the grant (or its removal) must not survive the failure.
"""

import pytest
from django.db import IntegrityError, connection

from award_portal.audit.models import AuditEvent
from review.enums import AssignmentState, FlagState, MemberState, StageState
from review.models import Assignment, AssignmentUserObjectPermission, ConflictDeclaration
from review.permissions import can_read_assignment
from review.services.agencies import expert_update
from review.services.conflicts import conflict_declare, conflicts_detect, flag_resolve
from review.services.panels import member_answer, member_remove
from review.services.plans import stage_close
from review.services.scoring import criteria_of, result_confirm, sheet_save, sheet_submit
from tests.review._panels_world import world_fixture  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def granted(assignment) -> bool:
    return AssignmentUserObjectPermission.objects.filter(
        content_object=assignment,
        user=assignment.expert.user,
        permission__codename="review_assignment",
    ).exists()


def events(action, assignment):
    return AuditEvent.objects.filter(
        action=action,
        target_id=str(assignment.dossier_id),
        details__user=assignment.expert.user.username,
    )


@pytest.fixture
def failing_audit():
    """Make the insert of an audit row with the given action fail in the database, as an
    integrity error, on SQLite and on PostgreSQL alike."""
    from award_portal.audit.models import AuditEvent as Event

    table = Event._meta.db_table
    postgres = connection.vendor == "postgresql"

    def fail(action: str) -> None:
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION fail_audit() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'audit refused' USING ERRCODE = '23000'; END; "
                    "$$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    f"CREATE TRIGGER fail_audit BEFORE INSERT ON {table} FOR EACH ROW "
                    f"WHEN (NEW.action = '{action}') EXECUTE FUNCTION fail_audit()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER fail_audit BEFORE INSERT ON {table} "
                    f"WHEN NEW.action = '{action}' "
                    "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
                )

    yield fail
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"DROP TRIGGER IF EXISTS fail_audit ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS fail_audit()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS fail_audit")


@pytest.fixture
def offered(world):
    member_answer(actor=world.invited.user, member=world.member_of(world.invited), accept=True)
    return world.assignment_of(world.invited)


def test_a_no_conflict_declaration_grants_access_with_its_audit_row(world, offered):
    assert not granted(offered)
    conflict_declare(actor=world.invited.user, assignment=offered, has_conflict=False)
    offered.refresh_from_db()
    assert granted(offered)
    assert can_read_assignment(world.invited.user, offered)
    event = events("permission.granted", offered).get()
    assert (event.actor, event.target_id, event.details["perms"]) == (
        world.invited.user,
        str(world.dossier.pk),
        ["review.review_assignment"],
    )


def test_no_grant_survives_a_failed_audit_row(world, offered, failing_audit):
    failing_audit("permission.granted")
    with pytest.raises(IntegrityError):
        conflict_declare(actor=world.invited.user, assignment=offered, has_conflict=False)
    offered.refresh_from_db()
    assert offered.state == AssignmentState.OFFERED
    assert not granted(offered)
    assert not ConflictDeclaration.objects.filter(expert=world.invited).exists()
    assert not AuditEvent.objects.filter(
        action="review.conflict_declared", actor=world.invited.user
    ).exists()


def test_a_declared_conflict_gives_no_grant(world, offered):
    conflict_declare(
        actor=world.invited.user,
        assignment=offered,
        has_conflict=True,
        conflict_type="family",
        note="",
    )
    offered.refresh_from_db()
    assert offered.state == AssignmentState.RECUSED
    assert not granted(offered)
    assert not events("permission.granted", offered).exists()


def confirm_conflict_later(world, office):
    """The assigned expert (granted) updates its employer to the applicant; the office
    confirms the likely conflict this reveals."""
    expert = expert_update(
        actor=world.staff,
        expert=world.assigned,
        data={"employer": world.dossier.organisation.name},
    )
    (flag,) = conflicts_detect(expert=expert, dossier=world.dossier, lookback_years=3)
    return flag_resolve(actor=office, flag=flag, confirmed=True, reason="现任职于申报单位")


def test_recusal_takes_the_grant_away_with_its_audit_row(world, office):
    assignment = world.assignment_of(world.assigned)
    assert granted(assignment)
    confirm_conflict_later(world, office)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.RECUSED
    assert not granted(assignment)
    assert not can_read_assignment(world.assigned.user, assignment)
    event = events("permission.revoked", assignment).get()
    assert (event.actor, event.details["reason"]) == (office, "confirmed by the office")
    assert AuditEvent.objects.filter(action="review.recused", actor=office).exists()


def test_a_recusal_whose_audit_row_fails_keeps_everything(world, office, failing_audit):
    assignment = world.assignment_of(world.assigned)
    failing_audit("permission.revoked")
    with pytest.raises(IntegrityError):
        confirm_conflict_later(world, office)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLARED
    assert granted(assignment)
    assert world.assigned.conflict_flags.get().state == FlagState.OPEN


def test_removal_from_the_panel_takes_the_grant_away(world):
    assignment = world.assignment_of(world.assigned)
    member_remove(actor=world.staff, member=world.member_of(world.assigned))
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.WITHDRAWN
    assert not granted(assignment)
    event = events("permission.revoked", assignment).get()
    assert (event.actor, event.details["reason"]) == (world.staff, "removed from the panel")


def test_a_removal_whose_audit_row_fails_keeps_everything(world, failing_audit):
    assignment = world.assignment_of(world.assigned)
    failing_audit("permission.revoked")
    with pytest.raises(IntegrityError):
        member_remove(actor=world.staff, member=world.member_of(world.assigned))
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLARED
    assert granted(assignment)
    assert world.member_of(world.assigned).state == MemberState.ACCEPTED


@pytest.fixture
def scored(world):
    """Three sheets in (the invited expert joins, so that the plan's minimum of three
    holds) and the leader's result confirmed: the stage can close."""
    member_answer(actor=world.invited.user, member=world.member_of(world.invited), accept=True)
    third = world.assignment_of(world.invited)
    conflict_declare(actor=world.invited.user, assignment=third, has_conflict=False)
    categories, items = criteria_of(world.stage, world.dossier)
    assignments = [world.assignment_of(e) for e in (world.leader, world.assigned, world.invited)]
    for assignment in assignments:
        user = assignment.expert.user
        sheet_save(
            actor=user,
            assignment=assignment,
            percents={item.pk: 60 for item in items},
            comments={c.pk: ("优势明显", "仍需改进") for c in categories},
        )
        sheet_submit(actor=user, assignment=assignment)
    result_confirm(
        actor=world.leader.user,
        stage=world.stage,
        dossier=world.dossier,
        agreed={item.pk: 60 for item in items},
        reasons={},
        comments={c.pk: ("组内一致认为优势明显", "建议加强") for c in categories},
    )
    return [Assignment.objects.get(pk=a.pk) for a in assignments]


def test_closing_the_stage_takes_every_grant_away(world, office, scored):
    assert all(granted(a) for a in scored)
    stage_close(actor=office, stage=world.stage)
    for assignment in scored:
        assert not granted(assignment)
        event = events("permission.revoked", assignment).get()
        assert (event.actor, event.details["reason"]) == (office, "stage closed")


def test_a_stage_close_whose_audit_row_fails_keeps_everything(world, office, scored, failing_audit):
    failing_audit("permission.revoked")
    with pytest.raises(IntegrityError):
        stage_close(actor=office, stage=world.stage)
    world.stage.refresh_from_db()
    assert world.stage.state == StageState.OPEN
    assert all(granted(a) for a in scored)


def test_closing_the_stage_closes_the_experts_links_to_its_result_pages(
    world, office, scored, client
):
    """The leader's "all sheets are in" notification links the panel result, which opens
    to the leader only while the stage runs: once the stage closes the notification keeps
    its text but no longer offers the link; the office's link to the same page stays."""
    from django.urls import reverse

    from award_portal.notifications.models import Notification
    from award_portal.notifications.services import notify
    from tests.helpers import links_that_refuse

    url = reverse("review:result", args=[world.stage.pk, world.dossier.pk])
    leaders = Notification.objects.filter(user=world.leader.user, url=url)
    assert leaders.exists()
    title = leaders.first().title
    office_note = notify(user=office, title="评审结果待查看", url=url, email=False)
    client.force_login(world.leader.user)
    assert f'href="{url}"' in client.get(reverse("notifications:list")).content.decode()

    stage_close(actor=office, stage=world.stage)

    assert all(n.link_closed_at is not None for n in leaders)
    assert leaders.first().title == title and leaders.first().url == url
    page = client.get(reverse("notifications:list")).content.decode()
    assert title in page and f'href="{url}"' not in page
    assert "该页面已不再向您开放。" in page
    assert links_that_refuse(client, page) == []
    office_note.refresh_from_db()
    assert office_note.link_closed_at is None
    client.force_login(office)
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="review.stage_closed")
    assert event.details["links_closed"] == leaders.count()


def test_the_migration_closes_links_left_open_by_stages_closed_before(world, office, scored):
    """An installation whose stages closed before links were closed with them: the data
    migration closes the experts' result links of each closed stage, and no other."""
    from importlib import import_module

    from django.apps import apps
    from django.urls import reverse

    from award_portal.notifications.models import Notification
    from award_portal.notifications.services import notify

    migration = import_module("review.migrations.0005_close_result_links_of_closed_stages")
    url = reverse("review:result", args=[world.stage.pk, world.dossier.pk])
    office_note = notify(user=office, title="评审结果待查看", url=url, email=False)
    migration.forward(apps, None)  # the stage runs: nothing closes
    assert not Notification.objects.filter(link_closed_at__isnull=False).exists()
    stage_close(actor=office, stage=world.stage)
    Notification.objects.update(link_closed_at=None)  # as before the fix
    migration.forward(apps, None)
    leaders = Notification.objects.filter(user=world.leader.user, url=url)
    assert leaders.exists() and all(n.link_closed_at is not None for n in leaders)
    office_note.refresh_from_db()
    assert office_note.link_closed_at is None
