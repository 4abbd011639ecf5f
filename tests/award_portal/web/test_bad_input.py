"""No input to the core pages produces a server error, and bad input changes nothing
(issue 7, §4 point 15).

The calendar, the rulebook editions, the cycle plan, the audit trail and the
notifications are walked with what a tampered form or a slip of the keyboard sends: an
impossible hidden timestamp, year 9999, a superscript or a 30-digit id. Each answer is a
page with a message in Chinese (or a redirect with one), never a 5xx, and the database
holds what it held before.
"""

import pytest
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from award_portal.notifications.services import notify
from award_portal.rules.forms import EditionForm
from award_portal.rules.models import RulebookEdition
from award_portal.workdays.models import HolidayRange, MakeupWorkday, YearSchedule

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TAMPERED_TOKENS = ["garbage", "2026-13-45T99:00:00+08:00", "9999-12-31T23:59:59+99:00"]
OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"]
RANGE_MESSAGE = "请填写1900年1月1日至2100年12月31日之间的日期"
STALE_MESSAGE = "表单已过期"


def snapshot():
    return (
        list(YearSchedule.objects.values_list("year", "notice_number", "notice_date")),
        list(HolidayRange.objects.values_list("name", "start", "end")),
        list(MakeupWorkday.objects.values_list("date", "name")),
        list(
            RulebookEdition.objects.order_by("pk").values_list(
                "pk", "name", "effective_from", "effective_until", "publicity_wd", "updated_at"
            )
        ),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        AuditEvent.objects.exclude(action=Action.LOGIN).count(),
    )


def no_server_error(response):
    assert response.status_code < 500, response.status_code
    return response


def edition_post(edition, **changes):
    """What the edition's edit page posts, unchanged but for ``changes``."""
    form = EditionForm(instance=edition)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value is not None and value is not False:
            data[name] = field.widget.format_value(value) if hasattr(value, "year") else value
    data["updated_at"] = edition.updated_at.isoformat()
    return data | changes


def notice_form(**changes):
    return {
        "notice_number": "国办发明电〔2026〕1号",
        "notice_date": "2026-11-10",
        "notice_url": "",
        "updated_at": "",
        "h-TOTAL_FORMS": "0",
        "h-INITIAL_FORMS": "0",
        "m-TOTAL_FORMS": "0",
        "m-INITIAL_FORMS": "0",
    } | changes


@pytest.mark.parametrize("token", TAMPERED_TOKENS)
def test_a_tampered_token_on_the_edition_form_is_a_message(client, office, edition_2026, token):
    client.force_login(office)
    before = snapshot()
    response = no_server_error(
        client.post(
            reverse("rules:edition-edit", args=[edition_2026.pk]),
            edition_post(edition_2026, publicity_wd="9", updated_at=token),
        )
    )
    assert response.status_code == 200 and STALE_MESSAGE in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("token", TAMPERED_TOKENS)
def test_a_tampered_token_on_the_calendar_notice_is_a_message(client, office, token):
    client.force_login(office)
    url = reverse("workdays:schedule-edit", args=[2027])
    client.post(url, notice_form())  # the notice exists; the next post edits it
    before = snapshot()
    response = no_server_error(
        client.post(url, notice_form(notice_number="改过的文号", updated_at=token))
    )
    assert response.status_code == 200 and STALE_MESSAGE in response.content.decode()
    assert snapshot() == before


def test_the_edition_forms_refuse_dates_out_of_range(client, office, edition_2026):
    client.force_login(office)
    before = snapshot()
    for value in OUT_OF_RANGE:
        for field in ("effective_from", "effective_until"):
            response = no_server_error(
                client.post(
                    reverse("rules:edition-edit", args=[edition_2026.pk]),
                    edition_post(edition_2026, **{field: value}),
                )
            )
            assert RANGE_MESSAGE in response.content.decode()
        response = no_server_error(
            client.post(
                reverse("rules:edition-copy", args=[edition_2026.pk]),
                {"name": "再修订", "effective_from": value},
            )
        )
        assert RANGE_MESSAGE in response.content.decode()
    assert snapshot() == before


