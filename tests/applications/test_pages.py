"""Every page of the applications app, per persona. A dossier you may not know of is a
404; a staff page you may not use is a 403; anonymous visitors are asked to log in."""

import io

import pytest
from pypdf import PdfReader

from applications.services.dossiers import dossier_submit
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PERSONAS = [
    "applicant",
    "other_applicant",
    "office",
    "auditor",
    "mobiliser",
    "expert",
    "working_group",
    "anonymous",
]

# persona -> expected status for the dossier page of org_dossier (owned by "applicant")
DOSSIER_PAGE = {
    "applicant": 200,
    "other_applicant": 404,
    "office": 200,
    "auditor": 200,
    "mobiliser": 404,
    "expert": 404,
    "working_group": 404,
    "anonymous": 302,
}


def status(client, persona, name, url, method="get"):
    user = persona(name)
    if user:
        client.force_login(user)
    else:
        client.logout()
    response = getattr(client, method)(url)
    if response.streaming:  # read it to the end, as a browser would; the client then closes it
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("suffix", ["", "form.pdf"])
def test_dossier_page_and_form_per_persona(client, persona, org_dossier, name, suffix):
    assert (
        status(client, persona, name, f"/dossiers/{org_dossier.pk}/{suffix}")
        == (DOSSIER_PAGE[name])
    )


def test_get_absolute_url_is_the_dossier_page(org_dossier):
    assert org_dossier.get_absolute_url() == f"/dossiers/{org_dossier.pk}/"


@pytest.mark.parametrize(
    ("name", "plain", "secret"),
    [
        ("applicant", 200, 200),
        ("office", 200, 200),
        ("auditor", 200, 404),
        ("other_applicant", 404, 404),
        ("mobiliser", 404, 404),
        ("expert", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_file_downloads_per_persona_and_trade_secrets(
    client, persona, org_dossier, name, plain, secret
):
    plain_file = org_dossier.files.filter(trade_secret=False).first()
    secret_file = org_dossier.files.filter(trade_secret=True).get()
    base = f"/dossiers/{org_dossier.pk}/files/"
    assert status(client, persona, name, f"{base}{plain_file.pk}/") == plain
    assert status(client, persona, name, f"{base}{secret_file.pk}/") == secret


def test_downloads_are_attachments_and_logged(client, org_dossier, office):
    secret_file = org_dossier.files.filter(trade_secret=True).get()
    client.force_login(office)
    response = client.get(f"/dossiers/{org_dossier.pk}/files/{secret_file.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.SECRET_FILE_OPENED, actor=office).exists()


NAMES = ("office", "auditor", "applicant", "mobiliser", "anonymous")


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        ("/office/cycles/", (200, 200, 403, 403, 302)),
        ("/office/qualification/", (200, 403, 403, 403, 302)),
        ("/office/mobilisers/", (200, 403, 403, 403, 302)),
        ("/apply/", (403, 403, 200, 403, 302)),
        ("/apply/profile/", (403, 403, 200, 403, 302)),
        ("/mobiliser/", (403, 403, 403, 200, 302)),
        ("/calls/", (200, 200, 200, 200, 200)),
    ],
)
def test_staff_and_applicant_pages_per_persona(client, persona, cycle, url, codes):
    for name, code in zip(NAMES, codes, strict=True):
        assert status(client, persona, name, url) == code, name


def test_check_page_per_persona(client, persona, org_dossier, applicant):
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    url = f"/office/qualification/{org_dossier.pk}/"
    expected = {
        "office": 200,
        "auditor": 403,
        "applicant": 403,
        "other_applicant": 403,
        "expert": 403,
        "anonymous": 302,
    }
    for name, code in expected.items():
        assert status(client, persona, name, url) == code, name


def test_public_call_pages_feed_and_pdf(client, cycle):
    assert "申报条件" in client.get(f"/calls/{cycle.pk}/").content.decode()
    feed = client.get("/calls/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert cycle.name in feed.content.decode()
    pdf = client.get(f"/calls/{cycle.pk}/call.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "申报公告" in text and "第十二条" in text


def test_a_draft_cycle_is_not_public(client, june_2026, office, edition_2021):

    from tests.factories.applications import draft_cycle

    draft = draft_cycle(office, edition_2021, name="未公布")
    assert client.get(f"/calls/{draft.pk}/").status_code == 404
    assert "未公布" not in client.get("/calls/").content.decode()


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return "".join(p.extract_text() for p in pages).replace("\n", "")


def test_every_dossier_pdf_has_its_chinese_text(client, org_dossier, applicant, office):
    from applications.enums import CheckOutcome
    from applications.services.qualification import check_item_record, supplement_request

    client.force_login(applicant)
    assert "申报表" in pdf_text(client.get(f"/dossiers/{org_dossier.pk}/form.pdf"))
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    receipt = pdf_text(client.get(f"/dossiers/{org_dossier.pk}/receipt.pdf"))
    assert "申报材料受理回执" in receipt and "2026-06-02" in receipt
    check_item_record(
        actor=office,
        dossier=org_dossier,
        code="10.2",
        outcome=CheckOutcome.SUPPLEMENT,
        note="请补充卓越绩效自评报告附件",
    )
    supplement_request(actor=office, dossier=org_dossier, reply_working_days=5)
    notice = pdf_text(client.get(f"/dossiers/{org_dossier.pk}/notice-1.pdf"))
    assert "补正材料通知书" in notice and "请补充卓越绩效自评报告附件" in notice
    assert client.get(f"/dossiers/{org_dossier.pk}/decision.pdf").status_code == 404


def test_the_call_reads_in_english_when_chosen(client, cycle):
    client.cookies["django_language"] = "en"
    page = client.get(f"/calls/{cycle.pk}/").content.decode()
    assert "Art. 12(6)" in page and "4.7 Results" in page
    assert "第十二条" not in page
