"""The round's archive (Art. 27): built by the worker's task from a registry of sections,
every member listed in the manifest with its SHA-256; the office starts a build, the
office and the auditor download it (an audit event each time), everybody else gets 404."""

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from applications.models import DossierFile
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity import archive as builder
from publicity.models import ArchiveState, Award, Meeting, PublicityNotice, RoundArchive
from publicity.services.archive import (
    archive_download,
    archive_request,
)
from publicity.services.group import conflict_declare
from publicity.services.publicity import objection_decide, objection_investigate, publicity_end
from tests.factories.applications import pdf_upload
from tests.factories.office_flow import (
    AFTER_PUBLICITY,
    IN_PUBLICITY,
    approve,
    close_comment,
    comment_on,
    decided,
    object_to,
    publicise,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
)
from tests.factories.office_flow import working_group as group_of
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HERE = "tests/publicity/test_archive.py"


@pytest.fixture
def finished_round(
    cycle, office, auditor, june_2026, working_group, expert, agency, mobiliser, other_applicant
):
    """A round walked through the services from the review to the award: a comment with
    a file, a recused member, the meeting and its secret votes, an objection with a file,
    the approval and one award with its certificate."""
    reviewed = reviewed_dossiers(office, cycle)
    winner = reviewed[2]
    notice = publish_results(office, cycle)
    comment = comment_on(notice, winner, name="张三", phone="13912345678", files=[pdf_upload()])
    close_comment(office, cycle, june_2026, [comment])
    rank_and_submit(office, cycle)
    members = group_of(office, cycle)
    conflict_declare(actor=members[4].user, cycle=cycle, dossier=winner, note="系该企业股东")
    decided(office, cycle, members, winner=winner)
    publicise(office, cycle)
    june_2026.move_to(IN_PUBLICITY)
    objection = object_to(PublicityNotice.objects.get(), winner, name="李四", phone="13800001111")
    objection_investigate(actor=office, objection=objection, text="调取质量记录")
    objection_decide(actor=office, objection=objection, founded=False, finding="不成立")
    june_2026.move_to(AFTER_PUBLICITY)
    publicity_end(actor=office, cycle=cycle, outcome="公示期满，无异议成立。")
    approve(office, cycle)
    cycle.refresh_from_db()
    people = {
        "office": office,
        "auditor": auditor,
        "member": members[0].user,
        "outsider_member": working_group,
        "expert": expert,
        "agency": agency,
        "mobiliser": mobiliser,
        "winner": User.objects.get(username="org_o2"),
        "other_applicant": other_applicant,
        "anonymous": None,
    }
    return {"cycle": cycle, "winner": winner, "people": people, "members": members}


def build(office, cycle, capture) -> RoundArchive:
    """Request a build as the office does; the task runs when the request commits (the
    tests' Celery runs tasks in-process)."""
    with capture(execute=True):
        archive = archive_request(actor=office, cycle=cycle)
    archive.refresh_from_db()
    return archive


