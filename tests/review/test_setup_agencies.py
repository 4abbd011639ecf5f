"""Review agencies (the office records them and their accounts) and the engagement of an
agency for a round: the procurement record with its contract scan, corrected after the
review started but never handed to another agency."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.models import AgencyStaff, Engagement, ReviewAgency
from review.services.agencies import agency_save, engagement_save
from review.services.plans import review_start
from tests.factories.applications import pdf_upload, uscc
from tests.factories.review import agency_for, close_call, qualify, review_plan

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def agency_data(**changes):
    return {
        "name": "内蒙古某质量评审中心有限公司",
        "uscc": uscc(8800),
        "address": "呼和浩特市",
        "contact_name": "李敏",
        "contact_phone": "04710000000",
        "contact_email": "li@example.invalid",
    } | changes


def engagement_data(agency, **changes):
    return {
        "agency": str(agency.pk),
        "procurement_method": "open_tender",
        "procurement_method_other": "",
        "notice_number": "EHZC-2026-017",
        "notice_date": "2026-05-06",
        "contract_number": "HT-2026-031",
        "amount_yuan": "98,000.00",
        "service_from": "2026-06-01",
        "service_until": "2026-12-31",
        "scope": "材料评审、现场评审和陈述答辩",
    } | changes


# --- agencies and their accounts ----------------------------------------------------


def test_the_office_records_an_agency(client, office):
    client.force_login(office)
    response = client.post(reverse("review:agency-create"), agency_data())
    agency = ReviewAgency.objects.get()
    assert response["Location"] == reverse("review:agency-detail", args=[agency.pk])
    event = AuditEvent.objects.get(action=Action.AGENCY_SAVED)
    assert event.actor == office and event.target_id == str(agency.pk)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"uscc": "91150100MA0000000X"}, "校验码"),
        ({"uscc": "123"}, "统一社会信用代码"),
        ({"name": ""}, "这个字段是必填项。"),
        ({"name": "换\r\n行"}, "请在一行内填写"),
        ({"contact_email": "not-an-address"}, "有效的 Email 地址"),
    ],
)
def test_a_wrong_agency_is_explained_and_not_recorded(client, office, change, message):
    client.force_login(office)
    response = client.post(reverse("review:agency-create"), agency_data(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewAgency.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.AGENCY_SAVED).exists()


def test_a_credit_code_is_recorded_once(client, office):
    agency_save(actor=office, data=agency_data())
    client.force_login(office)
    response = client.post(reverse("review:agency-create"), agency_data(name="另一家"))
    assert "已登记过该统一社会信用代码的评审机构。" in response.content.decode()
    assert ReviewAgency.objects.count() == 1


def test_the_office_corrects_an_agency_without_overwriting_a_newer_save(client, office):
    agency = agency_save(actor=office, data=agency_data())
    client.force_login(office)
    page = reverse("review:agency-detail", args=[agency.pk])
    opened = client.get(page).context["form"].initial["updated_at"]
    response = client.post(page, agency_data(address="二连浩特市", updated_at=opened))
    assert response.status_code == 302
    assert ReviewAgency.objects.get().address == "二连浩特市"
    # the same stale token again: refused, nothing changed
    response = client.post(page, agency_data(address="锡林浩特市", updated_at=opened))
    assert "您编辑期间他人已修改该记录" in response.content.decode()
    assert ReviewAgency.objects.get().address == "二连浩特市"


def test_the_office_creates_an_agency_account(client, office, django_capture_on_commit_callbacks):
    agency = agency_save(actor=office, data=agency_data())
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:agency-account-create", args=[agency.pk]),
            {"display_name": "王芳", "username": "wangfang", "email": "wangfang@example.invalid"},
            follow=True,
        )
    text = response.content.decode()
    assert "账户“wangfang”已开设，设置密码的链接已发送至wangfang@example.invalid。" in text
    staff = AgencyStaff.objects.get(agency=agency)
    assert staff.user.username == "wangfang" and staff.user.role == "agency"
    assert not staff.user.has_usable_password()
    assert "待设置密码" in text
    message = next(m for m in mail.outbox if "wangfang@example.invalid" in " ".join(m.to))
    assert re.search(r"/accounts/password/\S+", message.body)
    event = AuditEvent.objects.get(action=Action.STAFF_CREATED)
    assert event.actor == office and event.target_id == str(staff.user.pk)


def test_an_account_name_taken_is_a_message(client, office, auditor):
    agency = agency_save(actor=office, data=agency_data())
    client.force_login(office)
    response = client.post(
        reverse("review:agency-account-create", args=[agency.pk]),
        {"display_name": "王芳", "username": auditor.username, "email": "x@example.invalid"},
    )
    assert "该用户名已被使用" in response.content.decode()
    assert not AgencyStaff.objects.exists()


def test_the_agency_list_has_a_constant_number_of_queries(client, office):
    client.force_login(office)
    agency_save(actor=office, data=agency_data())
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("review:agency-list"))
    for n in range(6):
        agency_save(actor=office, data=agency_data(name=f"评审机构{n}", uscc=uscc(8900 + n)))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("review:agency-list"))
    assert len(many) == len(one)
    assert response.content.decode().count("/review/agencies/") >= 7


# --- the engagement of a round ------------------------------------------------------


@pytest.fixture
def round_and_agency(cycle, office, applicant, org_dossier):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    return cycle, agency_save(actor=office, data=agency_data())


def test_the_office_records_the_engagement_with_its_contract_scan(client, office, round_and_agency):
    cycle, agency = round_and_agency
    client.force_login(office)
    page = reverse("review:engagement", args=[cycle.pk])
    data = engagement_data(agency) | {"contract_upload": pdf_upload("合同.pdf")}
    response = client.post(page, data, follow=True)
    text = response.content.decode()
    assert "评审机构委托信息已保存。" in text
    assert "98,000.00元" in text and "公开招标" in text and "2026年5月6日" in text
    engagement = Engagement.objects.get(cycle=cycle)
    assert engagement.amount_yuan == Decimal("98000.00")
    assert engagement.contract_content_type == "application/pdf"
    assert engagement.contract_scan.name.startswith("review/contracts/")
    assert "合同" not in engagement.contract_scan.name  # the stored name is never the user's
    event = AuditEvent.objects.get(action=Action.ENGAGEMENT_SAVED)
    assert event.actor == office and event.target_id == str(cycle.pk)
    assert event.details["agency"] == agency.pk
    assert event.details["changes"]["contract_scan"] == ["", engagement.contract_sha256]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"procurement_method": "other"}, "请填写采购方式。"),
        ({"service_until": "2026-05-01"}, "服务期结束日期早于开始日期。"),
        ({"amount_yuan": "-1"}, "大于或等于0"),
        ({"amount_yuan": "九万八"}, "输入一个数字。"),
        ({"notice_date": "2026-02-30"}, "有效的日期"),
        ({"agency": "999999"}, "选择一个有效的选项"),
        (
            {"contract_upload": SimpleUploadedFile("合同.exe", b"MZ\x90\x00", "application/pdf")},
            "不是PDF",
        ),
    ],
)
def test_a_wrong_engagement_is_explained_and_not_recorded(
    client, office, round_and_agency, change, message
):
    cycle, agency = round_and_agency
    client.force_login(office)
    response = client.post(
        reverse("review:engagement", args=[cycle.pk]), engagement_data(agency) | change
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Engagement.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.ENGAGEMENT_SAVED).exists()


def test_other_method_keeps_its_name_and_a_listed_method_drops_it(client, office, round_and_agency):
    cycle, agency = round_and_agency
    client.force_login(office)
    page = reverse("review:engagement", args=[cycle.pk])
    client.post(
        page,
        engagement_data(
            agency, procurement_method="other", procurement_method_other="框架协议采购"
        ),
    )
    engagement = Engagement.objects.get()
    assert engagement.get_procurement_method_display() == "其他"
    assert "其他：框架协议采购" in client.get(page).content.decode()
    opened = client.get(page).context["form"].initial["updated_at"]
    client.post(
        page,
        engagement_data(agency, procurement_method_other="框架协议采购", updated_at=opened),
    )
    engagement.refresh_from_db()
    assert engagement.procurement_method == "open_tender"
    assert engagement.procurement_method_other == ""


@pytest.fixture
def started(round_and_agency, office):
    cycle, agency = round_and_agency
    engagement_save(
        actor=office,
        cycle=cycle,
        data={
            "agency": agency,
            "procurement_method": "open_tender",
            "notice_number": "EHZC-2026-017",
            "notice_date": date(2026, 5, 6),
            "contract_number": "HT-2026-031",
            "amount_yuan": Decimal("98000"),
            "service_from": date(2026, 6, 1),
            "service_until": date(2026, 12, 31),
            "scope": "材料评审、现场评审和陈述答辩",
        },
    )
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    return cycle, agency


def test_after_the_start_the_fields_stay_correctable(client, office, started):
    cycle, agency = started
    client.force_login(office)
    page = reverse("review:engagement", args=[cycle.pk])
    form = client.get(page).context["form"]
    assert form.fields["agency"].disabled
    other = agency_save(actor=office, data=agency_data(name="另一家评审机构", uscc=uscc(8801)))
    # a tampered form naming another agency: the field is disabled, the agency stays
    response = client.post(
        page, engagement_data(other, contract_number="HT-2026-031-补"), follow=True
    )
    assert "评审机构委托信息已保存。" in response.content.decode()
    engagement = Engagement.objects.get(cycle=cycle)
    assert engagement.agency == agency
    assert engagement.contract_number == "HT-2026-031-补"
    event = AuditEvent.objects.filter(action=Action.ENGAGEMENT_SAVED).order_by("pk").last()
    assert event.details["changes"] == {"contract_number": ["HT-2026-031", "HT-2026-031-补"]}


def test_after_the_start_the_service_keeps_the_agency(office, started):
    cycle, agency = started
    other = agency_save(actor=office, data=agency_data(name="另一家评审机构", uscc=uscc(8801)))
    saved = AuditEvent.objects.filter(action=Action.ENGAGEMENT_SAVED).count()
    with pytest.raises(ValidationError, match="不能再更换评审机构"):
        engagement_save(actor=office, cycle=cycle, data={"agency": other})
    assert Engagement.objects.get(cycle=cycle).agency == agency
    assert AuditEvent.objects.filter(action=Action.ENGAGEMENT_SAVED).count() == saved


def test_before_the_start_the_agency_may_change(office, round_and_agency):
    cycle, _agency = round_and_agency
    first = agency_for(office, cycle)
    second = agency_save(actor=office, data=agency_data(name="另一家评审机构", uscc=uscc(8801)))
    engagement_save(actor=office, cycle=cycle, data={"agency": second})
    assert Engagement.objects.get(cycle=cycle).agency == second != first
