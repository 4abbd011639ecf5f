from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.enums import DossierState, FileKind
from applications.models import Dossier, DossierFile
from applications.services.cycles import cycle_transition
from applications.services.dossiers import (
    dossier_start,
    dossier_submit,
    file_attach,
    submission_problems,
)
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.workdays.models import Deadline
from tests.factories.applications import organisation_for, pdf_bytes, ready_dossier

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_submission_receives_starts_the_clock_and_mails_a_receipt(
    org_dossier, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    assert dossier.state == DossierState.SUBMITTED
    received = dossier.received_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert received.date() == date(2026, 6, 2)
    clock = Deadline.objects.get(kind="qualification_check")
    # 10 working days after 2026-06-02: Jun 3-5, 8-12, 15, 16
    assert clock.due_date == date(2026, 6, 16)
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert mail.outbox[0].subject == f"申报{dossier.number}已收到"
    body = mail.outbox[0].body
    assert body.startswith(f"尊敬的{applicant.display_name}：")
    assert dossier.receipts.get().document.number in body and "2026年6月16日前" in body
    assert "自我评价报告" in body and "二连浩特市市长质量奖评审专项工作协调办公室" in body
    # the same message waits in the applicant's notifications
    from award_portal.notifications.models import Notification

    assert Notification.objects.get(user=applicant).title == mail.outbox[0].subject


def test_a_double_click_gives_one_receipt_and_one_clear_message(org_dossier, applicant):
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    with pytest.raises(ValidationError, match="已于"):
        dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    assert Deadline.objects.filter(kind="qualification_check").count() == 1
    assert AuditEvent.objects.filter(action=Action.DOSSIER_SUBMITTED).count() == 1


def test_submission_after_the_window_closed_is_refused(org_dossier, applicant, office, june_2026):
    june_2026.move_to(datetime(2026, 7, 1, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    with pytest.raises(ValidationError, match="2026年6月30日"):
        dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    cycle_transition(actor=office, cycle=org_dossier.cycle, name="close_applications")
    with pytest.raises(ValidationError):
        dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    assert Dossier.objects.get(pk=org_dossier.pk).state == DossierState.DRAFT


def test_submission_at_the_last_minute_of_the_deadline_day_is_received(
    org_dossier, applicant, june_2026
):
    june_2026.move_to(datetime(2026, 6, 30, 23, 59, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert dossier_submit(actor=applicant, dossier=org_dossier, pledge=True).state == "submitted"


def test_an_exclusion_stops_submission_with_its_reason(org_dossier, applicant):
    Dossier.objects.filter(pk=org_dossier.pk).update(
        declarations={**org_dossier.declarations, "12.6": True}
    )
    with pytest.raises(ValidationError) as caught:
        dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    assert any("第十二条第（六）项" in m and "不得申报" in m for m in caught.value.messages)


def test_without_the_pledge_nothing_is_submitted(org_dossier, applicant):
    with pytest.raises(ValidationError, match="承诺"):
        dossier_submit(actor=applicant, dossier=org_dossier, pledge=False)
    assert Dossier.objects.get(pk=org_dossier.pk).state == DossierState.DRAFT


def test_computed_checks_use_the_edition(cycle, applicant):
    organisation_for(applicant, founded=date(2024, 3, 1), profits=(500, -20, 100))
    dossier = ready_dossier(applicant, cycle)
    problems = " ".join(submission_problems(dossier))
    assert "要求不少于3年" in problems
    assert "2024年有经营性亏损" in problems


def test_individual_needs_years_of_quality_work(cycle, person_user):
    from tests.factories.applications import individual_for

    individual_for(person_user, since=2023)
    dossier = ready_dossier(person_user, cycle)
    assert any("要求不少于5年" in p for p in submission_problems(dossier))


def test_missing_files_are_listed(cycle, applicant):
    organisation_for(applicant)
    dossier = ready_dossier(applicant, cycle, files=False)
    problems = " ".join(submission_problems(dossier))
    assert "自我评价报告" in problems and "盖章申报表" in problems


def test_starting_twice_returns_the_same_dossier(cycle, applicant):
    organisation_for(applicant)
    assert dossier_start(actor=applicant, cycle=cycle) == dossier_start(
        actor=applicant, cycle=cycle
    )
    assert Dossier.objects.count() == 1


def test_a_file_is_judged_by_its_content_not_its_name(org_dossier, applicant):
    fake = SimpleUploadedFile("report.pdf", b"just some text pretending", "application/pdf")
    with pytest.raises(ValidationError, match="以内容为准"):
        file_attach(
            actor=applicant,
            dossier=org_dossier,
            kind=FileKind.EVIDENCE,
            title="x",
            upload=fake,
            trade_secret=False,
        )
    assert not DossierFile.objects.filter(title="x").exists()


def test_a_file_too_large_is_refused_with_its_size(org_dossier, applicant, settings):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ValidationError, match="不得超过1 MB"):
        file_attach(
            actor=applicant,
            dossier=org_dossier,
            kind=FileKind.EVIDENCE,
            title="big",
            upload=big,
            trade_secret=False,
        )


def test_stored_file_keeps_sha256_type_and_a_private_name(org_dossier):
    import hashlib

    stored = org_dossier.files.filter(kind=FileKind.STAMPED_FORM).get()
    assert stored.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert stored.content_type == "application/pdf"
    assert "申报" not in stored.file.name and stored.file.name.endswith(".pdf")


def test_an_outsider_cannot_touch_a_dossier(org_dossier, other_applicant):
    with pytest.raises(PermissionDenied):
        dossier_submit(actor=other_applicant, dossier=org_dossier, pledge=True)
    with pytest.raises(PermissionDenied):
        file_attach(
            actor=other_applicant,
            dossier=org_dossier,
            kind=FileKind.EVIDENCE,
            title="x",
            upload=SimpleUploadedFile("a.pdf", pdf_bytes()),
            trade_secret=False,
        )
    assert Dossier.objects.get(pk=org_dossier.pk).state == DossierState.DRAFT


def test_autosave_answers_json_and_refuses_a_stale_token(client, org_dossier, applicant):
    from applications.forms import DossierForm

    client.force_login(applicant)
    form = DossierForm(dossier=org_dossier)
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}
    data["s_4.1"] = "自动保存的摘要"
    first = client.post(f"/dossiers/{org_dossier.pk}/", data, HTTP_X_AUTOSAVE="1")
    assert first.status_code == 200 and "自动保存" in first.json()["message"]
    stale = client.post(
        f"/dossiers/{org_dossier.pk}/", {**data, "s_4.1": "旧页面"}, HTTP_X_AUTOSAVE="1"
    )
    assert stale.status_code == 409 and "其他人" in stale.json()["message"]
    assert Dossier.objects.get(pk=org_dossier.pk).category_summaries["4.1"] == "自动保存的摘要"


def test_an_empty_self_evaluation_is_listed_by_category(cycle, applicant):
    organisation_for(applicant)
    dossier = dossier_start(actor=applicant, cycle=cycle)
    problems = " ".join(submission_problems(dossier))
    assert "4.1 领导、4.2 战略" in problems
