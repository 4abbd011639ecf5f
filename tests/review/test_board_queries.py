"""The board and an expert's list keep a constant number of queries whatever the number
of dossiers, experts and sheets: the same count for a round with one dossier as for a
round with many (guards for 1 and for many rows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.applications import announced_cycle
from tests.factories.scoring import bulk_review

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm the caches (permissions, templates, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_board_and_the_experts_list_do_not_grow_with_the_rows(
    client, office, cycle, edition_2021
):
    small_experts, _stage = bulk_review(office, cycle, 1)
    big = announced_cycle(office, edition_2021, name="第四届市长质量奖")
    big_experts, _stage = bulk_review(office, big, 15, start=100)
    one = queries(client, office, reverse("review:board", args=[cycle.pk]))
    many = queries(client, office, reverse("review:board", args=[big.pk]))
    assert one == many
    assert many <= 20
    one = queries(client, small_experts[1].user, reverse("web:dashboard"))
    many = queries(client, big_experts[1].user, reverse("web:dashboard"))
    assert one == many
