"""The office's list pages ask the database a fixed number of times, whether the
candidates have one comment or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publicity.services.comment import comment_weigh
from tests.factories.office_flow import comment_on, publish_results, reviewed_dossiers

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_comments_and_ranking_pages_do_not_grow_with_the_comments(client, cycle, office):
    reviewed = reviewed_dossiers(office, cycle, prefix="org_q")
    notice = publish_results(office, cycle)
    first = comment_on(notice, reviewed[0], phone="13900000001")
    comment_weigh(actor=office, comment=first, decision="taken", reason="属实")
    client.force_login(office)
    pages = [f"/office/rounds/{cycle.pk}/comments/", f"/office/rounds/{cycle.pk}/ranking/"]
    one = [queries(client, url) for url in pages]
    for n in range(2, 7):
        more = comment_on(notice, reviewed[n % 3], phone=f"1390000000{n}")
        comment_weigh(actor=office, comment=more, decision="referred", reason="核实")
        comment_weigh(actor=office, comment=more, decision="taken", reason="属实")
    assert [queries(client, url) for url in pages] == one
