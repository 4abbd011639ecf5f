"""No input produces a server error, and bad input changes nothing (issue 7, §4).

Every page of the applications app is walked with hostile values — huge, negative and
non-numeric ids, dates out of range, tampered hidden fields, control characters — as the
people who may use it. Each answer is a page or a redirect with a message, never a 5xx,
and the database holds what it held before.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import CheckItem, Cycle, Dossier, DossierFile, Individual
from applications.services.dossiers import dossier_submit
from award_portal.audit.models import AuditEvent
from tests.factories.accounts import ApplicantFactory
from tests.factories.applications import id_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HUGE = "99999999999999999999"
HOSTILE_IDS = [HUGE, "-1", "abc", "１２", "0", "1e3", "", "%00"]


def snapshot():
    return (
        list(Cycle.objects.values_list("pk", "state", "name", "updated_at")),
        list(Dossier.objects.values_list("pk", "state", "declarations", "updated_at")),
        list(DossierFile.objects.values_list("pk", "title")),
        list(CheckItem.objects.values_list("pk", "outcome", "note")),
        list(Individual.objects.values_list("pk", "full_name")),
    )


def no_server_error(response):
    assert response.status_code < 500, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_query_string_ids_never_break_the_queue(client, office, cycle, value):
    client.force_login(office)
    for query in (f"?cycle={value}", f"?state={value}", f"?page={value}"):
        no_server_error(client.get(f"/office/qualification/{query}"))


@pytest.mark.parametrize(
    "url",
    [
        f"/office/cycles/{HUGE}/",
        f"/office/qualification/{HUGE}/",
        f"/dossiers/{HUGE}/",
        f"/dossiers/{HUGE}/files/{HUGE}/",
        f"/dossiers/{HUGE}/receipt-{HUGE}.pdf",
        f"/calls/{HUGE}/",
        f"/apply/start/{HUGE}/",
    ],
)
def test_huge_ids_in_paths_are_404s(client, office, applicant, cycle, url):
    for user in (office, applicant):
        client.force_login(user)
        assert client.get(url).status_code in (404, 403, 405)
        assert client.post(url).status_code in (404, 403, 405)


def test_the_round_form_refuses_dates_out_of_range_and_a_tampered_token(
    client, june_2026, office, edition_2021
):
    from tests.factories.applications import draft_cycle

    draft = draft_cycle(office, edition_2021, name="草稿")
    client.force_login(office)
    before = snapshot()
    data = {
        "name": "第三届",
        "edition": edition_2021.pk,
        "announcement_date": "9999-12-31",
        "application_deadline": "9999-12-31",
        "quota_organisation": HUGE,
        "call_text": "正文",
    }
    page = client.post("/office/cycles/new/", data)
    assert page.status_code == 200 and "1900-01-01" in page.content.decode()
    for token in ("garbage", "2026-13-45T99:00:00+08:00", "9999-12-31T23:59:59+99:00"):
        response = client.post(
            f"/office/cycles/{draft.pk}/edit/",
            {
                **data,
                "announcement_date": "2026-06-02",
                "application_deadline": "2026-06-30",
                "quota_organisation": "",
                "updated_at": token,
            },
        )
        no_server_error(response)
    assert snapshot() == before
    assert Cycle.objects.count() == 1


def test_the_mobiliser_form_and_the_check_form_survive_hostile_posts(
    client, office, mobiliser, org_dossier, applicant
):
    dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    client.force_login(office)
    before = snapshot()
    for value in HOSTILE_IDS:
        no_server_error(client.post("/office/mobilisers/", {"account": value}))
        no_server_error(
            client.post(
                f"/office/qualification/{org_dossier.pk}/",
                {"action": "checklist", "o_10.1": value, "n_10.1": "\x00"},
            )
        )
        no_server_error(
            client.post(
                f"/office/qualification/{org_dossier.pk}/",
                {"action": "supplement", "reply_working_days": value},
            )
        )
        no_server_error(client.post(f"/office/qualification/{org_dossier.pk}/", {"action": value}))
    assert snapshot() == before


def test_applicant_forms_survive_hostile_posts(client, applicant, org_dossier):
    client.force_login(applicant)
    before = snapshot()
    url = f"/dossiers/{org_dossier.pk}/"
    for token in ("garbage", "2026-13-45T99:00:00+08:00"):
        response = client.post(url, {"updated_at": token, "s_4.1": "x"}, HTTP_X_AUTOSAVE="1")
        assert response.status_code == 409 and "刷新页面" in response.json()["message"]
    no_server_error(
        client.post(
            f"{url}files/",
            {
                "kind": "evidence",
                "title": "a\r\nb",
                "upload": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"),
                "supersedes": HUGE,
                "answers_item": "'; DROP TABLE x",
            },
        )
    )
    no_server_error(client.post(f"{url}resubmit/", {"note_16.complete": "x"}))
    no_server_error(client.post(f"{url}withdraw/", {"reason": "\x00"}))
    assert snapshot() == before
    assert not DossierFile.objects.filter(title__contains="\r").exists()


def test_one_line_fields_refuse_line_breaks(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/apply/profile/",
        {
            "name": "某公司\r\nBcc: x@example.invalid",
            "uscc": "91350100M000100Y43",
            "district": "border_zone",
            "legal_representative": "王",
            "founded_on": "2010-01-01",
            "sector": "C",
            "ownership": "private",
            "contact_name": "张",
            "contact_phone": "0479",
            "contact_email": "a@example.invalid",
        },
    )
    assert response.status_code == 200
    assert "请在一行内填写" in response.content.decode()
    assert not AuditEvent.objects.filter(action="applicant.profile_saved").exists()


PERSON = {
    "full_name": "孙丽娟",
    "employer": "二连浩特市某公司",
    "position": "质量经理",
    "quality_work_since": "2012",
    "top_manager_of_uscc": "",
    "top_manager_of_name": "",
    "phone": "13904790001",
    "email": "person@example.invalid",
}
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def organisation_post(**changes):
    return {
        "name": "某公司",
        "uscc": "91350100M000100Y43",
        "district": "border_zone",
        "legal_representative": "王",
        "founded_on": "2010-01-01",
        "sector": "C",
        "ownership": "private",
        "contact_name": "张",
        "contact_phone": "0479",
        "contact_email": "a@example.invalid",
    } | changes


@pytest.mark.parametrize("number", ["1²" + id_number()[2:], id_number()[:17] + "¹", "十" * 18])
def test_an_id_number_with_odd_digits_is_a_message(client, person_user, number):
    """A superscript digit made ``int()`` fail inside the check-digit arithmetic: HTTP 500.
    Now the number is normalised (¹ is 1) and checked, or refused with a message."""
    client.force_login(person_user)
    before = snapshot()
    page = client.post("/apply/profile/", {**PERSON, "id_number": number})
    assert page.status_code == 200
    assert "身份证号码" in page.content.decode()
    assert page.context["form"].errors["id_number"]
    assert snapshot() == before
    assert not Individual.objects.exists()


def test_full_width_digits_register_the_same_id_number(client, person_user, other_applicant):
    """Typed in full width, the number is stored, masked and hashed as the ASCII number,
    so a second account cannot register the same person."""
    client.force_login(person_user)
    wide = id_number().translate(WIDE)
    assert client.post("/apply/profile/", {**PERSON, "id_number": wide}).status_code == 302
    person = Individual.objects.get()
    assert person.id_number_masked == id_number()[:3] + "*" * 11 + id_number()[-4:]
    assert person.id_number() == id_number()
    client.force_login(other_applicant)
    for typed in (id_number(), wide, " ".join(id_number())):
        page = client.post("/apply/profile/", {**PERSON, "id_number": typed})
        assert "已被其他账户" in page.content.decode()
    assert Individual.objects.count() == 1


def test_a_full_width_credit_code_is_the_same_code(client, applicant, other_applicant):
    """A full-width credit code is accepted as the code it is; its ASCII twin is then
    refused as already registered, and an individual naming it in full width is linked."""
    from applications.models import Organisation

    client.force_login(applicant)
    wide = "91350100m000100y43".translate(WIDE).replace("m", "ｍ").replace("y", "Ｙ")
    assert client.post("/apply/profile/", organisation_post(uscc=wide)).status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.uscc == "91350100M000100Y43"
    twin = ApplicantFactory(username="org_twin")
    client.force_login(twin)
    page = client.post("/apply/profile/", organisation_post(uscc="91350100M000100Y43"))
    assert "该统一社会信用代码的组织已注册" in page.content.decode()
    assert Organisation.objects.count() == 1
    client.force_login(other_applicant)
    response = client.post(
        "/apply/profile/",
        {
            **PERSON,
            "id_number": id_number(),
            "top_manager_of_uscc": wide,
            "top_manager_of_name": "某公司",
        },
    )
    assert response.status_code == 302
    person = Individual.objects.get()
    assert person.top_manager_of_uscc == "91350100M000100Y43"
    assert person.top_manager_of == organisation


def test_names_and_titles_longer_than_their_column_are_refused(
    client, june_2026, office, edition_2021, applicant, org_dossier
):
    """Every name or title is kept within its column (Organisation.name 200, Cycle.name
    200, DossierFile.title 200) with a message on the form, and nothing is saved."""
    client.force_login(office)
    before = snapshot()
    page = client.post(
        "/office/cycles/new/",
        {
            "name": "届" * 201,
            "edition": edition_2021.pk,
            "announcement_date": "2026-06-02",
            "application_deadline": "2026-06-30",
            "call_text": "正文",
        },
    )
    assert "最多填写200个字" in page.content.decode()
    client.force_login(applicant)
    page = client.post("/apply/profile/", organisation_post(name="企" * 201))
    assert "最多填写200个字" in page.content.decode()
    page = client.post(
        f"/dossiers/{org_dossier.pk}/files/",
        {
            "kind": "evidence",
            "title": "题" * 201,
            "upload": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"),
        },
    )
    assert "最多填写200个字" in page.content.decode()
    assert snapshot() == before
    assert Cycle.objects.count() == 1
