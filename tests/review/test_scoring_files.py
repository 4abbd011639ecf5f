"""The dossier's files for its assigned experts (Art. 30): ordinary files as attachments,
trade secrets only as PDFs stamped for the reader, every open logged, nothing after the
stage closes, nothing for anybody else."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import DossierFile
from award_portal.audit.models import AuditEvent
from review.services.plans import stage_close
from tests.factories.scoring import confirm, fill, page_without_noise, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    return running_stage(office, cycle, [org_dossier], [applicant])


def file_url(running, expert, stored):
    return reverse("review:assigned-file", args=[running.assignment(expert).pk, stored.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_ordinary_file_is_a_logged_attachment(client, running):
    member = running.members[1]
    stored = running.dossiers[0].files.get(title="自我评价报告")
    client.force_login(member.user)
    response = client.get(file_url(running, member, stored))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    with stored.file.open("rb") as handle:
        assert body(response) == handle.read()
    event = AuditEvent.objects.get(action="file.downloaded", actor=member.user)
    assert event.target_id == str(running.dossiers[0].pk)
    assert event.details["file"] == stored.pk


def test_a_trade_secret_is_only_a_stamped_pdf(client, running):
    member = running.members[1]
    stored = running.dossiers[0].files.get(title="核心工艺")
    client.force_login(member.user)
    response = client.get(file_url(running, member, stored))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    content = body(response)
    with stored.file.open("rb") as handle:
        original = handle.read()
    assert original not in content
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 1
    for page in pages:
        text = page.extract_text()
        assert member.name in text
        assert "商业秘密" in text
        assert "2026年6月2日" in text
    event = AuditEvent.objects.get(action="file.secret_opened", actor=member.user)
    assert event.outcome == "success"
    assert event.details["stamped"] is True
    assert event.target_id == str(running.dossiers[0].pk)


def test_every_open_is_an_event(client, running):
    member = running.members[1]
    stored = running.dossiers[0].files.get(title="核心工艺")
    client.force_login(member.user)
    for _ in range(3):
        assert client.get(file_url(running, member, stored)).status_code == 200
    assert AuditEvent.objects.filter(action="file.secret_opened", actor=member.user).count() == 3


def test_a_secret_office_document_is_refused_with_a_message(client, running):
    member = running.members[1]
    stored = running.dossiers[0].files.get(title="核心工艺")
    DossierFile.objects.filter(pk=stored.pk).update(content_type="application/msword")
    client.force_login(member.user)
    response = client.get(file_url(running, member, stored))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "协调办公室" in response.content.decode()
    event = AuditEvent.objects.get(action="file.secret_opened", actor=member.user)
    assert event.outcome == "failure"
    assert event.details["stamped"] is False


@pytest.mark.parametrize(
    "who",
    ["conflicted", "outsider", "office", "auditor", "staff", "applicant", "working_group"],
)
def test_nobody_else_opens_the_files(client, running, who, request):
    users = {
        "conflicted": running.conflicted.user,
        "outsider": running.outsider.user,
        "staff": running.staff,
    }
    user = users.get(who) or request.getfixturevalue(who)
    member = running.members[1]
    client.force_login(user)
    for stored in running.dossiers[0].files.all():
        response = client.get(file_url(running, member, stored))
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action__in=["file.downloaded", "file.secret_opened"], actor=user
    ).exists()


def test_the_conflicted_experts_own_assignment_answers_like_a_stranger(client, running):
    spoiler = running.conflicted
    stored = running.dossiers[0].files.get(title="核心工艺")
    client.force_login(spoiler.user)
    mine = client.get(file_url(running, spoiler, stored))
    ghost = client.get(reverse("review:assigned-file", args=[999999, stored.pk]))
    assert mine.status_code == ghost.status_code == 404
    assert page_without_noise(mine) == page_without_noise(ghost)


def test_a_file_of_another_dossier_is_not_reachable(
    client, office, cycle, applicant, org_dossier, person_user, person_dossier
):
    both = running_stage(
        office, cycle, [org_dossier, person_dossier], [applicant, person_user], conflicted=False
    )
    member = both.members[1]
    other = DossierFile.objects.filter(dossier=person_dossier).first()
    client.force_login(member.user)
    # assigned to both dossiers, but the file goes with the other assignment only
    assert client.get(file_url(both, member, other)).status_code == 404
    right = reverse(
        "review:assigned-file", args=[both.assignment(member, both.dossiers[1]).pk, other.pk]
    )
    response = client.get(right)
    assert response.status_code == 200
    response.close()


def test_after_the_stage_closes_the_expert_gets_404(client, running, office):
    for expert in running.members:
        fill(running.assignment(expert), 60)
    confirm(running)
    stage_close(actor=office, stage=running.stage)
    member = running.members[1]
    client.force_login(member.user)
    for stored in running.dossiers[0].files.all():
        assert client.get(file_url(running, member, stored)).status_code == 404
    assert (
        client.get(reverse("review:sheet", args=[running.assignment(member).pk])).status_code == 404
    )
