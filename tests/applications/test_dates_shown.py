"""The call's period and the applicant's times read in Chinese (2026年6月30日24时,
2026年6月2日 10:00) on the public pages, the call feed and the applicant's pages; no ISO
date is left in the text a person reads. English keeps ISO."""

from datetime import date

import pytest
from django.core.cache import cache

from applications.services.applicants import organisation_save
from applications.services.dossiers import dossier_submit
from tests.applications.test_receipts import ORG_FIELDS
from tests.visible import iso_dates_in, visible_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    cache.clear()  # public pages are cached per process


def test_the_public_pages_show_the_call_period_in_chinese(client, cycle):
    for url in ("/", "/calls/", f"/calls/{cycle.pk}/"):
        text = visible_text(client.get(url).content.decode())
        assert cycle.name in text, url
        assert "2026年6月30日24时" in text, url
        assert iso_dates_in(text) == [], url
    feed = client.get("/calls/feed.atom").content.decode()
    assert "申报时间：2026年6月2日至2026年6月30日24时。" in feed


def test_the_public_pages_keep_iso_in_english(client, cycle):
    client.cookies["django_language"] = "en"
    text = visible_text(client.get("/calls/").content.decode())
    assert "2026-06-02" in text and "2026-06-30 24:00" in text
    feed = client.get("/calls/feed.atom").content.decode()
    assert "Applications from 2026-06-02 until 2026-06-30 24:00." in feed


def test_the_applicants_pages_show_chinese_dates(client, applicant, org_dossier):
    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    client.force_login(applicant)
    listing = visible_text(client.get("/apply/").content.decode())
    assert "2026年6月2日 10:00" in listing  # received
    assert iso_dates_in(listing) == []
    page = visible_text(client.get(dossier.get_absolute_url()).content.decode())
    assert dossier.number in page and "2026年6月2日 10:00" in page
    assert iso_dates_in(page) == []
    home = visible_text(client.get("/dashboard/").content.decode())
    assert iso_dates_in(home) == []


def test_the_office_reads_the_checks_and_the_changes_since_receipt_in_chinese(
    client, applicant, org_dossier, office
):
    dossier = dossier_submit(actor=applicant, dossier=org_dossier, pledge=True)
    organisation = dossier.organisation
    data = {field: getattr(organisation, field) for field in ORG_FIELDS}
    organisation_save(actor=applicant, data=data | {"founded_on": date(2016, 3, 1)}, years=[])
    client.force_login(office)
    page = visible_text(client.get(f"/office/qualification/{dossier.pk}/").content.decode())
    assert "2015年1月1日" in page and "2016年3月1日" in page  # received, and changed since
    assert iso_dates_in(page) == []
