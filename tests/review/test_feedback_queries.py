"""The office's lists ask the database the same number of times for one row as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.services.dossiers import dossier_withdraw
from review.services.feedback import conduct_rate
from tests.factories.review_followup import concluded, start

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_conduct_list_is_constant(office, cycle, applicant, org_dossier, client):
    world = concluded(office, cycle, applicant, org_dossier)
    kinds = ("material", "onsite", "defence")

    def rate(actor, kind):
        conduct_rate(
            actor=actor,
            dossier=world.dossier,
            panel=world.panels[kind],
            timeliness=4,
            confidentiality=4,
            integrity=4,
            misconduct=actor == applicant,
            misconduct_report="情况说明" if actor == applicant else "",
        )

    rate(applicant, "material")
    client.force_login(office)
    url = reverse("review:conduct")
    one = queries(client, url)
    for kind in kinds:
        rate(world.leader.user, kind)
    for kind in kinds[1:]:
        rate(applicant, kind)
    assert queries(client, url) == one


def test_the_feedback_release_page_is_constant(
    office, cycle, applicant, org_dossier, person_user, person_dossier, client
):
    world = start(office, cycle, applicant, org_dossier, more=[(person_user, person_dossier)])
    client.force_login(office)
    url = reverse("review:feedback-release", args=[world.cycle.pk])
    two = queries(client, url)
    dossier_withdraw(actor=person_user, dossier=world.dossiers[1], reason="不再参评")
    assert queries(client, url) == two
