"""The record of receipt (Art. 15–16): what was received stays as received."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from pypdf import PdfReader

from applications.enums import CheckOutcome, DossierState, FileKind
from applications.models import Dossier, DossierFile, Receipt
from applications.services.applicants import organisation_save
from applications.services.dossiers import (
    dossier_checks,
    dossier_resubmit,
    dossier_submit,
    dossier_withdraw,
    file_attach,
    file_remove,
)
from applications.services.qualification import check_item_record, supplement_request
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.workdays.models import Deadline
from tests.factories import ApplicantFactory
from tests.factories.applications import (
    announced_cycle,
    organisation_for,
    pdf_upload,
    ready_dossier,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ORG_FIELDS = [
    "name",
    "uscc",
    "district",
    "legal_representative",
    "founded_on",
    "sector",
    "ownership",
    "for_profit",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def edit_profile(user, organisation, years=(), **changes):
    data = {field: getattr(organisation, field) for field in ORG_FIELDS} | changes
    return organisation_save(actor=user, data=data, years=list(years))


def pdf_text(response) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def received(org_dossier, applicant):
    return dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)


def test_application_numbers_are_per_round_and_kind(cycle, applicant, person_dossier, person_user):
    organisation_for(applicant)
    first = dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    person = dossier_submit(actor=person_user, dossier=person_dossier, pledge=True)
    second_org = ApplicantFactory(username="org_b")
    organisation_for(second_org)
    second = dossier_submit(actor=second_org, dossier=ready_dossier(second_org, cycle), pledge=True)
    assert (first.number, person.number, second.number) == (
        "2026-Z-001",
        "2026-G-001",
        "2026-Z-002",
    )


def test_later_profile_edits_never_change_the_received_dossier(client, received, applicant, office):
    organisation = received.organisation
    edit_profile(
        applicant,
        organisation,
        years=[(2025, 10000, -800)],
        founded_on=date(2025, 1, 1),
        legal_representative="李四",
    )
    # the checks, the page and the PDFs still read what was received
    assert all(check.ok for check in dossier_checks(received))
    client.force_login(office)
    page = client.get(f"/office/qualification/{received.pk}/").content.decode()
    assert "王建国" in page and "2015年1月1日" in page
    assert "收到申报后，资料有" in page and "李四" in page  # the changes since, shown apart
    form = pdf_text(client.get(f"/dossiers/{received.pk}/form.pdf"))
    assert "王建国" in form and "李四" not in form and "-800" not in form
    receipt = pdf_text(client.get(f"/dossiers/{received.pk}/receipt-1.pdf"))
    assert "二连浩特测试企业" in receipt


def test_the_receipt_freezes_data_answers_and_files(received):
    receipt = Receipt.objects.get(dossier=received)
    assert receipt.applicant["legal_representative"] == "王建国"
    assert receipt.answers["declarations"]["12.6"] is False
    assert {f["title"] for f in receipt.files} == {"自我评价报告", "申报表", "核心工艺"}
    assert all(f["new"] for f in receipt.files)
    assert set(received.files.values_list("receipt", flat=True)) == {receipt.pk}
    with pytest.raises(ValueError, match="never changes"):
        receipt.save()
    with pytest.raises(ValueError, match="never deleted"):
        receipt.delete()


def test_each_receipt_pdf_keeps_its_own_time_number_and_files(
    client, received, applicant, office, june_2026
):
    check_item_record(
        actor=office,
        dossier=received,
        code="16.format",
        outcome=CheckOutcome.SUPPLEMENT,
        note="盖章不清晰",
    )
    supplement_request(actor=office, dossier=received, reply_working_days=5)
    june_2026.move_to(datetime(2026, 6, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    file_attach(
        actor=applicant,
        dossier=received,
        kind=FileKind.STAMPED_FORM,
        title="申报表（重新盖章）",
        upload=pdf_upload(),
        trade_secret=False,
        answers_item="16.format",
        supersedes=received.files.get(kind=FileKind.STAMPED_FORM),
    )
    dossier_resubmit(actor=applicant, dossier=received, notes={})
    first, second = Receipt.objects.filter(dossier=received).order_by("sequence")
    client.force_login(applicant)
    one = pdf_text(client.get(f"/dossiers/{received.pk}/receipt-1.pdf")).replace("\n", "")
    two = pdf_text(client.get(f"/dossiers/{received.pk}/receipt-2.pdf")).replace("\n", "")
    # the first receipt is what it was on 2 June: its time, number, files and clock
    assert "申报材料接收回执" in one and first.document.number in one
    assert "2026年6月2日 10:00" in one and "2026年6月8日" not in one
    assert all(title in one for title in ("自我评价报告", "申报表", "核心工艺"))
    assert "重新盖章" not in one and second.document.number not in one
    assert re.search(r"累计收到材料\s*3件", one) and "（即二〇二六年六月十六日前）" in one
    # the second has its own time, number, the new file only, the notice it answers
    assert "补正材料接收回执" in two and second.document.number in two
    assert first.document.number not in two and "2026年6月2日" not in two
    assert "2026年6月8日 09:00" in two and "申报表（重新盖章）" in two
    assert "替换此前收到的材料" in two and "自我评价报告" not in two
    assert received.notices.get().document.number in two
    assert re.search(r"累计收到材料\s*4件", two) and "（即二〇二六年六月二十三日前）" in two


def test_received_files_are_never_deleted_even_during_a_supplement(received, applicant, office):
    check_item_record(
        actor=office,
        dossier=received,
        code="16.format",
        outcome=CheckOutcome.SUPPLEMENT,
        note="盖章不清晰",
    )
    supplement_request(actor=office, dossier=received, reply_working_days=5)
    stamped = received.files.get(kind=FileKind.STAMPED_FORM)
    with pytest.raises(ValidationError, match="不能删除"):
        file_remove(actor=applicant, stored=stamped)
    assert DossierFile.objects.filter(pk=stamped.pk).exists()
    assert default_storage.exists(stamped.file.name)
    # it is superseded by a new scan instead; both are kept
    new = file_attach(
        actor=applicant,
        dossier=received,
        kind=FileKind.STAMPED_FORM,
        title="申报表（重新盖章）",
        upload=pdf_upload(),
        trade_secret=False,
        answers_item="16.format",
        supersedes=stamped,
    )
    dossier_resubmit(actor=applicant, dossier=received, notes={})
    second = Receipt.objects.get(dossier=received, sequence=2)
    entry = next(f for f in second.files if f["id"] == new.pk)
    assert entry["new"] and entry["supersedes"] == stamped.pk
    assert {f["id"] for f in second.files} >= {stamped.pk, new.pk}


def test_removing_a_draft_file_is_audited_and_the_stored_file_goes_after_commit(
    org_dossier, applicant, django_capture_on_commit_callbacks
):
    stored = org_dossier.files.get(kind=FileKind.STAMPED_FORM)
    name = stored.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_remove(actor=applicant, stored=stored)
        assert default_storage.exists(name)  # not before the removal commits
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)
    event = AuditEvent.objects.get(action=Action.FILE_REMOVED)
    assert (event.actor, event.details["sha256"]) == (applicant, stored.sha256)


def test_removal_goes_through_a_confirmation_page(client, org_dossier, applicant):
    stored = org_dossier.files.get(kind=FileKind.STAMPED_FORM)
    client.force_login(applicant)
    url = f"/dossiers/{org_dossier.pk}/files/{stored.pk}/delete/"
    page = client.get(url).content.decode()
    assert "确定从申报中删除" in page and stored.title in page
    assert DossierFile.objects.filter(pk=stored.pk).exists()
    client.post(url)
    assert not DossierFile.objects.filter(pk=stored.pk).exists()


def test_checks_are_as_of_the_first_receipt_not_today(june_2026, office, edition_2026, applicant):
    # a round open across the year end: received in December, looked at in January
    june_2026.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 12, 1), deadline=date(2026, 12, 16), name="跨年"
    )
    organisation_for(applicant)  # figures of 2025, 2024, 2023
    dossier = dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    june_2026.move_to(datetime(2027, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    checks = dossier_checks(Dossier.objects.get(pk=dossier.pk))
    assert all(check.ok for check in checks), [c.detail for c in checks]
    assert "2023、2024、2025" in checks[1].detail


def test_a_receipt_in_a_year_without_a_schedule_is_still_a_receipt(
    june_2026, office, edition_2026, applicant
):
    from award_portal.workdays.services import (
        HolidayEntry,
        MakeupEntry,
        schedule_confirm,
        schedule_save,
    )

    june_2026.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 12, 1), deadline=date(2026, 12, 31), name="年末"
    )
    organisation_for(applicant)
    draft = ready_dossier(applicant, cycle)
    june_2026.move_to(datetime(2026, 12, 18, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    dossier = dossier_submit(actor=applicant, dossier=draft, pledge=True)
    assert dossier.state == DossierState.SUBMITTED and dossier.receipts.count() == 1
    clock = Deadline.objects.get(kind="qualification_check")
    assert clock.due_date is None  # 10 working days after 2026-12-18 reach into 2027
    # the office enters and confirms the 2027 notice: the clock is computed then
    schedule_save(
        actor=office,
        year=2027,
        notice_number="国办发明电〔2026〕9号",
        notice_date=date(2026, 11, 10),
        notice_url="",
        holidays=[HolidayEntry("元旦", date(2027, 1, 1), date(2027, 1, 3))],
        makeup_days=[MakeupEntry(date(2027, 1, 9), "元旦")],
    )
    schedule_confirm(actor=office, year=2027)
    clock.refresh_from_db()
    # Dec 21-25, 28-31 (9), then 2027-01-04 (Jan 1-3 off)
    assert clock.due_date == date(2027, 1, 4)


def test_resubmission_in_a_year_without_a_schedule_is_received_too(
    june_2026, office, edition_2026, applicant
):
    june_2026.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 12, 1), deadline=date(2026, 12, 16), name="x"
    )
    organisation_for(applicant)
    dossier = dossier_submit(actor=applicant, dossier=ready_dossier(applicant, cycle), pledge=True)
    check_item_record(
        actor=office, dossier=dossier, code="16.complete", outcome="supplement", note="缺"
    )
    supplement_request(actor=office, dossier=dossier, reply_working_days=5)
    june_2026.move_to(datetime(2026, 12, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    resubmitted = dossier_resubmit(actor=applicant, dossier=dossier, notes={"16.complete": "已补"})
    assert resubmitted.state == DossierState.SUBMITTED and resubmitted.receipts.count() == 2
    assert Deadline.objects.filter(kind="qualification_check", due_date=None).count() == 1


def test_the_queue_and_receipt_show_a_pending_clock(
    client, june_2026, office, edition_2026, applicant
):
    june_2026.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 12, 1), deadline=date(2026, 12, 31), name="年末"
    )
    organisation_for(applicant)
    draft = ready_dossier(applicant, cycle)
    june_2026.move_to(datetime(2026, 12, 18, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    dossier = dossier_submit(actor=applicant, dossier=draft, pledge=True)
    client.force_login(office)
    assert "待定：该年度放假安排尚未确认" in client.get("/office/qualification/").content.decode()
    text = pdf_text(client.get(f"/dossiers/{dossier.pk}/receipt-1.pdf"))
    assert "具体截止日期待公布后另行告知" in text


def test_the_years_of_figures_asked_come_from_the_edition(
    client, june_2026, office, edition_2026, applicant
):
    from award_portal.rules.services import edition_update

    edition_update(actor=office, edition=edition_2026, data={"organisation_no_loss_years": 5})
    june_2026.move_to(datetime(2026, 9, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    announced_cycle(
        office, edition_2026, announce=date(2026, 9, 2), deadline=date(2026, 10, 30), name="五年"
    )
    client.force_login(applicant)
    page = client.get("/apply/profile/").content.decode()
    for year in (2025, 2024, 2023, 2022, 2021):
        assert f"{year}年营业收入（万元）" in page
    assert "2020年营业收入" not in page


def test_declaration_texts_carry_the_editions_numbers(client, june_2026, office, edition_2026):
    from award_portal.rules.services import edition_update

    edition_update(
        actor=office,
        edition=edition_2026,
        data={"exclusion_lookback_years": 5, "top_manager_clean_years": 4},
    )
    june_2026.move_to(datetime(2026, 9, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 9, 2), deadline=date(2026, 10, 30), name="新规"
    )
    page = client.get(f"/calls/{cycle.pk}/").content.decode()
    assert "近5年有较大以上质量安全" in page and "近4年无重大责任事故" in page
    assert "近3年有较大" not in page and "近3年无重大" not in page
    assert "奖项可以空缺" in page


def test_the_call_page_says_nothing_of_vacancy_when_the_edition_forbids_it(
    client, june_2026, office, edition_2026
):
    from award_portal.rules.services import edition_update

    edition_update(actor=office, edition=edition_2026, data={"vacancy_allowed": False})
    june_2026.move_to(datetime(2026, 9, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    cycle = announced_cycle(
        office, edition_2026, announce=date(2026, 9, 2), deadline=date(2026, 10, 30), name="x"
    )
    assert "空缺" not in client.get(f"/calls/{cycle.pk}/").content.decode()


def test_the_applicant_withdraws_through_a_confirmation_step(
    client, received, applicant, office, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    url = f"/dossiers/{received.pk}/withdraw/"
    page = client.get(url).content.decode()
    assert "撤回后不再办理" in page
    client.post(url, {"reason": "本年度暂不申报"})  # not confirmed
    assert Dossier.objects.get(pk=received.pk).state == DossierState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "本年度暂不申报", "confirm": "on"})
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.state == DossierState.WITHDRAWN and dossier.withdrawal_reason == "本年度暂不申报"
    assert Deadline.objects.get(kind="qualification_check").status == "cancelled"
    assert dossier.receipts.count() == 1 and dossier.files.count() == 3  # all kept
    from award_portal.notifications.models import Notification

    assert Notification.objects.filter(user=office, title__contains="撤回").exists()
    assert client.get(url).status_code == 404  # nothing left to withdraw


def test_withdrawal_is_refused_after_the_decision_to_disqualify(received, applicant, office):
    from applications.declarations import checklist_for
    from applications.services.qualification import qualification_decide

    for item in checklist_for(received.kind):
        outcome = "fail" if item.code == "12.2" else "pass"
        check_item_record(
            actor=office, dossier=received, code=item.code, outcome=outcome, note="缺证"
        )
    qualification_decide(actor=office, dossier=received, qualified=False)
    with pytest.raises(ValidationError, match="不能再撤回"):
        dossier_withdraw(actor=applicant, dossier=received)
    assert Dossier.objects.get(pk=received.pk).state == DossierState.NOT_QUALIFIED


def test_a_download_uses_the_extension_of_the_detected_type(client, org_dossier, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.applications import pdf_bytes

    stored = file_attach(
        actor=applicant,
        dossier=org_dossier,
        kind=FileKind.EVIDENCE,
        title="工具",
        upload=SimpleUploadedFile("tool.exe", pdf_bytes()),
        trade_secret=False,
    )
    client.force_login(applicant)
    response = client.get(f"/dossiers/{org_dossier.pk}/files/{stored.pk}/")
    b"".join(response.streaming_content)
    assert 'filename="tool.pdf"' in response["Content-Disposition"]


def test_a_dossier_holds_a_limited_number_and_size_of_files(org_dossier, applicant, settings):
    settings.PORTAL_MAX_FILES_PER_DOSSIER = 4  # the fixture has 3
    file_attach(
        actor=applicant,
        dossier=org_dossier,
        kind=FileKind.EVIDENCE,
        title="第四件",
        upload=pdf_upload(),
        trade_secret=False,
    )
    with pytest.raises(ValidationError, match="最多上传4个文件"):
        file_attach(
            actor=applicant,
            dossier=org_dossier,
            kind=FileKind.EVIDENCE,
            title="第五件",
            upload=pdf_upload(),
            trade_secret=False,
        )
    assert org_dossier.files.count() == 4


def test_the_files_of_a_dossier_total_at_most_the_set_size(org_dossier, applicant, settings):
    """PORTAL_MAX_DOSSIER_MB: a file that fills the dossier exactly to the limit is taken;
    one more byte is refused with the totals, and nothing of it is stored or logged."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Sum

    settings.PORTAL_MAX_DOSSIER_MB = 1
    limit = 1024 * 1024
    held = org_dossier.files.aggregate(total=Sum("size"))["total"]
    filler = b"%PDF-1.4\n" + b"0" * (limit - held - 9)
    file_attach(
        actor=applicant,
        dossier=org_dossier,
        kind=FileKind.EVIDENCE,
        title="正好到上限",
        upload=SimpleUploadedFile("full.pdf", filler),
        trade_secret=False,
    )
    assert org_dossier.files.aggregate(total=Sum("size"))["total"] == limit
    files, uploads = (
        org_dossier.files.count(),
        AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count(),
    )
    stored_before = sorted(default_storage.listdir(f"dossiers/{org_dossier.pk}")[1])
    with pytest.raises(ValidationError, match=r"合计不得超过1 MB，加上本文件将达到1\.0 MB"):
        file_attach(
            actor=applicant,
            dossier=org_dossier,
            kind=FileKind.EVIDENCE,
            title="多一个字节",
            upload=SimpleUploadedFile("more.pdf", b"%PDF-"),
            trade_secret=False,
        )
    assert org_dossier.files.count() == files
    assert AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count() == uploads
    assert sorted(default_storage.listdir(f"dossiers/{org_dossier.pk}")[1]) == stored_before


