import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from award_portal.audit.services import audit_record

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LIST = reverse("audit:auditevent-list")
EXPORT = reverse("audit:auditevent-export")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", 200),
        ("auditor", 200),
        ("expert", 403),
        ("agency", 403),
        ("working_group", 403),
        ("mobiliser", 403),
        ("applicant", 403),
        ("anonymous", 302),
    ],
)
def test_audit_trail_per_persona(client, persona, name, expected):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(LIST).status_code == expected
    assert client.get(EXPORT).status_code == expected


def test_filters_by_action_outcome_actor_and_date(client, auditor, office, expert):
    audit_record(action=Action.LOGIN, actor=office)
    audit_record(action=Action.LOGIN_FAILED, outcome=Outcome.FAILURE, actor_label="intruder")
    audit_record(action=Action.STAFF_CREATED, actor=office, target=expert)
    client.force_login(auditor)  # force_login sends user_logged_in too: one more event
    by_action = client.get(LIST, {"action": Action.STAFF_CREATED})
    assert list(by_action.context["object_list"].values_list("action", flat=True)) == [
        Action.STAFF_CREATED
    ]
    by_outcome = client.get(LIST, {"outcome": Outcome.FAILURE})
    assert [e.actor_label for e in by_outcome.context["object_list"]] == ["intruder"]
    by_actor = client.get(LIST, {"actor": "office_cl"})
    assert {e.actor_label for e in by_actor.context["object_list"]} == {"office_clerk"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(LIST, {"since": tomorrow}).context["paginator"].count == 0


def test_bad_filter_input_gets_a_message_not_an_error(client, office):
    client.force_login(office)
    response = client.get(LIST, {"since": "2026-13-45", "action": "nonsense"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_export_is_csv_with_the_filtered_rows_and_is_itself_audited(client, office, expert):
    audit_record(action=Action.STAFF_CREATED, actor=office, target=expert)
    audit_record(action=Action.LOGIN_FAILED, outcome=Outcome.FAILURE, actor_label="=cmd|x")
    client.force_login(office)
    response = client.get(EXPORT, {"outcome": Outcome.FAILURE})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "time"
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|x"  # a formula is defused, shown as text
    assert AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED, actor=office).exists()


def test_list_query_count_is_constant(client, auditor, office, django_assert_max_num_queries):
    client.force_login(auditor)
    audit_record(action=Action.LOGIN, actor=office)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for _ in range(40):
        audit_record(action=Action.LOGIN, actor=office, target=office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