def pdf_text(body: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\n", "")


def members_of(archive: RoundArchive) -> dict[str, bytes]:
    with archive.file.open("rb") as handle, zipfile.ZipFile(handle) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def manifest_of(files: dict[str, bytes]) -> dict[str, dict]:
    import csv

    text = files["manifest.csv"].decode("utf-8-sig")
    return {row["path"]: row for row in csv.DictReader(io.StringIO(text))}


def check_against_manifest(archive: RoundArchive) -> dict[str, bytes]:
    """Every member but the manifest is listed with its size and SHA-256, and every
    listed path is a member: the check an auditor runs on a downloaded archive."""
    import hashlib

    files = members_of(archive)
    manifest = manifest_of(files)
    assert set(manifest) == set(files) - {"manifest.csv"}
    for path, body in files.items():
        if path == "manifest.csv":
            continue
        assert manifest[path]["sha256"] == hashlib.sha256(body).hexdigest(), path
        assert int(manifest[path]["size"]) == len(body), path
    # the streamed check of the builder agrees
    with archive.file.open("rb") as handle:
        for path, sha, size in builder.iter_members(handle):
            assert (manifest[path]["sha256"], int(manifest[path]["size"])) == (sha, size)
    with archive.file.open("rb") as handle:
        assert builder.file_sha256(handle) == archive.sha256
    return files


def test_a_rebuilt_archive_matches_its_manifest_and_the_records(
    finished_round, office, django_capture_on_commit_callbacks
):
    cycle, winner = finished_round["cycle"], finished_round["winner"]
    first = build(office, cycle, django_capture_on_commit_callbacks)
    assert first.state == ArchiveState.READY and first.missing == 0
    assert first.done == first.total and first.total > 40
    second = build(office, cycle, django_capture_on_commit_callbacks)  # rebuilt
    assert second.pk != first.pk and second.state == ArchiveState.READY
    files = check_against_manifest(second)
    first_paths = set(members_of(first))
    assert first_paths == set(files)  # the same record, the same paths
    # every uploaded file of every dossier, byte for byte as received
    uploads = DossierFile.objects.filter(dossier__cycle=cycle)
    assert uploads.count() >= 6
    manifest = manifest_of(files)
    by_sha = {row["sha256"] for row in manifest.values()}
    for upload in uploads:
        assert upload.sha256 in by_sha, upload.title
    folder = f"dossiers/{winner.number}"
    assert any(p.startswith(f"{folder}/files/") for p in files)
    assert f"{folder}/receipts/receipt-1.json" in files
    receipt = json.loads(files[f"{folder}/receipts/receipt-1.json"])
    assert receipt["document"] and receipt["files"]
    assert "id_number_encrypted" not in files[f"{folder}/receipts/receipt-1.json"].decode()
    # the official documents as issued: receipt, decision, the notices of the round
    receipt_pdf = files[f"{folder}/receipts/receipt-1.pdf"]
    assert receipt["document"] in pdf_text(receipt_pdf)
    assert files[f"{folder}/decision.pdf"].startswith(b"%PDF")
    assert "评审结果" in pdf_text(files["comment/results_notice.pdf"])
    assert files["publicity/publicity_notice.pdf"].startswith(b"%PDF")
    # the review, the comment, the group, publicity, approval, the award
    for path in (
        "round/round.json",
        "qualification/decisions.csv",
        "review/score_sheets.csv",
        "review/aggregated_results.csv",
        "comment/comments.csv",
        "comment/weighings.csv",
        "group/ranking.csv",
        "group/votes.csv",
        "group/decisions.csv",
        "publicity/objections.csv",
        "approval/approval.json",
        "awards/awards.csv",
        "audit/events.csv",
    ):
        assert path in files, path
    assert any(p.startswith("comment/files/") for p in files)
    assert any(p.startswith("publicity/files/") for p in files)
    assert any(p.startswith("approval/scan") for p in files)
    score_sheets = files["review/score_sheets.csv"].decode("utf-8-sig").splitlines()
    assert len(score_sheets) > 1  # a header and the sheets
    # the certificate as the winner holds it
    award = Award.objects.get(cycle=cycle)
    certificate = files[f"awards/certificates/{award.certificate_number}.pdf"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate)).pages)
    assert award.certificate_number in text.replace("\n", "")
    # minutes of the closed meeting
    meeting = Meeting.objects.get(cycle=cycle)
    assert files[f"group/minutes-{meeting.pk}.pdf"].startswith(b"%PDF")
    # the secret vote stays secret; contacts of the public stay masked
    votes = files["group/votes.csv"].decode("utf-8-sig")
    assert votes.splitlines()[0] == "ballot_id,dossier_id,choice,on_paper"
    assert len(votes.splitlines()) > 1
    comments = files["comment/comments.csv"].decode("utf-8-sig")
    assert "13912345678" not in comments and "139****5678" in comments
    assert "13800001111" not in files["publicity/objections.csv"].decode("utf-8-sig")
    # the round's audit trail, including the request of the first build
    events = files["audit/events.csv"].decode("utf-8-sig")
    assert "申请生成届次档案" in events
    assert winner.number in events or str(winner.pk) in events


def test_the_manifest_check_catches_a_changed_member(
    finished_round, office, django_capture_on_commit_callbacks, tmp_path
):
    archive = build(office, finished_round["cycle"], django_capture_on_commit_callbacks)
    files = members_of(archive)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as out:
        for name, body in files.items():
            out.writestr(name, body + b"x" if name == "round/round.json" else body)
    manifest = manifest_of(files)
    with changed.open("rb") as handle:
        mismatched = [
            path
            for path, sha, _size in builder.iter_members(handle)
            if manifest[path]["sha256"] != sha
        ]
    assert mismatched == ["round/round.json"]


