"""The audit trail reads in Chinese for every event (issue 7 item 33): the details' keys
by their labels, coded values (stages, states, kinds, yes/no, contact kinds, outcomes)
by their display labels, in the page and in the export. The apps register their words
with the core (``award_portal.audit.labels``); an unknown key is shown as stored.

Every event the audit-row tests write is checked after each of them by the autouse
fixture ``audit_details_read_in_chinese`` (tests/conftest.py); the tests here check the
mechanism, the check itself and that nothing written by the apps lacks a label."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.formatting import details_text
from award_portal.audit.labels import register_details, registered_keys
from award_portal.audit.models import AuditEvent
from award_portal.audit.services import audit_record
from publicity.services.contact import contact_check_send
from tests.helpers import audit_english_left, english_words_left

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]
LIST = reverse("audit:auditevent-list")
EXPORT = reverse("audit:auditevent-export")


def chinese(details, action=""):
    with translation.override("zh-hans"):
        return details_text(details, action)


# --- the words -----------------------------------------------------------------------


def test_review_and_publicity_details_read_by_their_labels():
    assert chinese(
        {"stage": "material", "conflict": False, "type": "consulting"},
        Action.CONFLICT_DECLARED,
    ) == ("评审环节：材料评审；存在利害关系：否；利害关系类型：为申报方提供咨询或顾问服务")
    assert chinese(
        {"check": 7, "contact_kind": "phone", "contact": "139******78"}, Action.CODE_SENT
    ) == ("验证记录：7；发送方式：手机；发送至：139******78")
    assert (
        chinese(
            {"transition": "cancel_after_objection", "from": "proposed", "to": "withdrawn"},
            Action.DOSSIER_TRANSITION,
        )
        == "办理事项：因异议取消候选资格；原状态：拟授奖；新状态：已撤回"
    )


def test_a_key_reads_by_the_words_of_its_action():
    """``kind`` is the kind of applicant at registration, the kind of file at an upload;
    ``from`` is a round's state in one event and an application's in another."""
    assert chinese({"kind": "organisation"}, Action.REGISTERED) == "申报类型：组织"
    assert chinese({"kind": "evidence"}, Action.FILE_UPLOADED) == "文件类别：证明材料"
    assert chinese({"from": "draft"}, Action.CYCLE_TRANSITION) == "原状态：草稿"
    assert chinese({"from": "draft"}, Action.DOSSIER_WITHDRAWN) == "原状态：填写中"


def test_revocation_ban_recovery_archive_and_statistics_read_by_their_own_words():
    """Issue 10's events: coded grounds and items by their labels, and keys that mean
    something else elsewhere (``from``, ``source``, ``on``, ``case``) by their action."""
    assert chinese(
        {"source": "other_award", "from": "2025-09-01", "until": "2028-08-31"},
        Action.BAN_RECORDED,
    ) == (
        "禁止申报事由：在其他政府奖项申报中有弄虚作假行为（第十二条第（四）项）；"
        "禁止申报起始日期：2025年9月1日；禁止申报截止日期：2028年8月31日"
    )
    assert chinese(
        {"ground": "incident", "incident_on": "2026-03-02"}, Action.REVOCATION_OPENED
    ) == (
        "撤销事由：获奖后发生较大质量和安全事故或有严重违法违规生产经营行为（第二十九条）；"
        "事故或违法违规行为发生日期：2026年3月2日"
    )
    assert chinese({"item": "plaque", "on": "2026-06-02"}, Action.RECOVERY_RECORDED) == (
        "收回事项：奖牌；收回日期：2026年6月2日"
    )
    assert chinese({"on": "2026-06-02"}, Action.PLAQUE_DELIVERED) == "交付日期：2026年6月2日"
    assert chinese({"transition": "revoke", "case": "2026-CX-001"}, Action.DOSSIER_TRANSITION) == (
        "办理事项：撤销称号；撤销案件编号：2026-CX-001"
    )
    assert chinese({"case": 4}, Action.MISCONDUCT_CLOSED) == "违纪线索：4"
    assert chinese({"archive": 2, "missing": 0}, Action.ARCHIVE_BUILT) == (
        "档案批次号：2；缺失文件数：0"
    )
    assert chinese({"rounds": [1, 2]}, Action.STATISTICS_EXPORTED) == "导出届次（记录号）：1、2"


def test_changes_dates_and_stored_yes_no_read_as_text():
    text = chinese(
        {"changes": {"name": ["", "某公司"], "nonprofit": ["False", "True"]}},
        Action.PROFILE_SAVED,
    )
    assert "变更·登记名称：— → 某公司" in text
    assert "→ 是" in text and "True" not in text
    when = chinese({"received_at": "2026-06-02T02:00:00+00:00", "clock_due": "2026-06-16"})
    assert when == "接收时间：2026年6月2日 10:00；资格审查截止日期：2026年6月16日"


def test_an_unknown_key_and_value_are_shown_as_stored_never_an_error(client, auditor):
    odd = {
        "mystery_key": "raw_code",
        "nested": {"deeper": [1, {"inner": None}, 2.5]},
        "when": "2026-13-45",  # looks like a date, is not one
        "": "empty key",
    }
    text = chinese(odd, "no.such_action")
    assert "mystery_key：raw_code" in text
    assert "when：2026-13-45" in text
    assert chinese("not a dict") == "not a dict"
    audit_record(action="no.such_action", details=odd, actor_label="someone")
    AuditEvent.objects.create(action=Action.LOGIN, details=["a", "list"])
    client.force_login(auditor)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "mystery_key：raw_code" in page.content.decode()
    export = client.get(EXPORT)
    assert export.status_code == 200
    assert "mystery_key：raw_code" in export.content.decode("utf-8-sig")


def test_an_app_registers_its_words_in_one_line_for_one_action():
    register_details(
        keys={"zz_ground": "撤销依据"},
        values={"zz_ground": {"fraud": "弄虚作假"}},
        actions=["test.revoked"],
    )
    assert chinese({"zz_ground": "fraud"}, "test.revoked") == "撤销依据：弄虚作假"
    assert chinese({"zz_ground": "fraud"}, Action.LOGIN) == "zz_ground：fraud"
    register_details(values={"zz_ground": {"bribery": "行贿"}}, actions=["test.revoked"])
    assert chinese({"zz_ground": ["fraud", "bribery"]}, "test.revoked") == (
        "撤销依据：弄虚作假、行贿"  # merged, not replaced
    )


def test_every_action_has_a_chinese_label():
    with translation.override("zh-hans"):
        english = [
            action.value
            for action in Action
            if not any("\u4e00" <= ch <= "\u9fff" for ch in str(action.label))
        ]
    assert english == []


def _written_keys() -> dict[str, str]:
    """Every literal key of a ``details`` dict the apps write: the ``details=`` argument
    of any call (``audit_record``, ``dossier_move``, ``staff_account_provision``), a
    variable named ``details`` and a ``values`` spread into one."""
    found = {}
    for app in ("award_portal", "applications", "review", "publicity"):
        for path in ROOT.joinpath(app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            dicts = []
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    dicts += [k.value for k in node.keywords if k.arg == "details"]
                elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("details", "values") for t in node.targets
                ):
                    dicts.append(node.value)
            while dicts:
                value = dicts.pop()
                if isinstance(value, ast.Dict):
                    for key, inner in zip(value.keys, value.values, strict=True):
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            found.setdefault(key.value, f"{path.relative_to(ROOT)}:{key.lineno}")
                        dicts.append(inner)  # a dict inside the details
    return found


@pytest.mark.unit
def test_every_detail_key_the_apps_write_has_a_label():
    written = _written_keys()
    assert {"stage", "contact_kind", "panel_name", "transition"} <= set(written)  # scan works
    unlabelled = {key: where for key, where in written.items() if key not in registered_keys()}
    assert unlabelled == {}


# --- the check -----------------------------------------------------------------------


@pytest.mark.unit
def test_the_check_finds_codes_and_lets_identifiers_pass():
    assert english_words_left("评审环节：material；contact_kind：phone") == [
        "material",
        "contact_kind",
        "phone",
    ]
    assert english_words_left("是否：True") == ["True"]
    assert (
        english_words_left(
            "邮箱：zh***@example.invalid；文件：自评报告.pdf；编号：2026-Z-003；"
            "回执：YY-2026-SCMVWC；采购：EHZC-2026-001；证书编号：AYQD-AMPK-QBCT-LSUC；校验值："
            "fae332e1b9bc99f1b327d4eec905341180205e00641cb480e31f112e3d1e1ed5；"
            "链接：https://meeting.example.invalid/room；文号：二市监质奖〔2026〕3号"
        )
        == []
    )
    assert english_words_left("用户：office_clerk", {"office_clerk"}) == []


def test_the_check_fails_an_event_with_an_unlabelled_key_or_raw_code(office):
    audit_record(action=Action.STAGE_OPENED, actor=office, details={"zz_unknown": "material"})
    audit_record(action=Action.STAGE_OPENED, actor=office, details={"stage": "material"})
    left = audit_english_left(AuditEvent.objects.order_by("id"))
    assert [(action, words) for action, words, _text in left] == [
        (Action.STAGE_OPENED, ["zz_unknown", "material"])
    ]


def test_only_a_failed_builds_error_is_shown_as_recorded(office):
    """The worker's technical error is kept verbatim (labelled 系统原文); the check lets
    its words pass in that event only, never an unlabelled key beside it or the same
    words in another event."""
    error = "ZeroDivisionError: division by zero"
    audit_record(action=Action.ARCHIVE_FAILED, actor_label="worker", details={"error": error})
    audit_record(
        action=Action.ARCHIVE_FAILED,
        actor_label="worker",
        details={"error": error, "zz_unknown": "queued"},
    )
    audit_record(action=Action.STAGE_OPENED, actor=office, details={"reason": error})
    left = audit_english_left(AuditEvent.objects.order_by("id"))
    assert [(action, words) for action, words, _text in left] == [
        (Action.ARCHIVE_FAILED, ["zz_unknown", "queued"]),
        (Action.STAGE_OPENED, ["ZeroDivisionError", "division", "zero"]),
    ]


def test_the_page_and_the_export_name_the_public_and_the_system(client, auditor, june_2026):
    contact_check_send(kind="phone", contact="139 1234 5678", purpose="征求意见")
    audit_record(
        action=Action.CONFLICT_FLAGGED,
        actor_label="system",
        details={"expert": 3, "expert_name": "甲专家", "source": "employer"},
    )
    audit_record(action=Action.CERTIFICATE_CHECKED, outcome=Outcome.DENIED, actor_label="public")
    assert audit_english_left(AuditEvent.objects.all()) == []
    client.force_login(auditor)
    html = client.get(LIST).content.decode()
    assert "社会公众" in html and "系统" in html
    assert "发送方式：手机" in html and "提示来源：专家所在单位即申报单位" in html
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode("utf-8-sig"))))
    actors = {row[1] for row in rows[1:]}
    assert {"社会公众", "系统"} <= actors
    assert "public" not in actors and "system" not in actors


def test_the_background_worker_is_named_as_the_system(client, auditor):
    """The archive's build is written by the worker: the trail names it in Chinese."""
    audit_record(action=Action.ARCHIVE_BUILT, actor_label="worker", details={})
    client.force_login(auditor)
    html = client.get(LIST).content.decode()
    assert "系统（后台任务）" in html
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode("utf-8-sig"))))
    assert "系统（后台任务）" in {row[1] for row in rows[1:]} and "worker" not in {
        row[1] for row in rows[1:]
    }
