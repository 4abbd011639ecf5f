"""The office's conflicts of interest (Art. 25): likely conflicts to decide, the recusal
register and its Excel export; and the conflicts an applicant names on its form."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Dossier
from applications.services.receipts import received_version
from award_portal.audit.models import AuditEvent
from review.enums import AssignmentState, FlagState
from review.models import Assignment, ConflictFlag, PanelDossier
from review.services.panels import dossier_assign, member_invite, panel_create
from tests.review._panels_world import (
    another_organisation,
    build_world,
    world_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") :]


def test_the_page_lists_open_flags_and_the_register(world, client, office):
    client.force_login(office)
    page = main(client.get(reverse("review:conflicts", args=[world.cycle.pk])))
    assert "待认定的疑似利害关系" in page
    assert "内部专家" in page and world.flag.detail in page
    assert reverse("review:flag-resolve", args=[world.flag.pk]) in page
    # the register: the conflicted expert's declaration, with its type and note
    register = page[page.index("回避登记表</h2>") :]
    assert "回避专家乙" in register and "曾为其提供质量管理咨询" in register
    assert "为申报方提供咨询或顾问服务" in register
    assert world.dossier.number in register
    assert "内部专家" not in register  # not decided yet
    assert "评审专家甲" not in register  # declared no conflict: not a recusal


def test_the_auditor_reads_the_page_without_the_decide_links(world, client, auditor):
    client.force_login(auditor)
    page = main(client.get(reverse("review:conflicts", args=[world.cycle.pk])))
    assert "内部专家" in page
    assert reverse("review:flag-resolve", args=[world.flag.pk]) not in page


def test_confirm_a_likely_conflict_with_a_reason(world, client, office):
    client.force_login(office)
    url = reverse("review:flag-resolve", args=[world.flag.pk])
    page = main(client.get(url))
    assert "记录认定" in page and world.flag.detail in page
    response = client.post(url, {"decision": "confirm", "reason": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    world.flag.refresh_from_db()
    assert world.flag.state == FlagState.OPEN
    response = client.post(url, {"decision": "confirm", "reason": "该专家系申报单位在职员工"})
    assert response["Location"] == reverse("review:conflicts", args=[world.cycle.pk])
    world.flag.refresh_from_db()
    assert (world.flag.state, world.flag.resolved_by, world.flag.resolution_reason) == (
        FlagState.CONFIRMED,
        office,
        "该专家系申报单位在职员工",
    )
    event = AuditEvent.objects.filter(action="review.conflict_resolved").latest("id")
    assert (event.actor, event.target_id, event.details["confirmed"]) == (
        office,
        str(world.dossier.pk),
        True,
    )
    page = main(client.get(reverse("review:conflicts", args=[world.cycle.pk])))
    register = page[page.index("回避登记表</h2>") :]
    assert "内部专家" in register and "该专家系申报单位在职员工" in register
    assert "确认存在利害关系" in register and office.display_name in register
    # decided once: the page shows the decision and offers no form; a second post fails
    page = main(client.get(url))
    assert "记录认定" not in page and "该专家系申报单位在职员工" in page
    response = client.post(url, {"decision": "clear", "reason": "改判"}, follow=True)
    assert "该利害关系提示已处理。" in main(response)
    world.flag.refresh_from_db()
    assert world.flag.state == FlagState.CONFIRMED


def test_a_cleared_flag_lets_the_expert_join(world, client, office):
    client.force_login(office)
    client.post(
        reverse("review:flag-resolve", args=[world.flag.pk]),
        {"decision": "clear", "reason": "该专家已于三年前离职，现无任何往来"},
    )
    world.flag.refresh_from_db()
    assert world.flag.state == FlagState.CLEARED
    member_invite(actor=world.staff, panel=world.panel, expert=world.insider)
    assert world.panel.members.filter(expert=world.insider).exists()


def test_the_export_is_formula_safe_and_recorded(world, client, office, auditor):
    # a declaration whose note starts like a formula
    from review.models import ConflictDeclaration

    ConflictDeclaration.objects.create(
        expert=world.unassigned,
        dossier=world.dossier,
        has_conflict=True,
        conflict_type="other",
        note='=HYPERLINK("http://evil.example","点我")',
    )
    for user in (office, auditor):
        client.force_login(user)
        response = client.get(reverse("review:conflicts-export", args=[world.cycle.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="recusals-')
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "评审专家" and "协调办公室认定理由" in rows[0]
        assert len(rows) == 3
        notes = {row[0]: row[6] for row in rows[1:]}
        assert notes["回避专家乙"] == "曾为其提供质量管理咨询"
        assert notes["库内专家丙"] == '=HYPERLINK("http://evil.example","点我")'
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        event = AuditEvent.objects.filter(action="review.exported").latest("id")
        assert (event.actor, event.target_id, event.details["rows"]) == (
            user,
            str(world.cycle.pk),
            2,
        )
    assert AuditEvent.objects.filter(action="review.exported").count() == 2


# --- conflicts the applicant names (Art. 25) ------------------------------------------------
def dossier_form(dossier, **extra) -> dict:
    data = {"updated_at": dossier.updated_at.isoformat()}
    for code, value in (dossier.declarations or {}).items():
        data[f"c_{code}"] = "on" if value is True else ""
        data[f"x_{code}"] = "yes" if value else "no"
    for code, text in (dossier.category_summaries or {}).items():
        data[f"s_{code}"] = text
    data.update(extra)
    return data


def test_the_applicant_names_conflicts_on_the_form(client, cycle, applicant, org_dossier):
    client.force_login(applicant)
    url = org_dossier.get_absolute_url()
    page = main(client.get(url))
    assert "您认为与本申报存在利害关系、应予回避的专家或单位" in page
    assert page.count('name="nc_name_') == 5
    data = dossier_form(
        org_dossier,
        nc_name_0="王某某",
        nc_organisation_0="某咨询公司",
        nc_reason_0="曾为我单位竞争对手提供咨询",
        nc_organisation_2="某检测中心",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    org_dossier.refresh_from_db()
    assert org_dossier.named_conflicts == [
        {"name": "王某某", "organisation": "某咨询公司", "reason": "曾为我单位竞争对手提供咨询"},
        {"name": "", "organisation": "某检测中心", "reason": ""},
    ]
    page = main(client.get(url))
    assert 'value="王某某"' in page and 'value="某检测中心"' in page


def test_a_reason_without_a_name_is_refused(client, cycle, applicant, org_dossier):
    client.force_login(applicant)
    before = org_dossier.named_conflicts
    response = client.post(
        org_dossier.get_absolute_url(), dossier_form(org_dossier, nc_reason_1="有矛盾")
    )
    assert response.status_code == 200
    assert "请填写您认为存在利害关系的人员姓名或单位名称。" in response.content.decode()
    org_dossier.refresh_from_db()
    assert org_dossier.named_conflicts == before


def test_named_conflicts_are_frozen_shown_and_flag_the_expert(
    cycle, office, applicant, org_dossier, edition_2021, client
):
    named_user, named_dossier = another_organisation(
        cycle,
        username="org_named",
        named=[{"name": "库内 专家丙", "organisation": "", "reason": "曾有劳动争议"}],
    )
    world = build_world(
        cycle=cycle,
        office=office,
        applicant=applicant,
        dossier=org_dossier,
        edition=edition_2021,
        more=[(named_user, named_dossier)],
    )
    named_dossier = Dossier.objects.get(pk=named_dossier.pk)
    # frozen: the live field changes, the receipt does not
    Dossier.objects.filter(pk=named_dossier.pk).update(named_conflicts=[])
    named_dossier.refresh_from_db()
    assert received_version(named_dossier).named_conflicts == [
        {"name": "库内 专家丙", "organisation": "", "reason": "曾有劳动争议"}
    ]
    # shown on the dossier page (as received) to the applicant and the office
    for user in (named_user, office):
        client.force_login(user)
        page = main(client.get(named_dossier.get_absolute_url()))
        assert "申报方申请回避的专家或单位（第二十五条）" in page
        assert "库内 专家丙" in page and "曾有劳动争议" in page
    # at assignment, the expert of that name (spaces ignored) is flagged and the panel refused
    second = panel_create(actor=world.staff, stage=world.stage, name="第二评审组")
    member_invite(actor=world.staff, panel=second, expert=world.unassigned)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="库内专家丙"):
        dossier_assign(actor=world.staff, stage=world.stage, dossier=named_dossier, panel=second)
    flag = ConflictFlag.objects.get(expert=world.unassigned, dossier=named_dossier)
    assert (flag.source, flag.state) == ("applicant_named", FlagState.OPEN)
    assert "曾有劳动争议" in flag.detail
    assert not PanelDossier.objects.filter(dossier=named_dossier).exists()
    event = AuditEvent.objects.filter(action="review.conflict_flagged").latest("id")
    assert (event.target_id, event.details["expert"]) == (
        str(named_dossier.pk),
        world.unassigned.pk,
    )
    # the first panel's members are not named: it may take the dossier
    dossier_assign(actor=world.staff, stage=world.stage, dossier=named_dossier, panel=world.panel)
    assert not ConflictFlag.objects.filter(dossier=named_dossier, expert=world.leader).exists()
    assert Assignment.objects.get(expert=world.leader, dossier=named_dossier).state == (
        AssignmentState.OFFERED
    )