def test_a_file_missing_from_storage_is_listed_not_hidden(
    finished_round, office, django_capture_on_commit_callbacks
):
    upload = DossierFile.objects.filter(dossier=finished_round["winner"]).first()
    upload.file.storage.delete(upload.file.name)
    archive = build(office, finished_round["cycle"], django_capture_on_commit_callbacks)
    assert archive.state == ArchiveState.READY and archive.missing == 1
    files = check_against_manifest(archive)
    assert upload.file.name in files["missing.csv"].decode("utf-8-sig") or (
        str(upload.pk) in files["missing.csv"].decode("utf-8-sig")
    )


def test_a_section_registered_later_is_written_and_a_failing_one_fails_the_build(
    finished_round, office, django_capture_on_commit_callbacks, caplog
):
    cycle = finished_round["cycle"]

    @builder.archive_section("test-extra", order=95)
    def extra(found):
        yield builder.Entry("supervision/note.txt", lambda: f"{found.name}".encode())

    try:
        archive = build(office, cycle, django_capture_on_commit_callbacks)
        files = check_against_manifest(archive)
        assert files["supervision/note.txt"].decode() == cycle.name

        @builder.archive_section("test-extra", order=95)
        def broken(found):
            yield builder.Entry("supervision/note.txt", lambda: 1 / 0)

        mark = AuditEvent.objects.order_by("-id").first().pk
        failed = build(office, cycle, django_capture_on_commit_callbacks)
    finally:
        builder._sections.pop("test-extra", None)
    # the page and the trail read a plain message; the exception stays in the log
    assert failed.state == ArchiveState.FAILED and "档案生成失败" in failed.error
    assert "ZeroDivisionError" not in failed.error
    assert "ZeroDivisionError" in caplog.text
    assert not failed.file
    event = AuditEvent.objects.get(pk__gt=mark, action=Action.ARCHIVE_FAILED)
    assert event.details["error"] == failed.error
    assert (event.actor, event.actor_label, event.target_id) == (None, "worker", str(cycle.pk))
    # a failed build does not block the next one
    assert build(office, cycle, django_capture_on_commit_callbacks).state == ArchiveState.READY


def test_the_build_writes_its_rows(finished_round, office, django_capture_on_commit_callbacks):
    cycle = finished_round["cycle"]
    mark = AuditEvent.objects.order_by("-id").first().pk
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    requested = AuditEvent.objects.get(pk__gt=mark, action=Action.ARCHIVE_REQUESTED)
    assert (requested.actor, requested.target_id) == (office, str(cycle.pk))
    assert requested.details["archive"] == archive.pk
    built = AuditEvent.objects.get(pk__gt=mark, action=Action.ARCHIVE_BUILT)
    assert (built.actor, built.actor_label, built.target_id) == (None, "worker", str(cycle.pk))
    assert built.details["sha256"] == archive.sha256 and built.details["missing"] == 0


def test_archive_download_writes_its_row(
    finished_round, office, auditor, django_capture_on_commit_callbacks
):
    cycle = finished_round["cycle"]
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    for user in (office, auditor):
        mark = AuditEvent.objects.order_by("-id").first().pk
        archive_download(actor=user, archive=archive)
        event = AuditEvent.objects.get(pk__gt=mark)
        assert event.action == Action.ARCHIVE_DOWNLOADED
        assert (event.actor, event.target_id) == (user, str(cycle.pk))
        assert event.details["sha256"] == archive.sha256
    with pytest.raises(PermissionDenied):
        archive_download(actor=finished_round["people"]["member"], archive=archive)


def test_a_round_not_yet_awarded_is_refused_and_nothing_changes(cycle, office):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        archive_request(actor=office, cycle=cycle)
    assert refused.value.messages[0] == "届次授奖后方可归档（当前阶段：申报公告中）。"
    assert RoundArchive.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_second_request_while_building_ends_in_one_build(finished_round, office, auditor):
    cycle = finished_round["cycle"]
    first = archive_request(actor=office, cycle=cycle)  # the task waits for the commit
    with pytest.raises(ValidationError) as refused:
        archive_request(actor=office, cycle=cycle)
    assert "正在生成" in refused.value.messages[0]
    assert list(RoundArchive.objects.values_list("pk", flat=True)) == [first.pk]
    with pytest.raises(PermissionDenied):
        archive_request(actor=auditor, cycle=cycle)
    assert RoundArchive.objects.count() == 1


