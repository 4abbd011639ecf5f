"""Winners, the certificate check and the certificate (Art. 3, 23, 31, 32): the winners
list with the award year, "valid until", the status computed from the dates and the
vacancies; a public check that answers only genuine-or-not and the title's status, with
a limit on wrong guesses; the certificate PDF for the winner, the office and the auditor.
"""

import io
import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from award_portal.audit.models import AuditEvent
from publicity.models import Award
from publicity.services.verify import GUESSES_PER_HOUR
from publicity.views.public import certificate_context
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def winners(office, edition_2021, june_2026, applicant):
    """A round approved on 2024-08-05 (valid until 2027-08-04, valid in June 2026) with
    one organisation winner of ``applicant`` and a vacant individual slot; a round
    approved in 2021 whose titles have expired."""
    current, awards = awarded_round(
        office, edition_2021, name="第二届市长质量奖", winners=(1, 0), owner=applicant
    )
    old, old_awards = awarded_round(
        office, edition_2021, name="第一届市长质量奖", approved_on=date(2021, 12, 20)
    )
    return current, awards[0], old, old_awards


def test_the_winners_page_shows_year_validity_status_and_vacancies(client, winners):
    _current, award, _old, old_awards = winners
    page = client.get("/winners/").content.decode()
    assert award.winner_name in page
    assert "2024" in page and "2027年8月4日" in page
    # the status does not repeat the date of the column beside it
    assert 'class="ok">有效<' in page and "有效期至2027年8月4日" not in page
    assert "本届个人奖空缺。" in page
    # the first round: both slots awarded, titles expired (valid until 2024-12-19)
    for old_award in old_awards:
        assert old_award.winner_name in page
    assert "已过期" in page and "已过期（" not in page and "2024年12月19日" in page
    assert page.count("空缺") == 1
    # the newer round comes first
    assert page.index("第二届市长质量奖") < page.index("第一届市长质量奖")
    assert "经市人民政府2024年8月5日批准" in page


def test_a_revoked_title_shows_as_revoked_with_its_date(client, winners):
    _current, award, _old, _old_awards = winners
    Award.objects.filter(pk=award.pk).update(revoked_on=date(2026, 5, 20))
    assert "已于2026年5月20日撤销" in client.get("/winners/").content.decode()
    page = client.get("/verify/", {"number": award.certificate_number}).content.decode()
    assert "已于2026年5月20日撤销" in page


def test_a_quota_of_two_with_one_winner_states_one_vacancy(client, office, edition_2021, june_2026):
    awarded_round(office, edition_2021, name="第五届", winners=(1, 1), quotas=(2, 1))
    page = client.get("/winners/").content.decode()
    assert "本届组织奖空缺1名。" in page and "个人奖空缺" not in page


def test_verification_tolerates_spaces_dashes_and_case(client, winners):
    _current, award, _old, _old_awards = winners
    typed = award.certificate_number.replace("-", " ").lower()
    page = client.get("/verify/", {"number": f"  {typed} "}).content.decode()
    assert "该证书为市长质量奖（组织奖）真实证书" in page
    assert award.winner_name in page and "第二届市长质量奖" in page
    assert "2024" in page and "2027年8月4日" in page
    assert 'class="ok">有效<' in page and "有效，有效期至" not in page
    event = AuditEvent.objects.get(action="publicity.certificate_checked")
    assert event.outcome == "success" and event.target_id == str(award.pk)


def test_verification_says_nothing_more_than_it_should(client, winners):
    _current, award, _old, _old_awards = winners
    dossier = award.dossier
    page = client.get("/verify/", {"number": award.certificate_number}).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    for secret in (
        dossier.number,
        dossier.organisation.uscc,
        dossier.organisation.get_sector_display(),
        dossier.organisation.contact_phone,
        award.certificate.number,
        "200,000",
        "200000",
        "奖金",
    ):
        assert secret not in main, secret


def test_an_unknown_number_is_not_genuine(client, winners):
    page = client.get("/verify/", {"number": "ABCD-EFGH-JKLM-NPQR"}).content.decode()
    assert "未查到该编号的市长质量奖证书" in page
    assert AuditEvent.objects.get(action="publicity.certificate_checked").outcome == "failure"


