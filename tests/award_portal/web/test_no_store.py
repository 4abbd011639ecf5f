"""``Cache-Control: no-store`` on every page and download that carries dossier contents
or personal data; public pages stay cacheable (issue 7, point 18).

Each private URL is opened by a person entitled to it, and the answer must be a real
page or file (status 200, the content it is about), not an error page that happens to
carry the header.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.declarations import checklist_for
from applications.models import DossierFile
from applications.services.dossiers import dossier_resubmit, dossier_submit, file_attach
from applications.services.qualification import (
    check_item_record,
    qualification_decide,
    supplement_request,
)
from award_portal.notifications.services import notify
from tests.factories.applications import individual_for, pdf_bytes, ready_dossier

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def assert_no_store(response, url):
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    assert "no-store" in response.get("Cache-Control", ""), url


def assert_cacheable(response, url):
    assert response.status_code == 200, (url, response.status_code)
    assert "no-store" not in response.get("Cache-Control", ""), url


@pytest.fixture
def decided_dossier(org_dossier, applicant, office):
    """A dossier with a receipt, a supplement notice, a second receipt and a decision,
    and one uploaded file: every document a dossier has."""
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    check_item_record(
        actor=office, dossier=org_dossier, code="10.2", outcome="supplement", note="请补充"
    )
    supplement_request(actor=office, dossier=org_dossier, reply_working_days=5)
    file_attach(
        actor=applicant,
        dossier=org_dossier,
        kind="evidence",
        title="补充材料",
        upload=SimpleUploadedFile("补充.pdf", pdf_bytes()),
        trade_secret=False,
        answers_item="10.2",
    )
    dossier_resubmit(actor=applicant, dossier=org_dossier, notes={})
    for item in checklist_for(org_dossier.kind):
        check_item_record(
            actor=office, dossier=org_dossier, code=item.code, outcome="pass", note=""
        )
    qualification_decide(actor=office, dossier=org_dossier, qualified=True)
    org_dossier.refresh_from_db()
    return org_dossier


def dossier_urls(dossier):
    stored = DossierFile.objects.filter(dossier=dossier).first()
    return [
        f"/dossiers/{dossier.pk}/",
        f"/dossiers/{dossier.pk}/files/{stored.pk}/",
        f"/dossiers/{dossier.pk}/form.pdf",
        f"/dossiers/{dossier.pk}/receipt-1.pdf",
        f"/dossiers/{dossier.pk}/receipt-2.pdf",
        f"/dossiers/{dossier.pk}/notice-1.pdf",
        f"/dossiers/{dossier.pk}/decision.pdf",
    ]


def test_every_private_page_and_download_is_no_store(
    client, decided_dossier, applicant, office, auditor, person_user, cycle
):
    individual_for(person_user)
    person_dossier = ready_dossier(person_user, cycle)
    notify(user=applicant, title="您的申报已受理", email=False)
    walks = {
        applicant: [
            "/apply/profile/",
            "/apply/",
            "/notifications/",
            "/dashboard/",
            "/accounts/password/change/",
            *dossier_urls(decided_dossier),
        ],
        office: [
            "/office/qualification/",
            f"/office/qualification/{decided_dossier.pk}/",
            f"/office/cycles/{cycle.pk}/",
            "/office/cycles/",
            "/office/audit/",
            "/office/audit/export.csv",
            "/office/audit/export.xlsx",
            "/accounts/staff/",
            "/office/mobilisers/",
            f"/rules/plan.xlsx?edition={cycle.edition.pk}&announcement=2026-06-02",
            *dossier_urls(decided_dossier),
        ],
        auditor: ["/office/qualification/", "/office/audit/", "/office/audit/export.csv"],
        person_user: ["/apply/profile/", f"/dossiers/{person_dossier.pk}/"],
    }
    for user, urls in walks.items():
        client.force_login(user)
        for url in urls:
            assert_no_store(client.get(url), url)
    client.force_login(office)
    reveal = client.post(f"/office/dossiers/{person_dossier.pk}/reveal-id/")
    assert_no_store(reveal, "reveal-id")


def test_the_contents_were_really_served(client, decided_dossier, applicant):
    """The walk above checks real pages: the download is the file, the PDF a PDF."""
    client.force_login(applicant)
    stored = DossierFile.objects.filter(dossier=decided_dossier).first()
    download = client.get(f"/dossiers/{decided_dossier.pk}/files/{stored.pk}/")
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert client.get(f"/dossiers/{decided_dossier.pk}/decision.pdf").content.startswith(b"%PDF-")


def test_an_invitation_filled_registration_form_is_no_store_for_a_visitor(client):
    url = "/accounts/register/?kind=organisation&name=某公司&email=boss@example.invalid"
    page = client.get(url)
    assert "boss@example.invalid" in page.content.decode()
    assert_no_store(page, url)
    assert_no_store(client.get("/accounts/register/done/"), "register-done")


def test_public_pages_stay_cacheable_for_visitors(client, cycle):
    for url in (
        "/",
        "/calls/",
        f"/calls/{cycle.pk}/",
        f"/calls/{cycle.pk}/call.pdf",
        "/calls/feed.atom",
        "/rules/",
    ):
        assert_cacheable(client.get(url), url)
