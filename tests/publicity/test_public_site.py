"""The public side as a whole: the home page and the navigation lead to every public page,
the Atom feed carries every notice with its page and PDF, and every public page answers
every persona the same way without leaking what is not public."""

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from award_portal.web.navigation import nav_for
from publicity.models import Comment
from tests.conftest import PERSONAS
from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


SH = ZoneInfo("Asia/Shanghai")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(office, edition_2021, june_2026, applicant):
    results = results_round(office, edition_2021, name="第四届市长质量奖")
    publicity = publicity_round(office, edition_2021, name="第三届市长质量奖")
    awarded = awarded_round(office, edition_2021, name="第二届市长质量奖", owner=applicant)
    return results, publicity, awarded


def test_the_home_page_links_to_every_public_page(client, site):
    (r_cycle, r_notice, _), (_p_cycle, p_notice, _), _awarded = site
    page = client.get("/").content.decode()
    for href in ["/results/", "/publicity/", "/winners/", "/verify/", "/notices/feed.atom"]:
        assert f'href="{href}"' in page, href
    # what runs now is named on the home page with its dates
    assert r_notice.title in page and f'href="/results/{r_cycle.pk}/"' in page
    assert p_notice.title in page and "2026年6月3日0时至2026年6月11日24时" in page
    # revocations (Art. 28, 29): explained, and their notices linked
    assert "依照第二十八条、第二十九条被撤销的称号" in page
    assert 'href="/revocations/"' in page


def test_the_public_navigation_has_the_pages_in_the_order_of_the_award(db):
    from django.contrib.auth.models import AnonymousUser

    names = [item.url_name for section in nav_for(AnonymousUser()) for item in section.items]
    assert names == [
        "web:home",
        "applications:call-list",
        "publicity:results-list",
        "publicity:publicity-list",
        "publicity:winners",
        "publicity:verify",
        "publicity:revocation-notices",
        "rules:edition-list",
    ]


def test_the_feed_carries_every_notice_with_its_page_and_pdf(client, site):
    (r_cycle, r_notice, _), (p_cycle, p_notice, _), _awarded = site
    response = client.get("/notices/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314  our own feed, read by a test
    entries = {entry.find(f"{ATOM}title").text: entry for entry in feed.findall(f"{ATOM}entry")}
    for notice, page, pdf in [
        (r_notice, f"/results/{r_cycle.pk}/", f"/results/{r_cycle.pk}/notice.pdf"),
        (p_notice, f"/publicity/{p_cycle.pk}/", f"/publicity/{p_cycle.pk}/notice.pdf"),
    ]:
        entry = entries[notice.title]
        links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
        assert links["alternate"].get("href").endswith(page)
        assert links["related"].get("href").endswith(pdf)
        assert links["related"].get("type") == "application/pdf"
        assert notice.document.number in entry.find(f"{ATOM}summary").text
    # the calls of the rounds are notices too
    assert "第四届市长质量奖" in entries
    assert client.get(links["related"].get("href")).status_code == 200


PUBLIC_PATHS = [
    "/",
    "/results/",
    "/results/{r}/",
    "/results/{r}/notice.pdf",
    "/results/{r}/comment/",
    "/publicity/",
    "/publicity/{p}/",
    "/publicity/{p}/notice.pdf",
    "/publicity/{p}/objection/",
    "/winners/",
    "/verify/",
    "/notices/feed.atom",
]


@pytest.mark.parametrize("who", ["anonymous", *PERSONAS])
def test_every_public_page_answers_every_persona_and_leaks_nothing(
    client, site, persona, who, june_2026
):
    (r_cycle, r_notice, r_dossiers), (p_cycle, _p, _c), _awarded = site
    june_2026.move_to(datetime(2026, 6, 4, 9, 0, tzinfo=SH))
    Comment.objects.create(
        notice=r_notice,
        dossier=r_dossiers[0],
        receipt_number="YJ-2026-LEAKME",
        name="孙不公开",
        contact_kind="phone",
        contact="13700007777",
        text="这条意见绝不能出现在公开页面上。",
        contact_check=_spent_check(),
    )
    user = persona(who)
    if user is not None:
        client.force_login(user)
    for template in PUBLIC_PATHS:
        path = template.format(r=r_cycle.pk, p=p_cycle.pk)
        response = client.get(path)
        assert response.status_code == 200, (who, path)
        if path.endswith(".pdf"):
            continue
        text = response.content.decode()
        for secret in ("孙不公开", "13700007777", "绝不能出现", "YJ-2026-LEAKME"):
            assert secret not in text, (who, path, secret)


def _spent_check():
    from django.utils import timezone

    from publicity.models import ContactCheck

    return ContactCheck.objects.create(
        kind="phone",
        contact="13700007777",
        code_hash="x",
        verified_at=timezone.now(),
        used_at=timezone.now(),
    )
