"""The publicity of the proposed winners (Art. 22): the public page and PDF with the exact
period, the office's contact and the rules; objections online only, within the period
(until 24:00 of the last day, Beijing time), never anonymous, by phone code, with a
receipt; races at the deadline and double clicks end in one clear outcome."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from award_portal.accounts.enums import Role
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import OutboxMessage
from publicity.models import ContactCheck, Objection, ObjectionFile
from tests.factories import UserFactory
from tests.factories.applications import id_number, pdf_bytes, uscc
from tests.factories.publicity_rounds import publicity_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


SH = ZoneInfo("Asia/Shanghai")
FACTS = "该单位申报材料中所列质量成果与实际不符，附相关证明材料。"
# published on 2 June 2026: 7 working days from 3 June to 11 June
FIRST, LAST = date(2026, 6, 3), date(2026, 6, 11)


@pytest.fixture
def publicised(office, edition_2021, june_2026):
    cycle, notice, chosen = publicity_round(office, edition_2021)
    assert (notice.first_day, notice.last_day) == (FIRST, LAST)
    june_2026.move_to(datetime(2026, 6, 4, 9, 0, tzinfo=SH))
    return cycle, notice, chosen


def code_sent_to(phone: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if phone in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def step_one(client, cycle, dossier, *, kind="individual", name="李四", phone="13800001111"):
    return client.post(
        f"/publicity/{cycle.pk}/objection/",
        {"dossier": dossier.pk, "objector_kind": kind, "name": name, "phone": phone},
    )


def started(client, cycle, dossier, phone="13800001111", **kwargs):
    response = step_one(client, cycle, dossier, phone=phone, **kwargs)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"], code_sent_to(phone)


def as_person(code, *, number=None, facts=FACTS, files=()):
    return {
        "code": code,
        "id_number": number or id_number(19),
        "facts": facts,
        "files": list(files),
    }


def as_organisation(code, *, letter=True, credit=None, contact="赵经理", facts=FACTS):
    data = {"code": code, "uscc": credit or uscc(4242), "contact_name": contact, "facts": facts}
    if letter:
        data["sealed_letter"] = SimpleUploadedFile("异议书.pdf", pdf_bytes())
    return data


def test_the_page_shows_the_list_the_exact_period_the_contact_and_the_rules(
    client, publicised, settings
):
    settings.PORTAL_OFFICE_PHONE = "0479-7512345"
    settings.PORTAL_OFFICE_EMAIL = "zhijiang@erenhot.example.gov.cn"
    cycle, notice, chosen = publicised
    page = client.get(f"/publicity/{cycle.pk}/").content.decode()
    assert notice.title in page and notice.document.number in page
    for dossier in chosen:
        assert dossier.applicant_name in page
    assert "2026年6月3日0时" in page and "2026年6月11日24时" in page
    assert "7个工作日" in page
    assert "0479-7512345" in page and "zhijiang@erenhot.example.gov.cn" in page
    assert "异议一律通过本网站在线提出" in page and "加盖单位公章的异议书扫描件" in page
    assert "公示中，受理异议" in page
    assert f'href="/publicity/{cycle.pk}/objection/"' in page
    listing = client.get("/publicity/").content.decode()
    assert notice.title in listing and "2026年6月3日0时 – 2026年6月11日24时" in listing


def test_only_the_proposed_are_publicised(client, publicised):
    cycle, _notice, chosen = publicised
    others = cycle.dossiers.exclude(pk__in=[d.pk for d in chosen])
    assert others.exists()
    page = client.get(f"/publicity/{cycle.pk}/").content.decode()
    for dossier in others:
        assert dossier.applicant_name not in page


def test_after_the_end_the_page_states_the_outcome_and_takes_no_objection(
    client, office, edition_2021, june_2026
):
    cycle, _notice, _chosen = publicity_round(
        office,
        edition_2021,
        ended=True,
        outcome="公示期满，未收到异议，拟授奖名单报市人民政府批准。",
    )
    page = client.get(f"/publicity/{cycle.pk}/").content.decode()
    assert "公示结果" in page and "未收到异议，拟授奖名单报市人民政府批准" in page
    assert f"/publicity/{cycle.pk}/objection/" not in page
    form = client.get(f"/publicity/{cycle.pk}/objection/").content.decode()
    assert "不再受理异议" in form and 'name="phone"' not in form


def test_the_pdf_prints_the_period_and_the_rules(client, publicised):
    cycle, notice, chosen = publicised
    response = client.get(f"/publicity/{cycle.pk}/notice.pdf")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = text.replace("\n", "")
    assert notice.document.number in flat and notice.title in flat
    assert "公示期为7个工作日，自二〇二六年六月三日0时至二〇二六年六月十一日24时" in flat
    for dossier in chosen:
        assert dossier.applicant_name in flat
    assert "逾期提出的异议不予受理" in flat


def test_an_individual_objects_in_two_steps_and_gets_a_receipt(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0])
    page = client.get(url).content.decode()
    assert chosen[0].applicant_name in page and "138****1111" in page
    assert 'name="id_number"' in page and 'name="uscc"' not in page
    evidence = SimpleUploadedFile("证据.pdf", pdf_bytes())
    response = client.post(url, as_person(code, files=[evidence]))
    assert response.status_code == 302 and response["Location"] == url
    objection = Objection.objects.get()
    assert (objection.name, objection.phone, objection.dossier_id) == (
        "李四",
        "13800001111",
        chosen[0].pk,
    )
    assert objection.id_number_masked.startswith("152") and "*" in objection.id_number_masked
    assert id_number(19) not in objection.id_number_encrypted
    assert ObjectionFile.objects.filter(objection=objection).count() == 1
    receipt = client.get(url).content.decode()
    assert objection.receipt_number in receipt and "以短信将处理结果告知" in receipt
    assert id_number(19) not in receipt
    event = AuditEvent.objects.get(action="publicity.objection_filed")
    assert event.actor is None and event.actor_label == "public"
    assert event.target_id == str(cycle.pk)
    assert event.details["receipt"] == objection.receipt_number


def test_the_id_number_is_never_shown_back(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0])
    number = id_number(19)
    page = client.post(url, as_person(code, facts="太短")).content.decode()
    assert "请写明异议的事实（不少于10个字）" in page
    assert number not in page and number[:14] not in page
    assert not Objection.objects.exists()


def test_an_invalid_id_number_is_refused_clearly(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0])
    wrong = id_number(19)[:-1] + ("0" if id_number(19)[-1] != "0" else "1")
    page = client.post(url, as_person(code, number=wrong)).content.decode()
    assert "errorlist" in page and "身份证" in page
    assert not Objection.objects.exists()
    assert ContactCheck.objects.get().used_at is None


def test_an_organisation_attaches_its_sealed_letter(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[1], kind="organisation", name="某某商贸有限公司")
    page = client.get(url).content.decode()
    assert 'name="sealed_letter"' in page and 'name="id_number"' not in page
    refused = client.post(url, as_organisation(code, letter=False)).content.decode()
    assert "须上传加盖单位公章的异议书扫描件" in refused
    refused = client.post(url, as_organisation(code, credit="91152501ABCDEFGH1")).content.decode()
    assert "统一社会信用代码" in refused
    assert not Objection.objects.exists()
    assert client.post(url, as_organisation(code)).status_code == 302
    objection = Objection.objects.get()
    assert objection.objector_kind == "organisation" and objection.uscc == uscc(4242)
    assert objection.contact_name == "赵经理" and objection.sealed_letter_sha256
    assert objection.id_number_encrypted == ""


@pytest.mark.parametrize("name", ["", "  "])
def test_an_anonymous_objection_is_refused(client, publicised, name):
    cycle, _notice, chosen = publicised
    page = step_one(client, cycle, chosen[0], name=name).content.decode()
    assert "匿名异议不予受理" in page
    assert not ContactCheck.objects.exists() and not OutboxMessage.objects.exists()


def test_objections_take_a_mobile_number_only(client, publicised):
    cycle, _notice, chosen = publicised
    page = step_one(client, cycle, chosen[0], phone="lisi@example.com").content.decode()
    assert "请输入11位中国大陆手机号码" in page
    assert not ContactCheck.objects.exists()


def test_one_second_before_midnight_of_the_last_day_is_in_time_one_after_is_late(
    client, publicised, june_2026
):
    cycle, _notice, chosen = publicised
    june_2026.move_to(datetime(2026, 6, 11, 23, 59, 40, tzinfo=SH))
    in_time_url, in_time_code = started(client, cycle, chosen[0], phone="13800002222")
    late_client = Client()
    late_url, late_code = started(late_client, cycle, chosen[0], phone="13800003333")

    june_2026.move_to(datetime(2026, 6, 11, 23, 59, 59, tzinfo=SH))
    assert client.post(in_time_url, as_person(in_time_code)).status_code == 302

    june_2026.move_to(datetime(2026, 6, 12, 0, 0, 1, tzinfo=SH))
    late = late_client.post(late_url, as_person(late_code, number=id_number(20)))
    assert late.status_code == 200
    assert "公示期已于2026年6月11日24时（北京时间）届满，不再受理异议" in late.content.decode()

    objection = Objection.objects.get()
    assert objection.phone == "13800002222"
    assert timezone_local(objection.filed_at) < datetime(2026, 6, 12, tzinfo=SH)
    assert ContactCheck.objects.get(contact="13800003333").used_at is None
    # the late person's browser also sees the closed form, and no code is sent any more
    sms_before = OutboxMessage.objects.count()
    page = step_one(late_client, cycle, chosen[0], phone="13800004444").content.decode()
    assert "不再受理异议" in page and OutboxMessage.objects.count() == sms_before


def timezone_local(moment):
    return moment.astimezone(SH)


def test_the_service_refuses_an_objection_after_midnight_even_past_the_view(publicised, june_2026):
    """The service is the last guard: a request that passed the page's check at 23:59:59
    and reaches the service after 24:00 is refused there."""
    from django.core.exceptions import ValidationError

    from publicity.services.contact import contact_check_send
    from publicity.services.publicity import objection_file

    _cycle, notice, chosen = publicised
    check = contact_check_send(kind="phone", contact="13800005555", purpose="异议")
    with pytest.raises(ValidationError, match="2026年6月11日24时"):
        objection_file(
            notice=notice,
            dossier_id=chosen[0].pk,
            objector_kind="individual",
            name="周七",
            id_number=id_number(21),
            phone="13800005555",
            token=check.token,
            code=code_sent_to("13800005555"),
            facts=FACTS,
            now=datetime(2026, 6, 12, 0, 0, 1, tzinfo=SH),
        )
    assert not Objection.objects.exists()


def test_before_the_first_day_no_code_is_sent(client, office, edition_2021, june_2026):
    cycle, _notice, chosen = publicity_round(office, edition_2021)
    # published on 2 June; the period begins on 3 June 00:00
    page = client.get(f"/publicity/{cycle.pk}/objection/").content.decode()
    assert "公示期自2026年6月3日0时开始" in page and 'name="phone"' not in page
    step_one(client, cycle, chosen[0])
    assert not ContactCheck.objects.exists() and not OutboxMessage.objects.exists()


def test_a_double_clicked_objection_is_one_objection(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0])
    first = client.post(url, as_person(code))
    second = client.post(url, as_person(code))
    assert first.status_code == second.status_code == 302
    objection = Objection.objects.get()
    assert objection.receipt_number in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="publicity.objection_filed").count() == 1


def test_the_objectors_identity_never_appears_on_a_public_page(client, publicised):
    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0], name="钱秘密")
    client.post(url, as_person(code))
    assert Objection.objects.count() == 1
    for path in ["/", "/publicity/", f"/publicity/{cycle.pk}/", "/notices/feed.atom", "/winners/"]:
        text = Client().get(path).content.decode()
        for secret in ("钱秘密", "13800001111", id_number(19), "与实际不符"):
            assert secret not in text, (path, secret)


def test_a_cancelled_candidate_leaves_the_page_but_stays_in_the_issued_pdf(
    client, publicised, office
):
    from publicity.services.group import member_add
    from publicity.services.publicity import group_decide, objection_decide, objection_investigate

    cycle, _notice, chosen = publicised
    url, code = started(client, cycle, chosen[0])
    client.post(url, as_person(code))
    objection = Objection.objects.get()
    objection_investigate(actor=office, objection=objection, text="调取原始记录核对")
    objection_decide(actor=office, objection=objection, founded=True, finding="经核实属实")
    members = [
        member_add(
            actor=office,
            cycle=cycle,
            user=UserFactory(username=f"wg_pub{n}", role=Role.WORKING_GROUP),
            position="leader" if n == 0 else "member",
            department="市市场监管局",
            since=date(2026, 6, 1),
        )
        for n in range(3)
    ]
    group_decide(
        actor=office,
        objection=objection,
        cancel=True,
        method="written",
        agreed=members[:2],
        decided_on=date(2026, 6, 5),
        record="书面表决，取消其授奖资格",
    )
    cancelled = chosen[0].applicant_name
    assert cancelled not in client.get(f"/publicity/{cycle.pk}/").content.decode()
    response = client.get(f"/publicity/{cycle.pk}/notice.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert cancelled in text.replace("\n", "")
    assert chosen[1].applicant_name in text.replace("\n", "")


@pytest.mark.parametrize(
    "data",
    [
        {"dossier": "99999999999999999999"},
        {"objector_kind": "robot"},
        {"name": "李\x00四"},
        {"phone": "１３８００００１１１１x"},
    ],
)
def test_hostile_step_one_input_is_a_message_never_a_500(client, publicised, data):
    cycle, _notice, chosen = publicised
    payload = {
        "dossier": chosen[0].pk,
        "objector_kind": "individual",
        "name": "李四",
        "phone": "13800001111",
    }
    response = client.post(f"/publicity/{cycle.pk}/objection/", {**payload, **data})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not ContactCheck.objects.exists()


def test_unknown_rounds_are_404s(client, publicised):
    for path in [
        "/publicity/99999999999999999999/",
        "/publicity/99999999999999999999/notice.pdf",
        "/publicity/99999999999999999999/objection/",
        "/publicity/99999999999999999999/objection/token/",
    ]:
        assert client.get(path).status_code == 404
