"""The office queue with 1,000 received dossiers (run with `make benchmark`)."""

import pytest

from tests.factories.bulk import received_dossiers

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def test_office_queue_with_a_thousand_dossiers(
    benchmark, client, cycle, office, django_assert_max_num_queries
):
    received_dossiers(cycle, 1000)
    client.force_login(office)
    client.get("/office/qualification/")  # warm the template and permission caches
    with django_assert_max_num_queries(20):
        response = client.get("/office/qualification/")
    assert response.status_code == 200
    response = benchmark(client.get, "/office/qualification/")
    assert response.status_code == 200