def test_a_receipt_freezes_only_the_years_that_have_ended(client, org_dossier, applicant, office):
    """Received on 2026-06-02: the figures of 2025 are final and frozen; the 2026 row
    the organisation keeps (of a year still running) is neither received, shown, nor
    reported as a change since receipt."""
    organisation = org_dossier.organisation
    edit_profile(applicant, organisation, years=[(2026, 5000, -300)])
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    receipt = org_dossier.receipts.get()
    assert [row["year"] for row in receipt.applicant["years"]] == [2025, 2024, 2023]
    client.force_login(office)
    page = client.get(f"/dossiers/{org_dossier.pk}/").content.decode()
    assert "<td>2025</td>" in page and "<td>2026</td>" not in page
    assert "2026年财务数据" not in page  # not a change since receipt either
    edit_profile(applicant, organisation, years=[(2025, 10000, 900)])
    page = client.get(f"/dossiers/{org_dossier.pk}/").content.decode()
    assert "2025年财务数据" in page  # a change to an ended year still shows
    # an older receipt that froze a running year: the page shows only the ended years
    Receipt.objects.filter(pk=receipt.pk).update(
        applicant={
            **receipt.applicant,
            "years": [{"year": 2026, "revenue": "5000", "profit": "-300"}]
            + receipt.applicant["years"],
        }
    )
    page = client.get(f"/dossiers/{org_dossier.pk}/").content.decode()
    assert "<td>2026</td>" not in page and "<td>2025</td>" in page