def test_the_calendar_notice_refuses_dates_out_of_range(client, office):
    client.force_login(office)
    url = reverse("workdays:schedule-edit", args=[2027])
    before = snapshot()
    for value in OUT_OF_RANGE:
        for data in (
            notice_form(notice_date=value),
            notice_form(
                **{"h-TOTAL_FORMS": "1", "h-0-name": "元旦", "h-0-start": value, "h-0-end": value}
            ),
            notice_form(**{"m-TOTAL_FORMS": "1", "m-0-date": value, "m-0-name": "春节"}),
        ):
            response = no_server_error(client.post(url, data))
            assert RANGE_MESSAGE in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("value", [*OUT_OF_RANGE, "2026-02-30", "２０２６-０６-０２"])
def test_the_calendar_box_refuses_dates_out_of_range(client, office, value):
    client.force_login(office)
    page = no_server_error(
        client.get(reverse("workdays:year-list"), {"start": value, "working_days": "5"})
    )
    assert page.status_code == 200
    assert "answer" not in page.context


def test_the_calendar_box_answers_at_the_edges_of_the_range(client, office):
    """The last and first dates the box accepts: a message that the year is unknown,
    never an overflow while counting."""
    client.force_login(office)
    for start in ("2100-12-31", "1900-01-01"):
        page = no_server_error(
            client.get(reverse("workdays:year-list"), {"start": start, "working_days": "400"})
        )
        assert "放假安排尚未公布/录入" in page.content.decode()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_the_plan_refuses_dates_out_of_range(client, office, edition_2026, value):
    client.force_login(office)
    before = snapshot()
    query = {"edition": edition_2026.pk, "announcement": value}
    page = no_server_error(client.get(reverse("rules:plan"), query))
    assert RANGE_MESSAGE in page.content.decode() and page.context["rows"] is None
    for name in ("rules:plan-pdf", "rules:plan-xlsx"):
        response = no_server_error(client.get(reverse(name), query, follow=True))
        assert response.redirect_chain[-1][0].startswith(reverse("rules:plan"))
    assert snapshot() == before  # no export recorded


def test_the_plan_at_the_last_date_of_the_range_is_pending_not_an_error(
    client, office, edition_2026
):
    client.force_login(office)
    query = {"edition": edition_2026.pk, "announcement": "2100-12-31"}
    page = no_server_error(client.get(reverse("rules:plan"), query))
    assert "2101年放假安排尚未公布/录入" in page.content.decode()
    no_server_error(client.get(reverse("rules:plan-xlsx"), query))


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_the_audit_filter_refuses_dates_out_of_range(client, office, value):
    client.force_login(office)
    for name in (
        "audit:auditevent-list",
        "audit:auditevent-export",
        "audit:auditevent-export-xlsx",
    ):
        no_server_error(client.get(reverse(name), {"since": value, "until": value}))
    page = client.get(reverse("audit:auditevent-list"), {"until": value})
    assert RANGE_MESSAGE in page.content.decode()


@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999", "-1", "0", "1e3", "x"])
def test_a_hostile_notification_id_marks_nothing_read(client, expert, value):
    mine = notify(user=expert, title="评审任务", email=False)
    client.force_login(expert)
    before = snapshot()
    response = no_server_error(client.post(reverse("notifications:read"), {"id": value}))
    assert response.status_code == 302
    assert snapshot() == before
    mine.refresh_from_db()
    assert mine.read_at is None
    client.post(reverse("notifications:read"), {"id": str(mine.pk)})
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/rules/99999999999999999999/",
        "/rules/99999999999999999999/edit/",
        "/rules/99999999999999999999/copy/",
        "/accounts/staff/99999999999999999999/deactivate/",
        "/accounts/staff/99999999999999999999/reactivate/",
    ],
)
def test_huge_ids_in_core_paths_are_404s(client, office, url):
    client.force_login(office)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert snapshot() == before
