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


def fetch(client, persona, name, url, method="get"):
    """The response and its whole body (a download is read to the end, as a browser
    would; the client then closes it)."""
    user = persona(name)
    if user:
        client.force_login(user)
    else:
        client.logout()
    response = getattr(client, method)(url)
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


def status(client, persona, name, url, method="get"):
    return fetch(client, persona, name, url, method)[0].status_code


def dossier_contents(dossier) -> list[str]:
    """What only those who may see the dossier may read: the applicant's name, credit
    code and legal representative, the file titles, the declarations' texts as the
    applicant answered them, the self-evaluation summaries."""
    from applications.declarations import EXCLUSIONS, conditions_for

    edition = dossier.cycle.edition
    return [
        dossier.applicant_name,
        dossier.organisation.uscc,
        dossier.organisation.legal_representative,
        *dossier.files.values_list("title", flat=True),
        *(str(item.text_for(edition)) for item in conditions_for(dossier.kind)),
        *(str(item.text_for(edition)) for item in EXCLUSIONS),
        *dossier.category_summaries.values(),
    ]


def readable(response, body: bytes) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode()


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("suffix", ["", "form.pdf"])
def test_dossier_page_and_form_per_persona(client, persona, org_dossier, name, suffix):
    response, body = fetch(client, persona, name, f"/dossiers/{org_dossier.pk}/{suffix}")
    assert response.status_code == DOSSIER_PAGE[name]
    text = readable(response, body)
    contents = dossier_contents(org_dossier)
    assert "核心工艺" in contents and "王建国" in contents  # real strings of the fixture
    if response.status_code == 200:
        assert org_dossier.applicant_name in text.replace("\n", "")
        if name == "auditor":  # a trade secret's title is not shown to the auditor either
            assert "核心工艺" not in text
    else:
        assert [leaked for leaked in contents if leaked in text] == []


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
        ("working_group", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_file_downloads_per_persona_and_trade_secrets(
    client, persona, org_dossier, name, plain, secret
):
    plain_file = org_dossier.files.filter(trade_secret=False).first()
    secret_file = org_dossier.files.filter(trade_secret=True).get()
    base = f"/dossiers/{org_dossier.pk}/files/"
    for stored, expected in ((plain_file, plain), (secret_file, secret)):
        with stored.file.open("rb") as handle:
            contents = handle.read()
        response, body = fetch(client, persona, name, f"{base}{stored.pk}/")
        assert response.status_code == expected
        if expected == 200:
            assert body == contents
        else:  # not a byte of the file, not its title, not the applicant's name
            assert contents[:64] not in body and b"%PDF" not in body
            text = body.decode()
            assert stored.title not in text and org_dossier.applicant_name not in text
    assert AuditEvent.objects.filter(
        action=Action.SECRET_FILE_OPENED, target_id=str(org_dossier.pk)
    ).count() == (1 if secret == 200 else 0)


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
        ("/office/qualification/", (200, 200, 403, 403, 302)),
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
        "auditor": 200,
        "applicant": 403,
        "other_applicant": 403,
        "expert": 403,
        "anonymous": 302,
    }
    for name, code in expected.items():
        assert status(client, persona, name, url) == code, name
    # a refused persona learns nothing, not even whether the dossier exists
    client.force_login(persona("other_applicant"))
    assert client.get("/office/qualification/999999/").status_code == 403
    assert org_dossier.applicant_name not in client.get(url).content.decode()


