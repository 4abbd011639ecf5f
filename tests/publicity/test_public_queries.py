"""The public pages are the busiest of the portal: their number of queries does not grow
with the number of rounds, entries or winners."""

import pytest
from django.core.cache import cache

from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


def queries_for(client, path, django_assert_max_num_queries, limit=30):
    client.get(path)  # warm what is built once per process (templates, content types)
    cache.clear()  # measure the page as rendered, not its cached copy
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_results_pages_keep_their_queries_as_rounds_and_entries_grow(
    client, office, edition_2021, june_2026, django_assert_max_num_queries
):
    cycle, _notice, _dossiers = results_round(office, edition_2021, organisations=1, individuals=1)
    few_list, _ = queries_for(client, "/results/", django_assert_max_num_queries)
    few_page, _ = queries_for(client, f"/results/{cycle.pk}/", django_assert_max_num_queries)
    few_form, _ = queries_for(
        client, f"/results/{cycle.pk}/comment/", django_assert_max_num_queries
    )
    big, _notice, dossiers = results_round(
        office, edition_2021, name="大届次", organisations=150, individuals=30
    )
    for n in range(6):
        results_round(office, edition_2021, name=f"第{n}届", organisations=2, individuals=0)
    many_list, listing = queries_for(client, "/results/", django_assert_max_num_queries, few_list)
    assert listing.count('<td><a href="/results/') == 8
    many_page, page = queries_for(
        client, f"/results/{big.pk}/", django_assert_max_num_queries, few_page
    )
    assert all(d.applicant_name in page for d in dossiers)
    queries_for(client, f"/results/{big.pk}/comment/", django_assert_max_num_queries, few_form)
    assert (many_list, many_page) == (few_list, few_page)


def test_publicity_pages_keep_their_queries(
    client, office, edition_2021, june_2026, django_assert_max_num_queries
):
    cycle, _notice, _chosen = publicity_round(office, edition_2021, proposed=(1, 0), others=1)
    few_list, _ = queries_for(client, "/publicity/", django_assert_max_num_queries)
    few_page, _ = queries_for(client, f"/publicity/{cycle.pk}/", django_assert_max_num_queries)
    big, _notice, chosen = publicity_round(
        office, edition_2021, name="大届次", proposed=(2, 2), others=200
    )
    for n in range(5):
        publicity_round(office, edition_2021, name=f"第{n}届", others=1)
    _many_list, listing = queries_for(
        client, "/publicity/", django_assert_max_num_queries, few_list
    )
    assert listing.count('<td><a href="/publicity/') == 7
    _, page = queries_for(client, f"/publicity/{big.pk}/", django_assert_max_num_queries, few_page)
    assert all(d.applicant_name in page for d in chosen)


def test_winners_and_feed_keep_their_queries(
    client, office, edition_2021, june_2026, django_assert_max_num_queries
):
    awarded_round(office, edition_2021, name="第一届", winners=(1, 0))
    few_winners, _ = queries_for(client, "/winners/", django_assert_max_num_queries)
    few_feed, _ = queries_for(client, "/notices/feed.atom", django_assert_max_num_queries)
    few_home, _ = queries_for(client, "/", django_assert_max_num_queries)
    awards = []
    for n in range(5):
        _cycle, granted = awarded_round(office, edition_2021, name=f"第{n + 2}届")
        awards += granted
    results_round(office, edition_2021, name="征求意见中")
    publicity_round(office, edition_2021, name="公示中")
    _, winners = queries_for(client, "/winners/", django_assert_max_num_queries, few_winners)
    assert all(a.winner_name in winners for a in awards)
    queries_for(client, "/notices/feed.atom", django_assert_max_num_queries, few_feed)
    queries_for(client, "/", django_assert_max_num_queries, few_home)
