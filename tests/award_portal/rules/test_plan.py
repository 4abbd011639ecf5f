import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.rules.plan import cycle_plan
from award_portal.workdays.engine import WorkdayCalendar

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_plan_under_the_2021_edition(edition_2021):
    rows = cycle_plan(
        edition=edition_2021, announcement=date(2026, 5, 6), calendar=WorkdayCalendar.load()
    )
    assert [(r.key, r.end) for r in rows] == [
        ("announcement", date(2026, 5, 6)),
        ("close_applications", date(2026, 5, 19)),  # make-up Saturday May 9 counts
        ("qualification_due", date(2026, 6, 2)),
        ("review_due", date(2026, 7, 1)),  # Dragon Boat Festival Jun 19 skipped
        ("comment_end", date(2026, 8, 12)),
        ("publicity_start", date(2026, 8, 13)),
        ("publicity_end", date(2026, 8, 24)),
    ]
    assert not any(r.is_pending for r in rows)


def test_plan_into_an_unknown_year_is_pending_with_the_reason(edition_2026):
    rows = cycle_plan(
        edition=edition_2026, announcement=date(2026, 11, 2), calendar=WorkdayCalendar.load()
    )
    by_key = {r.key: r for r in rows}
    assert by_key["review_due"].end == date(2026, 12, 28)
    for key in ("comment_end", "publicity_start", "publicity_end"):
        assert by_key[key].end is None
        assert "2027年放假安排尚未公布/录入" in by_key[key].pending


@pytest.mark.parametrize(
    ("name", "expected"),
    [("office", 200), ("auditor", 403), ("expert", 403), ("applicant", 403), ("anonymous", 302)],
)
def test_plan_page_per_persona(client, persona, name, expected, edition_2026):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(reverse("rules:plan")).status_code == expected


def test_plan_page_refuses_an_edition_not_in_force(client, office, edition_2021):
    client.force_login(office)
    page = client.get(
        reverse("rules:plan"), {"edition": edition_2021.pk, "announcement": "2026-11-25"}
    )
    body = page.content.decode()
    assert "不是2026年11月25日" in body
    assert page.context["rows"] is None


def test_plan_page_shows_table_and_timeline(client, office, edition_2021):
    client.force_login(office)
    body = client.get(
        reverse("rules:plan"), {"edition": edition_2021.pk, "announcement": "2026-05-06"}
    ).content.decode()
    assert "2026年8月24日" in body and "<svg" in body and "<rect" in body
    assert f"plan.pdf?edition={edition_2021.pk}&amp;announcement=2026-05-06" in body


def test_plan_pdf_has_chinese_text_and_the_dates(client, office, edition_2021):
    client.force_login(office)
    response = client.get(
        reverse("rules:plan-pdf"), {"edition": edition_2021.pk, "announcement": "2026-05-06"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "二连浩特市市长质量奖" in text
    assert "公示结束" in text and "2026年8月24日" in text.replace("\n", "")
    assert AuditEvent.objects.filter(action=Action.PLAN_EXPORTED).count() == 1


def test_plan_excel_has_the_dates(client, office, edition_2026):
    client.force_login(office)
    response = client.get(
        reverse("rules:plan-xlsx"), {"edition": edition_2026.pk, "announcement": "2026-11-02"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[0][4].date() == date(2026, 11, 2)
    assert rows[3][4].date() == date(2026, 12, 28)
    assert rows[4][4] is None and "2027" in rows[4][5]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://example.invalid","点此")', "+1+1", "-2+3", "@SUM(A1)"]
)
def test_plan_excel_keeps_an_edition_name_that_looks_like_a_formula_as_text(
    client, office, edition_2026, name
):
    """The office types the edition's name; the sheet must never make it a formula."""
    from award_portal.rules.services import edition_update

    edition_update(actor=office, edition=edition_2026, data={"name": name})
    client.force_login(office)
    response = client.get(
        reverse("rules:plan-xlsx"), {"edition": edition_2026.pk, "announcement": "2026-11-02"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet["B1"]
    assert cell.value == name
    assert cell.data_type == "s" and cell.quotePrefix
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)