def test_public_call_pages_feed_and_pdf(client, cycle):
    assert "申报条件" in client.get(f"/calls/{cycle.pk}/").content.decode()
    feed = client.get("/calls/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert cycle.name in feed.content.decode()
    pdf = client.get(f"/calls/{cycle.pk}/call.pdf")
    text = pdf_text(pdf)
    assert "关于开展第三届市长质量奖评选申报工作的公告" in text and "第十二条" in text
    assert "二〇二六年六月二日" in text and "地址：" in text  # issuer's date and contact


def test_a_draft_cycle_is_not_public(client, june_2026, office, edition_2021):

    from tests.factories.applications import draft_cycle

    draft = draft_cycle(office, edition_2021, name="未公布")
    assert client.get(f"/calls/{draft.pk}/").status_code == 404
    assert "未公布" not in client.get("/calls/").content.decode()


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return "".join(p.extract_text() for p in pages).replace("\n", "")


def test_every_dossier_pdf_is_an_official_document_with_its_chinese_text(
    client, org_dossier, applicant, office
):
    from applications.enums import CheckOutcome
    from applications.services.qualification import (
        check_item_record,
        supplement_request,
    )

    client.force_login(applicant)
    assert "申报表" in pdf_text(client.get(f"/dossiers/{org_dossier.pk}/form.pdf"))
    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    receipt = pdf_text(client.get(f"/dossiers/{org_dossier.pk}/receipt-1.pdf"))
    document = dossier.receipts.get().document
    # GB/T 9704 letter form: issuer, number, title, addressee, issuer and date, contact
    assert receipt.startswith("二连浩特市市长质量奖评审专项工作协调办公室")
    assert document.number == "二市监质奖〔2026〕1号" and document.number in receipt
    assert "申报材料接收回执" in receipt and f"{dossier.applicant_name}：" in receipt
    assert dossier.number in receipt and "2026年6月2日 10:00" in receipt
    assert "二〇二六年六月二日" in receipt and "联系方式" in receipt
    assert "（即二〇二六年六月十六日前）" in receipt  # the office's clock, printed
    check_item_record(
        actor=office,
        dossier=org_dossier,
        code="10.2",
        outcome=CheckOutcome.SUPPLEMENT,
        note="请补充卓越绩效自评报告附件",
    )
    supplement_request(actor=office, dossier=org_dossier, reply_working_days=5)
    notice = pdf_text(client.get(f"/dossiers/{org_dossier.pk}/notice-1.pdf"))
    assert "补正申报材料通知书" in notice and "请补充卓越绩效自评报告附件" in notice
    assert "二市监质奖〔2026〕2号" in notice and "二〇二六年六月九日24时前" in notice
    assert client.get(f"/dossiers/{org_dossier.pk}/decision.pdf").status_code == 404
    assert client.get(f"/dossiers/{org_dossier.pk}/receipt-2.pdf").status_code == 404


def test_the_decision_pdf_cites_reasons_and_how_to_ask_for_a_review(
    client, org_dossier, applicant, office
):
    from applications.declarations import checklist_for
    from applications.services.qualification import check_item_record, qualification_decide

    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    for item in checklist_for(org_dossier.kind):
        outcome, note = ("fail", "2025年发生较大事故") if item.code == "12.3" else ("pass", "")
        check_item_record(
            actor=office, dossier=org_dossier, code=item.code, outcome=outcome, note=note
        )
    qualification_decide(actor=office, dossier=org_dossier, qualified=False)
    client.force_login(applicant)
    text = pdf_text(client.get(f"/dossiers/{org_dossier.pk}/decision.pdf"))
    assert "资格审查结果通知书" in text and "不具备申报资格" in text
    assert "第十二条第（三）项：2025年发生较大事故" in text and "复核申请" in text


def test_the_call_reads_in_english_when_chosen(client, cycle):
    client.cookies["django_language"] = "en"
    page = client.get(f"/calls/{cycle.pk}/").content.decode()
    assert "Art. 12(6)" in page and "4.7 Results" in page
    assert "第十二条" not in page


@pytest.mark.parametrize(
    ("name", "apply_link"),
    [
        ("anonymous", "/accounts/register/"),
        ("applicant", "/apply/"),
        ("office", None),
        ("auditor", None),
        ("working_group", None),
        ("expert", None),
        ("agency", None),
        ("mobiliser", None),
    ],
)
def test_call_page_shows_apply_only_to_whom_may_apply(client, persona, cycle, name, apply_link):
    from tests.helpers import links_that_refuse

    response, body = fetch(client, persona, name, f"/calls/{cycle.pk}/")
    page = body.decode()
    assert response.status_code == 200
    assert (">申报</a>" in page) is (apply_link is not None)
    if apply_link:
        assert f'href="{apply_link}"' in page
    assert links_that_refuse(client, page) == []


@pytest.mark.parametrize("kind", ["organisation", "individual"])
@pytest.mark.parametrize("name", ["owner", "office", "auditor"])
def test_dossier_page_shows_the_sections_of_its_applicant_kind(
    client, request, persona, kind, name
):
    dossier = request.getfixturevalue("org_dossier" if kind == "organisation" else "person_dossier")
    owner = (
        persona("applicant") if kind == "organisation" else request.getfixturevalue("person_user")
    )
    dossier_submit(actor=owner, dossier=dossier, pledge=True)
    client.force_login(owner if name == "owner" else persona(name))
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    # both texts are stored on each fixture's dossier: only its kind's section is shown
    assert ("GB/T 19580" in page) is (kind == "organisation")
    assert ("4.1 领导 摘要" in page) is (kind == "organisation")
    assert ("个人业绩陈述" in page) is (kind == "individual")
    assert ("主持质量提升项目。" in page) is (kind == "individual")


def test_call_pages_count_revoked_titles_apart(client, office, auditor, edition_2021, june_2026):
    """A round that awarded two titles, one revoked since (Art. 28): the round still
    awarded two; the pages say so and count the revoked one apart, on the public call,
    the list of calls and the office's round."""
    from datetime import date

    from django.core.cache import cache

    from applications.enums import DossierState
    from applications.models import Dossier
    from publicity.models import Award
    from tests.factories.publicity_rounds import awarded_round

    cache.clear()  # public pages are cached per process
    cycle, awards = awarded_round(office, edition_2021, winners=(1, 1))
    Award.objects.filter(pk=awards[1].pk).update(revoked_on=date(2026, 5, 20))
    Dossier.objects.filter(pk=awards[1].dossier_id).update(state=DossierState.REVOKED)
    detail = client.get(f"/calls/{cycle.pk}/").content.decode()
    assert "授奖2项，其中撤销1项。" in detail
    calls = client.get("/calls/").content.decode()
    assert "2（其中撤销1项）" in calls
    client.force_login(office)
    hub = client.get(f"/office/cycles/{cycle.pk}/").content.decode()
    assert "授奖2项，其中撤销1项。" in hub
    # with no revocation, the plain count
    Dossier.objects.filter(pk=awards[1].dossier_id).update(state=DossierState.AWARDED)
    assert "授奖2项。" in client.get(f"/calls/{cycle.pk}/").content.decode()
