import pytest
from django.db import DatabaseError, connection, transaction

from award_portal.audit.enums import Action
from award_portal.audit.models import AppendOnlyError, AuditEvent
from award_portal.audit.services import audit_record

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_audit_record_keeps_actor_role_target_and_details(office, expert):
    event = audit_record(
        action=Action.STAFF_CREATED, actor=office, target=expert, details={"role": "expert"}
    )
    event.refresh_from_db()
    assert event.actor_label == office.username
    assert event.actor_role == "office"
    assert event.target_id == str(expert.pk)
    assert event.target_label == str(expert)
    assert event.details == {"role": "expert"}
    assert event.occurred_at.tzinfo is not None


def test_events_cannot_be_changed_or_deleted_through_the_orm(office):
    event = audit_record(action=Action.LOGIN, actor=office)
    event.action = "auth.logout"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.LOGIN


def test_the_database_itself_refuses_an_update(office):
    event = audit_record(action=Action.LOGIN, actor=office)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["forged", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).action == Action.LOGIN


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_raw_delete(office):
    event = audit_record(action=Action.LOGIN, actor=office)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