def test_a_build_lost_with_its_worker_is_replaced_after_an_hour(finished_round, office):
    cycle = finished_round["cycle"]
    lost = archive_request(actor=office, cycle=cycle)
    RoundArchive.objects.filter(pk=lost.pk).update(
        state=ArchiveState.BUILDING, started_at=timezone.now() - timedelta(minutes=59)
    )
    with pytest.raises(ValidationError):
        archive_request(actor=office, cycle=cycle)
    RoundArchive.objects.filter(pk=lost.pk).update(
        started_at=timezone.now() - timedelta(minutes=61)
    )
    fresh = archive_request(actor=office, cycle=cycle)
    lost.refresh_from_db()
    assert lost.state == ArchiveState.FAILED and fresh.state == ArchiveState.QUEUED
    assert AuditEvent.objects.filter(action=Action.ARCHIVE_REQUESTED).latest("id").details == {
        "archive": fresh.pk,
        "replaced": lost.pk,
    }


# --- the pages, per persona -------------------------------------------------------------------
def fetch(client, user, url, method="get"):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_the_archive_pages_per_persona(
    client, finished_round, office, django_capture_on_commit_callbacks
):
    cycle = finished_round["cycle"]
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    people = finished_round["people"]
    pages = {
        "page": f"/office/rounds/{cycle.pk}/archive/",
        "download": f"/office/archives/{archive.pk}/download/",
    }
    expected = {"office": 200, "auditor": 200, "anonymous": 302}  # everyone else: 404
    wrong = []
    for name, url in pages.items():
        for persona, user in people.items():
            mark = AuditEvent.objects.order_by("-id").first().pk
            status, body = fetch(client, user, url)
            if status != expected.get(persona, 404):
                wrong.append((name, persona, status))
            downloads = AuditEvent.objects.filter(
                pk__gt=mark, action=Action.ARCHIVE_DOWNLOADED
            ).count()
            if status == 200 and name == "download":
                assert body.startswith(b"PK") and downloads == 1, persona
                assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
            else:
                assert downloads == 0, (name, persona)
                if status != 200:
                    assert archive.sha256.encode() not in body, (name, persona)
    assert wrong == []


def test_the_auditors_copy_leaves_the_trade_secrets_out_and_the_download_says_so(
    client, finished_round, office, auditor, django_capture_on_commit_callbacks
):
    from applications.models import DossierFile

    cycle, winner = finished_round["cycle"], finished_round["winner"]
    secret = DossierFile.objects.filter(dossier=winner).first()
    DossierFile.objects.filter(pk=secret.pk).update(trade_secret=True)
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    whole = members_of(archive)
    confidential = [path for path in whole if "/files-confidential/" in path]
    assert len(confidential) == 1
    url = f"/office/archives/{archive.pk}/download/"
    status, body = fetch(client, office, url)
    assert status == 200 and confidential[0] in zipfile.ZipFile(io.BytesIO(body)).namelist()
    status, body = fetch(client, auditor, url)
    copy = zipfile.ZipFile(io.BytesIO(body))
    assert status == 200 and copy.testzip() is None
    names = copy.namelist()
    assert not [path for path in names if "/files-confidential/" in path]
    # everything else is there, byte for byte, and the withheld file is listed
    assert set(names) == set(whole) - set(confidential) | {"confidential-withheld.csv"}
    assert all(copy.read(path) == whole[path] for path in names if path in whole)
    listed = copy.read("confidential-withheld.csv").decode("utf-8-sig")
    row = manifest_of(whole)[confidential[0]]
    assert confidential[0] in listed and row["sha256"] in listed
    event = AuditEvent.objects.filter(action=Action.ARCHIVE_DOWNLOADED, actor=auditor).get()
    assert event.details["trade_secrets_withheld"] == 1
    office_event = AuditEvent.objects.filter(action=Action.ARCHIVE_DOWNLOADED, actor=office).get()
    assert "trade_secrets_withheld" not in office_event.details
    page = fetch(client, auditor, f"/office/rounds/{cycle.pk}/archive/")[1].decode()
    assert "confidential-withheld.csv" in page


