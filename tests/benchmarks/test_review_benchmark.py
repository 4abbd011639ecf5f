"""The office's review board and an expert's list with 1,000 qualified dossiers × 5
experts × 3 stages of full score sheets (run with `make benchmark`)."""

import pytest
from django.urls import reverse

from review.models import ItemScore, ScoreSheet
from tests.factories.scoring import bulk_review

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


@pytest.fixture
def thousand(office, cycle):
    experts, stage = bulk_review(office, cycle, 1000)
    assert ScoreSheet.objects.count() == 1000 * 5 * 3
    assert ItemScore.objects.count() == 1000 * 5 * 3 * 23
    return experts, stage


def test_review_board_with_a_thousand_dossiers(
    benchmark, client, cycle, office, thousand, django_assert_max_num_queries
):
    url = reverse("review:board", args=[cycle.pk])
    client.force_login(office)
    client.get(url)  # warm the template and permission caches
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["board"].kinds["organisation"]) == 1000
    response = benchmark(client.get, url)
    assert response.status_code == 200


def test_an_experts_list_with_a_thousand_dossiers(
    benchmark, client, thousand, django_assert_max_num_queries
):
    experts, _stage = thousand
    url = reverse("web:dashboard")
    client.force_login(experts[1].user)
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200
    # the list behind it: the open stage's 1,000 submitted sheets of this expert
    worklist = next(data for _template, data in response.context["panels"] if "submitted" in data)
    assert len(worklist["submitted"]) == 1000
    response = benchmark(client.get, url)
    assert response.status_code == 200
