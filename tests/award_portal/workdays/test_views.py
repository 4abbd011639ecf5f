from datetime import date

import pytest
from django.urls import reverse

from award_portal.workdays.engine import WorkdayCalendar
from award_portal.workdays.models import YearSchedule

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PAGES = [
    ("workdays:year-list", []),
    ("workdays:year-calendar", [2026]),
    ("workdays:schedule-edit", [2027]),
]


@pytest.mark.parametrize(("url_name", "args"), PAGES)
@pytest.mark.parametrize(
    ("name", "can_view", "can_edit"),
    [
        ("office", True, True),
        ("auditor", True, False),
        ("expert", False, False),
        ("agency", False, False),
        ("working_group", False, False),
        ("mobiliser", False, False),
        ("applicant", False, False),
        ("anonymous", False, False),
    ],
)
def test_calendar_pages_per_persona(client, persona, url_name, args, name, can_view, can_edit):
    user = persona(name)
    if user:
        client.force_login(user)
    status = client.get(reverse(url_name, args=args)).status_code
    allowed = can_edit if url_name == "workdays:schedule-edit" else can_view
    if allowed:
        assert status == 200
    else:
        assert status == (302 if user is None else 403)


def notice_post(year, holidays, makeups, number="国办发明电〔2026〕测试号", updated_at=""):
    data = {
        "notice_number": number,
        "notice_date": "2026-11-10",
        "notice_url": "",
        "updated_at": updated_at,
        "h-TOTAL_FORMS": str(len(holidays)),
        "h-INITIAL_FORMS": "0",
        "m-TOTAL_FORMS": str(len(makeups)),
        "m-INITIAL_FORMS": "0",
    }
    for i, (name, start, end) in enumerate(holidays):
        data |= {f"h-{i}-name": name, f"h-{i}-start": start, f"h-{i}-end": end}
    for i, day in enumerate(makeups):
        data |= {f"m-{i}-date": day, f"m-{i}-name": ""}
    return data


def test_office_enters_and_confirms_next_year_through_the_pages(client, office):
    client.force_login(office)
    unknown = client.get(reverse("workdays:year-calendar", args=[2027])).content.decode()
    assert "2027年放假安排尚未公布/录入" in unknown
    response = client.post(
        reverse("workdays:schedule-edit", args=[2027]),
        notice_post(
            2027,
            [
                ("元旦", "2027-01-01", "2027-01-03"),
                ("春节", "2027-02-06", "2027-02-14"),
            ],
            ["2027-02-20"],
        ),
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "已保存" in body
    assert "法定节假日" in body  # the statutory-count warning: only two holidays entered
    assert WorkdayCalendar.load().knows_year(2027) is False  # not yet confirmed
    client.post(reverse("workdays:schedule-confirm", args=[2027]))
    assert WorkdayCalendar.load().add(date(2026, 12, 31), 1) == date(2027, 1, 4)
    calendar_page = client.get(reverse("workdays:year-calendar", args=[2027])).content.decode()
    assert 'class="day makeup"' in calendar_page and 'class="day holiday"' in calendar_page


def test_bad_notice_input_gets_messages_and_saves_nothing(client, office):
    client.force_login(office)
    response = client.post(
        reverse("workdays:schedule-edit", args=[2027]),
        notice_post(
            2027,
            [
                ("春节", "2027-02-14", "2027-02-06"),
                ("", "2027-05-01", ""),
            ],
            ["2027-02-17"],
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请同时填写" in body
    assert not YearSchedule.objects.exists()
    response = client.post(
        reverse("workdays:schedule-edit", args=[2027]),
        notice_post(
            2027,
            [
                ("春节", "2027-02-14", "2027-02-06"),
            ],
            ["2027-02-17"],
        ),
    )
    body = response.content.decode()
    assert "早于" in body and "周六或周日" in body
    assert not YearSchedule.objects.exists()


def test_the_office_asks_when_a_period_ends(client, office):
    client.force_login(office)
    page = client.get(reverse("workdays:year-list"), {"start": "2026-09-30", "working_days": 10})
    assert "2026年10月20日" in page.content.decode()
    unknown = client.get(
        reverse("workdays:year-list"), {"start": "2026-12-20", "working_days": 10}
    ).content.decode()
    assert "2027年放假安排尚未公布/录入" in unknown


def test_unknown_year_in_url_is_404(client, office):
    client.force_login(office)
    assert client.get("/office/calendar/1999/").status_code == 404


def test_year_list_query_count_is_constant(client, office, django_assert_max_num_queries):
    client.force_login(office)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("workdays:year-list"))
    YearSchedule.objects.bulk_create(
        [YearSchedule(year=y, notice_number=str(y)) for y in range(2004, 2020)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("workdays:year-list"))


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("workdays:year-list", []),
        ("workdays:year-calendar", [2026]),
        ("workdays:year-calendar", [2027]),
    ],
)
@pytest.mark.parametrize(("name", "can_edit"), [("office", True), ("auditor", False)])
def test_calendar_pages_link_only_what_the_user_may_open(
    client, persona, url_name, args, name, can_edit
):
    from tests.helpers import links_that_refuse

    client.force_login(persona(name))
    page = client.get(reverse(url_name, args=args)).content.decode()
    assert links_that_refuse(client, page) == []
    assert ("/notice/" in page) is can_edit  # the office's way to enter a notice
