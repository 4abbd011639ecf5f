"""The review's Excel exports: every score (one row per dossier × expert × item) with a
summary sheet per dossier and stage, and the ranking per kind. Audited, formula-safe."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from award_portal.audit.models import AuditEvent
from review.models import Expert
from review.services.scoring import criteria_of
from tests.factories.scoring import confirm, fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    running = running_stage(office, cycle, [org_dossier], [applicant])
    # a name a spreadsheet would run as a formula
    Expert.objects.filter(pk=running.members[2].pk).update(name='=HYPERLINK("http://x","点我")')
    for expert, percent in zip(running.members, (60, 70, 80), strict=True):
        fill(running.assignment(expert), percent)
    _categories, items = criteria_of(running.stage, running.dossiers[0])
    confirm(running, agreed={i.pk: 70 for i in items})  # the members' mean
    return running


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content))


def test_the_scores_export_has_every_item_of_every_sheet(client, office, running):
    client.force_login(office)
    book = workbook(client.get(reverse("review:scores-export", args=[running.cycle.pk])))
    items, summary = book.worksheets
    rows = list(items.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 * 23
    by_expert = {}
    for row in rows:
        by_expert.setdefault(row[3], []).append(row)
    assert set(by_expert) == {e.name for e in running.members} - {running.members[2].name} | {
        '=HYPERLINK("http://x","点我")'
    }
    first = by_expert[running.members[0].name][0]
    assert first[1] == running.dossiers[0].number
    assert first[4] == "4.1.2"  # GB/T 19580 numbers the first scored item 4.1.2
    assert first[7] == 60 and float(first[8]) == first[6] * 0.6
    # the formula stays text
    cells = [c for c in items["D"] if c.value == '=HYPERLINK("http://x","点我")']
    assert cells and all(c.data_type == "s" for c in cells)
    # the recused expert wrote no sheet: not in the export
    assert running.conflicted.name not in by_expert
    (line,) = list(summary.iter_rows(min_row=2, values_only=True))
    assert line[1] == running.dossiers[0].number
    assert float(line[4]) == 700.0  # consensus at 70 on every item
    assert line[14] is None  # no composite before every weighted stage has a result
    event = AuditEvent.objects.get(action="review.exported")
    assert event.actor == office
    assert event.details == {"export": "scores", "rows": 3 * 23 + 1}
    assert event.target_id == str(running.cycle.pk)


def test_the_ranking_export_has_a_sheet_per_kind(client, auditor, running):
    client.force_login(auditor)
    book = workbook(client.get(reverse("review:ranking-export", args=[running.cycle.pk])))
    assert len(book.worksheets) == 2
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][0] == 1 and rows[0][1] == running.dossiers[0].number
    assert list(book.worksheets[1].iter_rows(min_row=2, values_only=True)) == []
    event = AuditEvent.objects.get(action="review.exported")
    assert event.actor == auditor and event.details["export"] == "ranking"


def test_the_engaged_agency_exports_and_experts_never_do(client, running):
    client.force_login(running.staff)
    assert client.get(reverse("review:scores-export", args=[running.cycle.pk])).status_code == 200
    for expert in [running.leader, running.conflicted, running.outsider]:
        client.force_login(expert.user)
        for name in ("review:scores-export", "review:ranking-export"):
            assert client.get(reverse(name, args=[running.cycle.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="review.exported").count() == 1