def test_the_archive_page_lists_the_revocations_in_its_contents(client, finished_round, office):
    client.force_login(office)
    page = client.get(f"/office/rounds/{finished_round['cycle'].pk}/archive/").content.decode()
    assert "撤销案件" in page


def test_only_the_office_starts_a_build_and_the_page_shows_progress(client, finished_round):
    cycle, people = finished_round["cycle"], finished_round["people"]
    url = f"/office/rounds/{cycle.pk}/archive/"
    for persona in ("auditor", "member", "winner", "expert", "other_applicant"):
        status, _body = fetch(client, people[persona], url, method="post")
        assert status == 404, persona
    assert RoundArchive.objects.count() == 0
    status, body = fetch(client, people["anonymous"], url, method="post")
    assert status == 302 and RoundArchive.objects.count() == 0
    status, body = fetch(client, people["office"], url, method="post")
    assert status == 302 and RoundArchive.objects.get().state == ArchiveState.QUEUED
    # the office's page reloads itself while the build waits or runs
    RoundArchive.objects.update(state=ArchiveState.BUILDING, done=30, total=120)
    status, body = fetch(client, people["auditor"], url)
    text = body.decode()
    assert status == 200 and '<meta http-equiv="refresh" content="5">' in text
    assert 'max="120" value="30"' in text and "已写入30项，共120项" in text
    assert "生成新档案" not in text  # the auditor reads; it cannot start a build
    # a second click while it builds: one clear message, still one build
    status, body = fetch(client, people["office"], url, method="post")
    assert status == 302 and RoundArchive.objects.count() == 1
    status, body = fetch(client, people["office"], url)
    assert "正在生成" in body.decode()


def test_the_hub_links_the_archive_once_awarded(client, finished_round):
    cycle = finished_round["cycle"]
    client.force_login(finished_round["people"]["office"])
    link = f'href="/office/rounds/{cycle.pk}/archive/"'
    hub = client.get(f"/office/cycles/{cycle.pk}/").content.decode()
    assert link in hub and "本届档案尚未生成" in hub
    assert link in client.get(f"/office/rounds/{cycle.pk}/awards/").content.decode()
    RoundArchive.objects.create(
        cycle=cycle,
        requested_by=office_of(finished_round),
        state=ArchiveState.READY,
        finished_at=timezone.make_aware(datetime(2026, 7, 31, 9, 0)),
    )
    assert (
        "本届档案已于2026年7月31日生成"
        in client.get(f"/office/cycles/{cycle.pk}/").content.decode()
    )


def office_of(data):
    return data["people"]["office"]


def test_the_hub_has_no_archive_link_before_the_award(client, office, cycle):
    client.force_login(office)
    text = client.get(f"/office/cycles/{cycle.pk}/").content.decode()
    assert f"/office/rounds/{cycle.pk}/archive/" not in text


