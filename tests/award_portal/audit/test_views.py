import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from award_portal.audit.services import audit_record
from award_portal.documents.spreadsheets import XLSX_TYPE
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LIST = reverse("audit:auditevent-list")
EXPORT = reverse("audit:auditevent-export")
EXPORT_XLSX = reverse("audit:auditevent-export-xlsx")


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
    assert client.get(EXPORT_XLSX).status_code == expected


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


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_is_csv_with_the_filtered_rows_and_is_itself_audited(client, office, expert):
    audit_record(action=Action.STAFF_CREATED, actor=office, target=expert)
    audit_record(action=Action.LOGIN_FAILED, outcome=Outcome.FAILURE, actor_label="=cmd|x")
    client.force_login(office)
    response = client.get(EXPORT, {"outcome": Outcome.FAILURE})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|x"  # a formula is defused, shown as text
    export = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED, actor=office)
    assert export.details == {"format": "csv", "filters": {"outcome": "failure"}, "rows": 1}


def test_export_reads_as_chinese_labels_and_text_not_codes(client, office):
    expert = UserFactory(username="expert9", display_name="李强", role=Role.EXPERT)
    audit_record(
        action=Action.STAFF_CREATED,
        actor=office,
        target=expert,
        details={"role": "expert", "working_group_position": ""},
    )
    client.force_login(office)
    rows = csv_rows(client.get(EXPORT, {"action": Action.STAFF_CREATED}))
    assert rows[0] == [
        "时间",
        "操作人",
        "角色",
        "操作",
        "结果",
        "对象类型",
        "对象编号",
        "对象",
        "来源IP",
        "详情",
    ]
    time, actor, role, action, outcome, kind, target_id, target, _ip, details = rows[1]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", time)
    assert (actor, role, action, outcome) == (
        "office_clerk",
        "专项工作协调办公室",
        "创建工作人员账户",
        "成功",
    )
    assert (kind, target_id, target) == ("用户", str(expert.pk), "李强")
    assert details == "角色：评审专家"  # not {'role': 'expert', ...}


def test_export_follows_the_language_switch(client, office):
    audit_record(action=Action.LOGIN, actor=office)
    client.force_login(office)
    client.cookies["django_language"] = "en"
    rows = csv_rows(client.get(EXPORT, {"action": Action.LOGIN}))
    assert rows[0][:4] == ["Time", "Actor", "Role", "Action"]
    assert rows[1][2:4] == ["Coordination office", "Log-in"]


def test_export_details_are_key_value_text_with_nested_filters(client, auditor):
    client.force_login(auditor)
    client.get(EXPORT, {"action": Action.LOGIN, "outcome": "success"})  # one row: the log-in
    rows = csv_rows(client.get(EXPORT, {"action": Action.AUDIT_EXPORTED}))
    # PostgreSQL's jsonb keeps keys in its own order, so the pairs are compared as a set.
    assert sorted(rows[1][9].split("；")) == sorted(
        ["格式：CSV", "筛选条件·操作：登录", "筛选条件·结果：成功", "行数：1"]
    )


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "@SUM(A1)"])
def test_names_that_look_like_formulas_stay_text_in_both_exports(client, office, name):
    target = UserFactory(display_name=name, role=Role.EXPERT)
    audit_record(action=Action.STAFF_CREATED, actor=office, target=target)
    client.force_login(office)
    rows = csv_rows(client.get(EXPORT, {"action": Action.STAFF_CREATED}))
    assert rows[1][7] == "'" + name

    response = client.get(EXPORT_XLSX, {"action": Action.STAFF_CREATED})
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "审计日志"
    assert sheet["A1"].value == "时间" and sheet["J1"].value == "详情"
    cell = sheet["H2"]
    assert cell.value == name and cell.data_type == "s"  # stored as text, not a formula
    assert isinstance(sheet["A2"].value, datetime)
    export = AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED).order_by("id").last()
    assert export.details["format"] == "xlsx" and export.details["rows"] == 1


def test_filter_labels_say_from_date_and_to_date(client, office):
    client.force_login(office)
    page = client.get(LIST).content.decode()
    assert "截止日期" in page and "起始日期" in page
    assert "收件人" not in page


def test_list_query_count_is_constant(client, auditor, office, django_assert_max_num_queries):
    client.force_login(auditor)
    audit_record(action=Action.LOGIN, actor=office)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for _ in range(40):
        audit_record(action=Action.LOGIN, actor=office, target=office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
