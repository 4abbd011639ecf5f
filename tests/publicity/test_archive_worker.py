"""A real Celery worker process builds the archive that the office's request only
queued; the page shows the progress and then the download."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from applications.models import DossierFile
from publicity.models import ArchiveState, RoundArchive
from tests.factories.applications import pdf_bytes
from tests.factories.publicity_rounds import awarded_round
from tests.helpers import ROOT, celery_worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_worker_builds_the_archive_the_office_asked_for(
    client, office, auditor, edition_2021, own_queue
):
    cycle, awards = awarded_round(office, edition_2021, others=1)
    dossier = awards[0].dossier
    body = pdf_bytes()
    upload = DossierFile(
        dossier=dossier,
        kind="evidence",
        title="质量管理体系证书",
        original_name="证书.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        uploaded_by=office,
    )
    upload.file.save("upload.pdf", ContentFile(body), save=False)
    upload.save()

    client.force_login(office)
    response = client.post(f"/office/rounds/{cycle.pk}/archive/")
    assert response.status_code == 302
    archive = RoundArchive.objects.get()
    assert archive.state == ArchiveState.QUEUED  # the request only queued the build
    page = client.get(f"/office/rounds/{cycle.pk}/archive/").content.decode()
    assert '<meta http-equiv="refresh"' in page and "等待后台处理" in page

    with celery_worker(own_queue):
        wait_until(
            lambda: (
                archive.refresh_from_db()
                or archive.state in (ArchiveState.READY, ArchiveState.FAILED)
            ),
            seconds=120,
        )
    assert archive.state == ArchiveState.READY, archive.error
    assert archive.done == archive.total > 0
    page = client.get(f"/office/rounds/{cycle.pk}/archive/").content.decode()
    assert '<meta http-equiv="refresh"' not in page and archive.sha256 in page

    # the office's download is the archive as built; the auditor's copy (without trade
    # secrets, of which this round has none) holds the same members
    response = client.get(f"/office/archives/{archive.pk}/download/")
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == archive.sha256
    client.force_login(auditor)
    response = client.get(f"/office/archives/{archive.pk}/download/")
    copy = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert set(copy.namelist()) == set(zipfile.ZipFile(io.BytesIO(data)).namelist()) | {
        "confidential-withheld.csv"
    }
    path = ROOT / "var" / "archive-e2e.zip"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:
        with zipfile.ZipFile(path) as opened:
            names = opened.namelist()
            stored = f"dossiers/{dossier.number}/files/{upload.pk}-证书.pdf"
            assert stored in names and opened.read(stored) == body
            manifest = opened.read("manifest.csv").decode("utf-8-sig")
            assert f"{stored},{len(body)},{upload.sha256}" in manifest
    finally:
        path.unlink()
