"""List pages keep a constant number of queries as rows grow."""

import pytest

from tests.factories.bulk import received_dossiers

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_queue_query_count_is_constant(client, cycle, office, django_assert_max_num_queries):
    client.force_login(office)
    received_dossiers(cycle, 1)
    with django_assert_max_num_queries(30) as few:
        assert client.get("/office/qualification/").status_code == 200
    received_dossiers(cycle, 60, start=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/office/qualification/")
    assert page.content.decode().count("/office/qualification/") > 60


def test_applicant_list_query_count_is_constant(
    client, cycle, applicant, django_assert_max_num_queries
):
    client.force_login(applicant)
    received_dossiers(cycle, 1, member=applicant)
    with django_assert_max_num_queries(30) as few:
        client.get("/apply/")
    received_dossiers(cycle, 25, start=1, member=applicant)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/apply/")
    assert page.content.decode().count("/dossiers/") >= 26


def test_public_call_list_query_count_is_constant(
    client, cycle, office, edition_2021, django_assert_max_num_queries
):
    from tests.factories.applications import announced_cycle

    with django_assert_max_num_queries(10) as few:
        client.get("/calls/")
    for n in range(5):
        announced_cycle(office, edition_2021, name=f"第{n}届")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/calls/")
