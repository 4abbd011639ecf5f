"""The expert pool: the office keeps experts (its own or an agency's), an agency its own;
adding an expert makes the account; filters; optimistic edits with former employers;
the expert's history for the office and the auditor."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Dossier
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.models import Assignment, Expert, ReviewStage
from review.services.agencies import agency_save, expert_update
from review.services.conflicts import conflict_declare
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from review.services.plans import review_start
from tests.factories.applications import uscc
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def pool(office, cycle, edition_2021):
    """Two agencies with one account each (the second engaged for no round)."""
    agency = agency_for(office, cycle, name="草原评审中心")
    other = agency_save(actor=office, data={"name": "远方评审公司", "uscc": uscc(9100)})
    return {
        "agency": agency,
        "staff": agency_user(office, agency),
        "other": other,
        "other_staff": agency_user(office, other),
    }


def expert_form(**changes):
    return {
        "name": "高文",
        "username": "gaowen",
        "email": "gaowen@example.invalid",
        "employer": "内蒙古大学",
        "employer_uscc": "",
        "title": "教授",
        "sectors": ["G", "C"],
        "categories": ["4.1", "4.7"],
        "qualification": "自治区质量奖评审员",
        "certificate_number": "NM-0001",
        "phone": "13900000000",
        "available": "on",
        "availability_note": "",
        "former-TOTAL_FORMS": "3",
        "former-INITIAL_FORMS": "0",
        "former-0-organisation": "二连浩特市草原物流有限公司",
        "former-0-uscc": uscc(777),
        "former-0-until_year": "2019",
        "former-1-organisation": "",
        "former-1-uscc": "",
        "former-1-until_year": "",
        "former-2-organisation": "",
        "former-2-uscc": "",
        "former-2-until_year": "",
    } | changes


def test_the_office_adds_an_expert_to_an_agencys_pool(
    client, office, pool, django_capture_on_commit_callbacks
):
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:expert-create"), expert_form(pool=str(pool["agency"].pk))
        )
    expert = Expert.objects.get(name="高文")
    assert response["Location"] == reverse("review:expert-detail", args=[expert.pk])
    assert expert.agency == pool["agency"]
    assert expert.sectors == ["G", "C"] and expert.categories == ["4.1", "4.7"]
    assert expert.user.role == "expert" and not expert.user.has_usable_password()
    assert [(f.organisation, f.uscc, f.until_year) for f in expert.former_employers.all()] == [
        ("二连浩特市草原物流有限公司", uscc(777), 2019)
    ]
    assert any("gaowen@example.invalid" in " ".join(m.to) for m in mail.outbox)
    event = AuditEvent.objects.get(action=Action.EXPERT_SAVED, target_id=str(expert.pk))
    assert event.actor == office
    assert event.details["former_employers"] == ["二连浩特市草原物流有限公司–2019"]


def test_the_office_keeps_an_expert_itself(client, office, pool):
    client.force_login(office)
    client.post(reverse("review:expert-create"), expert_form(pool=""))
    assert Expert.objects.get(name="高文").agency is None


def test_an_agency_adds_to_its_own_pool_only(client, pool):
    client.force_login(pool["staff"])
    # a forged choice of another pool is ignored: the agency has no such field
    client.post(reverse("review:expert-create"), expert_form(pool=str(pool["other"].pk)))
    expert = Expert.objects.get(name="高文")
    assert expert.agency == pool["agency"]
    assert (
        AuditEvent.objects.get(action=Action.EXPERT_SAVED, target_id=str(expert.pk)).actor
        == pool["staff"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"employer_uscc": "91150100MA0000000X"}, "校验码"),
        ({"sectors": ["ZZ"]}, "选择一个有效的选项"),
        ({"name": ""}, "这个字段是必填项。"),
        (
            {"former-1-organisation": "二连浩特市草原物流有限公司", "former-1-until_year": "2010"},
            "有单位重复填写。",
        ),
        ({"former-0-until_year": "2099"}, "年份不能晚于今年。"),
        ({"former-0-until_year": ""}, "请填写离职年份。"),
        ({"former-0-organisation": ""}, "请填写单位名称。"),
        ({"former-TOTAL_FORMS": "abc"}, "ManagementForm"),
        ({"email": "not-an-address"}, "有效的 Email 地址"),
        ({"username": "office_clerk"}, "该用户名已被使用"),
    ],
)
def test_a_wrong_expert_is_explained_and_nothing_is_created(client, office, pool, change, message):
    users = get_user_model().objects.count()
    client.force_login(office)
    response = client.post(reverse("review:expert-create"), expert_form(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Expert.objects.filter(name="高文").exists()
    assert get_user_model().objects.count() == users


def test_the_pool_filters(client, office, pool):
    expert_for(office, name="交通专家", sectors=("G",), categories=["4.7"])
    expert_for(office, name="制造专家", sectors=("C",), categories=["4.1"], employer="包头钢铁")
    expert_for(office, name="休假专家", sectors=("A",), categories=["4.5"], available=False)
    client.force_login(office)
    page = reverse("review:expert-list")

    def names(**query):
        response = client.get(page, query)
        return {e.name for e in response.context["experts"]}

    assert names(sector="G") == {"交通专家"}
    assert names(category="4.1") == {"制造专家"}
    assert names(available="no") == {"休假专家"}
    assert names(q="包头") == {"制造专家"}
    assert names(q="交通") == {"交通专家"}
    assert names(pool="office") == {"交通专家", "制造专家", "休假专家"}
    assert names(pool=str(pool["agency"].pk)) == set()
    assert names(sector="not-a-sector") == {"交通专家", "制造专家", "休假专家"}


def test_an_agency_filters_only_its_own_pool(client, pool):
    expert_for(pool["staff"], name="本机构专家", sectors=("G",))
    expert_for(pool["other_staff"], name="他机构专家", sectors=("G",))
    client.force_login(pool["staff"])
    response = client.get(reverse("review:expert-list"), {"sector": "G"})
    assert {e.name for e in response.context["experts"]} == {"本机构专家"}
    assert "pool" not in response.context["filter"].form.fields


def test_the_pool_has_a_constant_number_of_queries(client, office, pool):
    client.force_login(office)
    expert_for(office)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("review:expert-list"))
    for _ in range(8):
        expert_for(pool["staff"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("review:expert-list"))
    assert len(many) == len(one)
    assert len(response.context["experts"]) == 9


def edit_form(expert, **changes):
    rows = list(expert.former_employers.all())
    data = {
        "name": expert.name,
        "employer": expert.employer,
        "employer_uscc": expert.employer_uscc,
        "title": expert.title,
        "sectors": expert.sectors,
        "categories": expert.categories,
        "qualification": expert.qualification,
        "certificate_number": expert.certificate_number,
        "phone": expert.phone,
        "available": "on" if expert.available else "",
        "availability_note": expert.availability_note,
        "updated_at": expert.updated_at.isoformat(),
        "former-TOTAL_FORMS": str(len(rows) + 1),
        "former-INITIAL_FORMS": "0",
    }
    for index, row in enumerate([*rows, None]):
        data |= {
            f"former-{index}-organisation": row.organisation if row else "",
            f"former-{index}-uscc": row.uscc if row else "",
            f"former-{index}-until_year": str(row.until_year) if row else "",
        }
    return data | changes


def test_the_agency_edits_its_expert_and_the_former_employers(client, pool):
    expert = expert_for(pool["staff"], name="王评审")
    client.force_login(pool["staff"])
    page = reverse("review:expert-edit", args=[expert.pk])
    response = client.post(
        page,
        edit_form(
            expert,
            title="研究员",
            **{
                "former-0-organisation": "锡林郭勒盟质量技术服务中心",
                "former-0-until_year": "2021",
            },
        ),
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.title == "研究员"
    assert [f.organisation for f in expert.former_employers.all()] == ["锡林郭勒盟质量技术服务中心"]
    event = AuditEvent.objects.filter(action=Action.EXPERT_SAVED).order_by("pk").last()
    assert event.actor == pool["staff"] and event.target_id == str(expert.pk)
    assert event.details["changes"]["title"] == ["教授", "研究员"]
    assert event.details["changes"]["former_employers"] == [[], ["锡林郭勒盟质量技术服务中心–2021"]]


def test_an_edit_over_a_newer_save_is_refused(client, pool, office):
    expert = expert_for(pool["staff"], name="王评审")
    stale = edit_form(expert, title="研究员")
    expert_update(actor=office, expert=expert, data={"phone": "13800000000"})
    client.force_login(pool["staff"])
    response = client.post(reverse("review:expert-edit", args=[expert.pk]), stale)
    assert "您编辑期间他人已修改该专家信息" in response.content.decode()
    expert.refresh_from_db()
    assert expert.title == "教授" and expert.phone == "13800000000"


def test_another_agency_cannot_keep_the_expert(pool):
    expert = expert_for(pool["staff"], name="王评审")
    with pytest.raises(PermissionDenied):
        expert_update(actor=pool["other_staff"], expert=expert, data={"title": "改"})
    expert.refresh_from_db()
    assert expert.title == "教授"


def test_the_history_shows_rounds_and_recusals_to_the_office(
    client, office, auditor, cycle, applicant, org_dossier
):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    expert = expert_for(staff, name="回避专家")
    stage = ReviewStage.objects.get(plan__cycle=cycle, position=1)
    panel = panel_create(actor=staff, stage=stage, name="第一评审组")
    member_invite(actor=staff, panel=panel, expert=expert)
    member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    dossier = Dossier.objects.get(pk=org_dossier.pk)
    dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
    conflict_declare(
        actor=expert.user,
        assignment=Assignment.objects.get(expert=expert, dossier=dossier),
        has_conflict=True,
        conflict_type="consulting",
        note="曾为其提供咨询",
    )
    page = reverse("review:expert-detail", args=[expert.pk])
    for reader in (office, auditor):
        client.force_login(reader)
        text = client.get(page).content.decode()
        assert "评审经历" in text and "第一评审组" in text and cycle.name in text
        assert "咨询" in text and "曾为其提供咨询" in text and dossier.number in text
    client.force_login(staff)
    text = client.get(page).content.decode()
    assert "回避专家" in text
    assert "评审经历" not in text and "曾为其提供咨询" not in text
