"""The busiest public pages are kept rendered for anonymous visitors. A copy is never
stale: closing the comment, cancelling a candidate, revoking a title, publishing a new
notice or midnight (when a status depends on the day) shows at once; every visitor gets
their own CSRF token; logged-in visitors and visitors with a session get a fresh page."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from publicity.models import Award
from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_pages():
    cache.clear()


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_second_anonymous_visit_is_served_from_the_copy(
    client, office, edition_2021, june_2026, django_assert_max_num_queries
):
    cycle, _notice, dossiers = results_round(office, edition_2021, organisations=30)
    first = client.get(f"/results/{cycle.pk}/").content.decode()
    with django_assert_max_num_queries(1):  # the notice, for its stamp; nothing else
        second = client.get(f"/results/{cycle.pk}/").content.decode()
    assert all(d.applicant_name in second for d in dossiers)
    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)


def test_every_visitor_gets_a_working_csrf_token_of_their_own(office, edition_2021, june_2026):
    cycle, _notice, _dossiers = results_round(office, edition_2021)
    Client().get(f"/results/{cycle.pk}/")  # makes the copy
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(f"/results/{cycle.pk}/").content.decode()
    assert "@@csrf" not in page
    switched = visitor.post(
        "/i18n/setlang/",
        {"language": "en", "next": f"/results/{cycle.pk}/", "csrfmiddlewaretoken": token_of(page)},
    )
    assert switched.status_code == 302
    english = visitor.get(f"/results/{cycle.pk}/").content.decode()
    assert "Public comment period" in english and "公开征求意见期" not in english


def test_elderly_mode_and_language_have_their_own_copies(client, office, edition_2021, june_2026):
    cycle, _notice, _dossiers = results_round(office, edition_2021)
    client.get(f"/results/{cycle.pk}/")
    client.cookies["portal_elderly"] = "1"
    assert 'class="font-normal elderly"' in client.get(f"/results/{cycle.pk}/").content.decode()


def test_closing_the_comment_shows_at_once(client, office, edition_2021, june_2026):
    from publicity.services.comment import comment_close

    cycle, _notice, _dossiers = results_round(office, edition_2021)
    assert "正在征求意见" in client.get(f"/results/{cycle.pk}/").content.decode()
    assert "正在征求意见" in client.get("/results/").content.decode()
    june_2026.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=SH))
    comment_close(actor=office, cycle=cycle)
    page = client.get(f"/results/{cycle.pk}/").content.decode()
    assert "已于2026年7月20日结束，不再受理意见" in page
    assert "已于2026年7月20日结束" in client.get("/results/").content.decode()


def test_a_new_notice_shows_on_the_list_at_once(client, office, edition_2021, june_2026):
    results_round(office, edition_2021, name="第三届市长质量奖")
    client.get("/results/")
    _cycle, notice, _dossiers = results_round(office, edition_2021, name="第四届市长质量奖")
    assert notice.title in client.get("/results/").content.decode()


def test_a_cancelled_candidate_leaves_the_page_at_once(client, office, edition_2021, june_2026):
    cycle, notice, chosen = publicity_round(office, edition_2021)
    assert chosen[0].applicant_name in client.get(f"/publicity/{cycle.pk}/").content.decode()
    notice.entries.remove(chosen[0])  # what group_decide does on cancelling
    page = client.get(f"/publicity/{cycle.pk}/").content.decode()
    assert chosen[0].applicant_name not in page and chosen[1].applicant_name in page


def test_the_end_of_the_period_shows_after_midnight(client, office, edition_2021, june_2026):
    cycle, _notice, _chosen = publicity_round(office, edition_2021)
    june_2026.move_to(datetime(2026, 6, 11, 23, 59, 0, tzinfo=SH))
    assert "公示中，受理异议" in client.get(f"/publicity/{cycle.pk}/").content.decode()
    assert "公示中，受理异议" in client.get("/publicity/").content.decode()
    june_2026.move_to(datetime(2026, 6, 12, 0, 0, 5, tzinfo=SH))
    page = client.get(f"/publicity/{cycle.pk}/").content.decode()
    assert "公示期已满，异议正在处理" in page and "/objection/" not in page
    assert "公示期已满，异议正在处理" in client.get("/publicity/").content.decode()


def test_a_revoked_title_and_an_expired_one_show_at_once(client, office, edition_2021, june_2026):
    _cycle, awards = awarded_round(office, edition_2021, winners=(1, 1))
    assert client.get("/winners/").content.decode().count('class="ok">有效<') == 2
    Award.objects.filter(pk=awards[0].pk).update(revoked_on=date(2026, 6, 1))
    page = client.get("/winners/").content.decode()
    assert "已于2026年6月1日撤销" in page and page.count('class="ok">有效<') == 1
    # the last day of the title, then a few seconds after its midnight (the copy would
    # still be within its hour)
    june_2026.move_to(datetime(2027, 8, 4, 23, 59, 50, tzinfo=SH))
    assert 'class="ok">有效<' in client.get("/winners/").content.decode()
    june_2026.move_to(datetime(2027, 8, 5, 0, 0, 5, tzinfo=SH))
    page = client.get("/winners/").content.decode()
    assert "已过期" in page and "已过期（" not in page and 'class="ok">有效<' not in page


def test_logged_in_visitors_and_visitors_with_a_session_get_a_fresh_page(
    client, office, edition_2021, june_2026, applicant, django_assert_max_num_queries
):
    cycle, _notice, dossiers = results_round(office, edition_2021)
    client.get(f"/results/{cycle.pk}/")
    client.force_login(applicant)
    page = client.get(f"/results/{cycle.pk}/").content.decode()
    assert applicant.display_name in page  # the header names them: never a shared copy
    visitor = Client()
    visitor.post(
        f"/results/{cycle.pk}/comment/",
        {
            "dossier": dossiers[0].pk,
            "name": "张三",
            "contact_kind": "phone",
            "contact": "13912345678",
        },
    )
    page = visitor.get(f"/results/{cycle.pk}/").content.decode()
    assert "六位验证码已发送至139****5678" in page  # the message waiting for them is shown
