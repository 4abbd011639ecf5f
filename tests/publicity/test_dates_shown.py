"""Dates in the round's Chinese pages and notices read 2026年7月21日 14:30 and
2026年7月29日24时, never ISO: the meeting notice, the office's round page (clocks and
the approval), the public pages of the results and the publicity, a follow-up visit as
the audit trail names it."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from publicity.services.supervision import visit_plan
from tests.factories.group import four_candidates
from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round
from tests.visible import iso_dates_in, visible_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    cache.clear()  # public pages are cached per process


def test_the_meeting_notice_and_the_round_page_read_chinese_dates(
    client, cycle, office, applicant, person_user, june_2026
):
    group = four_candidates(office, cycle, june_2026, applicant, person_user)
    member = group.members[0].user
    notice = Notification.objects.get(user=member, title__startswith="专项工作组全体成员会议")
    assert notice.title == "专项工作组全体成员会议：2026年7月21日 14:30"
    for row in Notification.objects.filter(user=member):
        assert iso_dates_in(f"{row.title} {row.body}") == [], row.title
    client.force_login(member)
    listing = visible_text(client.get("/notifications/").content.decode())
    assert "2026年7月21日 14:30" in listing and iso_dates_in(listing) == []
    client.force_login(office)
    hub = visible_text(
        client.get(reverse("applications:cycle-detail", args=[cycle.pk])).content.decode()
    )
    assert "会议定于2026年7月21日 14:30召开" in hub
    assert iso_dates_in(hub) == []


def test_the_round_page_of_an_approved_round_reads_chinese_dates(
    client, office, edition_2021, june_2026
):
    cycle, _awards = awarded_round(office, edition_2021)
    client.force_login(office)
    hub = visible_text(
        client.get(reverse("applications:cycle-detail", args=[cycle.pk])).content.decode()
    )
    assert "已于2024年8月5日批准" in hub
    assert iso_dates_in(hub) == []


def test_the_public_results_and_publicity_pages_read_chinese_dates(
    client, office, edition_2021, june_2026
):
    cycle, _notice, _dossiers = results_round(office, edition_2021, name="征求意见届次")
    for url in ("/results/", f"/results/{cycle.pk}/"):
        text = visible_text(client.get(url).content.decode())
        assert iso_dates_in(text) == [], url
    assert "2026年7月15日24时" in text
    cycle, _notice = publicity_round(office, edition_2021, name="公示届次")[:2]
    for url in ("/publicity/", f"/publicity/{cycle.pk}/"):
        text = visible_text(client.get(url).content.decode())
        assert "24时" in text and "24:00" not in text, url
        assert iso_dates_in(text) == [], url


def test_a_follow_up_visit_is_named_with_a_chinese_date(
    client, office, auditor, edition_2021, june_2026, applicant
):
    _cycle, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=applicant)
    visit = visit_plan(
        actor=office, award=awards[0], planned_on=date(2026, 7, 1), department="协调办"
    )
    assert str(visit).endswith(" 2026年7月1日")
    event = AuditEvent.objects.get(action="publicity.visit_planned")
    assert "2026年7月1日" in event.target_label and iso_dates_in(event.target_label) == []
    client.force_login(auditor)
    trail = visible_text(client.get("/office/audit/").content.decode())
    assert "2026年7月1日" in trail
    assert iso_dates_in(trail) == []