def test_an_archive_file_gone_from_storage_is_a_404_not_an_error(
    client, finished_round, office, django_capture_on_commit_callbacks
):
    archive = build(office, finished_round["cycle"], django_capture_on_commit_callbacks)
    archive.file.storage.delete(archive.file.name)
    client.force_login(office)
    mark = AuditEvent.objects.order_by("-id").first().pk
    assert client.get(f"/office/archives/{archive.pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(pk__gt=mark, action=Action.ARCHIVE_DOWNLOADED).exists()
    for url in ("/office/archives/999999/download/", "/office/rounds/999999/archive/"):
        assert client.get(url).status_code == 404


@pytest.fixture
def demo_past_round(settings, edition_2021):
    """The demo's past round (``make run``), built through the services."""
    from django.core.management import call_command

    from publicity.management.commands.load_demo_award import PAST_NAME
    from tests.factories.review import criteria_sets

    settings.DEBUG = True  # the demo commands refuse to run otherwise, as in production
    criteria_sets()
    for command in ("load_demo_data", "load_demo_cycle", "load_demo_award"):
        call_command(command, stdout=io.StringIO(), verbosity=0)
    from applications.models import Cycle

    return Cycle.objects.get(name=PAST_NAME)


def test_the_demo_round_archives_whole(demo_past_round, django_capture_on_commit_callbacks):
    """What a newcomer tries after ``make run``: the past round's archive, complete and
    verifiable (two review stages, a comment, an objection, the minutes, two awards)."""
    office = User.objects.get(username="office")
    archive = build(office, demo_past_round, django_capture_on_commit_callbacks)
    assert archive.state == ArchiveState.READY, archive.error
    assert archive.missing == 0
    files = check_against_manifest(archive)
    assert len([p for p in files if p.startswith("awards/certificates/")]) == 2
    assert any(p.endswith("/receipts/receipt-1.pdf") for p in files)
    stages = files["review/stages.csv"].decode("utf-8-sig").splitlines()
    assert len(stages) == 3  # the header and two stages


def test_fund_reports_and_visits_are_in_the_archive(
    office, edition_2021, june_2026, applicant, django_capture_on_commit_callbacks
):
    """After the award (Art. 24, 33): the report with its lines and evidence file, the
    visit with its finding, each in the manifest."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from publicity.models import FundEvidence
    from publicity.services.supervision import visit_plan, visit_record
    from tests.publicity.test_supervision_fund import current, filed, schedule

    cycle, awards = awarded_round(office, edition_2021, winners=(1, 1), owner=applicant)
    schedule(office, cycle)
    visit = visit_plan(
        actor=office, award=awards[0], planned_on=date(2026, 6, 2), department="协调办"
    )
    visit_record(
        actor=office,
        visit=visit,
        visited_on=date(2026, 6, 2),
        visitors="王科长",
        production="生产线运行正常。",
        quality_management="质量管理体系运行有效。",
        title_use="宣传册使用了称号。",
        award_year_stated=False,
        title_on_products=False,
        rating="good",
        findings=["宣传册未标明获奖年份"],
    )
    # the report of the period that ended on 2026-08-04, submitted the day after
    june_2026.move_to(datetime(2026, 8, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    filed(applicant, current(awards[0]))
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    files = check_against_manifest(archive)
    evidence = FundEvidence.objects.get()
    path = f"supervision/fund_evidence/{evidence.pk}-发票.pdf"
    assert hashlib.sha256(files[path]).hexdigest() == evidence.sha256
    lines = files["supervision/fund_lines.csv"].decode("utf-8-sig")
    assert "质量改进项目" in lines and "班组长培训" in lines
    assert "宣传册未标明获奖年份" in files["supervision/visit_findings.csv"].decode("utf-8-sig")
    assert "生产线运行正常" in files["supervision/visits.csv"].decode("utf-8-sig")


def test_a_revocation_is_in_the_archive(
    office, edition_2021, june_2026, applicant, django_capture_on_commit_callbacks
):
    """A title taken back (Art. 28): the case, its evidence with the recorded hash, the
    decision scan and the public notice as a PDF, each in the manifest."""
    from datetime import date

    from publicity.models import RevocationFile
    from publicity.services.revocation import (
        revocation_decide,
        revocation_propose,
        revocation_statement_submit,
    )
    from tests.factories.applications import pdf_upload
    from tests.publicity.test_revocation_services import open_fraud

    cycle, awards = awarded_round(office, edition_2021, winners=(1, 1), owner=applicant)
    case = open_fraud(office, awards[0])
    revocation_statement_submit(actor=applicant, case=case, text="我单位对此有异议。")
    revocation_propose(
        actor=office, case=case, proposal="建议撤销其称号。", proposed_on=date(2026, 6, 2)
    )
    case = revocation_decide(
        actor=office,
        case=case,
        revoke=True,
        document_number="二政字〔2026〕90号",
        decided_on=date(2026, 6, 2),
        scan=pdf_upload("撤销决定.pdf"),
    )
    archive = build(office, cycle, django_capture_on_commit_callbacks)
    files = check_against_manifest(archive)
    evidence = RevocationFile.objects.get(case=case, from_winner=False)
    path = f"revocation/files/{evidence.pk}-核查报告.pdf"
    assert hashlib.sha256(files[path]).hexdigest() == evidence.sha256
    assert hashlib.sha256(files[f"revocation/{case.number}-decision.pdf"]).hexdigest() == (
        case.decision_scan_sha256
    )
    notice = pdf_text(files[f"revocation/{case.number}-notice.pdf"])
    assert awards[0].winner_name in notice and "撤销" in notice
    assert "二政字〔2026〕90号" in files["revocation/cases.csv"].decode("utf-8-sig")