@pytest.mark.parametrize("number", ["", "x" * 41, "'; DROP TABLE", "\x00", "１２３４"])
def test_odd_numbers_are_answered_never_a_500(client, winners, number):
    response = client.get("/verify/", {"number": number})
    assert response.status_code == 200


def test_wrong_guesses_are_limited_per_address(client, winners):
    _current, award, _old, _old_awards = winners
    for n in range(GUESSES_PER_HOUR):
        client.get("/verify/", {"number": f"AAAA-BBBB-CCCC-{n:04d}"})
    page = client.get("/verify/", {"number": award.certificate_number}).content.decode()
    assert "1小时内查询了过多不存在的证书编号" in page
    assert award.winner_name not in page[page.index("<main") :]
    assert (
        AuditEvent.objects.filter(action="publicity.certificate_checked", outcome="denied").count()
        == 1
    )
    # another address is not affected
    other = client.get(
        "/verify/", {"number": award.certificate_number}, REMOTE_ADDR="10.0.0.9"
    ).content.decode()
    assert "该证书为市长质量奖（组织奖）真实证书" in other


def test_genuine_lookups_do_not_count_as_guesses(client, winners):
    _current, award, _old, _old_awards = winners
    for _ in range(GUESSES_PER_HOUR + 5):
        client.get("/verify/", {"number": award.certificate_number})
    page = client.get("/verify/", {"number": award.certificate_number}).content.decode()
    assert "该证书为市长质量奖（组织奖）真实证书" in page


def certificate_text(content: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_pdf_carries_name_number_validity_and_the_rules(
    client, winners, applicant, settings
):
    settings.PORTAL_GOVERNMENT_NAME = "二连浩特市人民政府"
    _current, award, _old, _old_awards = winners
    client.force_login(applicant)
    response = client.get(f"/awards/{award.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    text = re.sub(r"\s+", "", certificate_text(response.content))
    assert "荣誉证书" in text
    assert award.winner_name in text
    assert award.certificate_number in text
    assert "经二连浩特市人民政府批准" in text and "2024年度二连浩特市市长质量奖" in text
    assert "荣誉称号有效期3年，自二〇二四年八月五日至二〇二七年八月四日" in text
    assert "必须标明获奖时间" in text and "不得将市长质量奖称号及标志用于具体产品的广告宣传" in text
    event = AuditEvent.objects.get(action="publicity.certificate_downloaded")
    assert event.actor == applicant and event.target_id == str(award.dossier_id)
    # the number the public check knows, and the certificate's document number, each named
    assert event.details == {
        "certificate": award.certificate_number,
        "certificate_document": award.certificate.number,
    }


def test_the_certificate_html_embeds_a_qr_code_to_the_public_check(winners, settings):
    settings.PORTAL_BASE_URL = "https://award.erenhot.example.gov.cn"
    _current, award, _old, _old_awards = winners
    with translation.override("zh-hans"):
        html = render_to_string("publicity/pdf/certificate.html", certificate_context(award))
    assert "<svg" in html and "</svg>" in html
    assert html.count("<path") >= 1
    url = f"https://award.erenhot.example.gov.cn/verify/?number={award.certificate_number}"
    assert certificate_context(award)["verify_url"] == url
    assert "https://award.erenhot.example.gov.cn/verify/" in html


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [
        ("office", 200),
        ("auditor", 200),
        ("applicant", 200),
        ("other_applicant", 404),
        ("expert", 404),
        ("agency", 404),
        ("working_group", 404),
        ("mobiliser", 404),
        ("superuser", 404),
    ],
)
def test_who_may_download_a_certificate(client, winners, persona, persona_name, status):
    _current, award, _old, _old_awards = winners
    client.force_login(persona(persona_name))
    response = client.get(f"/awards/{award.pk}/certificate.pdf")
    assert response.status_code == status
    downloads = AuditEvent.objects.filter(action="publicity.certificate_downloaded")
    assert downloads.count() == (1 if status == 200 else 0)


def test_anonymous_visitors_are_sent_to_log_in(client, winners):
    _current, award, _old, _old_awards = winners
    response = client.get(f"/awards/{award.pk}/certificate.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/awards/99999999999999999999/certificate.pdf").status_code in (302, 404)
