from datetime import date, timedelta

import pytest

from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.services import schedule_confirm, schedule_save, schedule_validate

from .notices import NOTICES, days_off, holiday_entries, makeup_entries

pytestmark = pytest.mark.unit

LIBRARY = WorkdayCalendar()  # the shipped data only, no office overrides


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_official_schedule_days_off_and_make_up_days(year):
    for day in days_off(year):
        assert LIBRARY.is_workday(day) is False, day
    for day in NOTICES[year]["makeup"]:
        assert day.weekday() >= 5
        assert LIBRARY.is_workday(day) is True, day


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_official_notice_passes_validation_without_a_warning(year):
    assert (
        schedule_validate(
            year=year, holidays=holiday_entries(year), makeup_days=makeup_entries(year)
        )
        == []
    )


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        (date(2026, 9, 30), 10, date(2026, 10, 20), "across National Day, with make-up 10-10"),
        (date(2026, 10, 3), 1, date(2026, 10, 8), "start on a holiday: first working day after"),
        (date(2026, 10, 9), 1, date(2026, 10, 10), "a make-up Saturday is a working day"),
        (date(2026, 10, 10), 1, date(2026, 10, 12), "start on a make-up Saturday"),
        (date(2025, 12, 30), 3, date(2026, 1, 5), "across the year end and New Year"),
        (date(2022, 12, 30), 1, date(2023, 1, 3), "New Year range starting in the old year"),
        (date(2025, 1, 24), 2, date(2025, 1, 27), "make-up Sunday 2025-01-26 counts"),
        (date(2025, 1, 27), 1, date(2025, 2, 5), "Spring Festival 2025, eve included"),
        (date(2024, 2, 2), 1, date(2024, 2, 4), "make-up Sunday 2024-02-04"),
        (date(2023, 9, 28), 1, date(2023, 10, 7), "Mid-Autumn + National Day 2023"),
    ],
)
def test_add_working_days(start, n, expected, why):
    assert LIBRARY.add(start, n) == expected, why
    assert LIBRARY.between(start, expected) == n


def test_add_is_the_nth_working_day_strictly_after_the_start():
    monday = date(2026, 3, 2)
    assert LIBRARY.add(monday, 1) == date(2026, 3, 3)
    assert LIBRARY.add(monday, 5) == date(2026, 3, 9)
    with pytest.raises(ValueError):
        LIBRARY.add(monday, 0)


def test_between_and_add_agree_on_every_start_day_of_2024_to_2026():
    day = date(2024, 1, 1)
    while day < date(2026, 11, 1):
        for n in (1, 7, 10, 20):
            assert LIBRARY.between(day, LIBRARY.add(day, n)) == n, day
        day += timedelta(days=3)


def test_next_workday_and_on_or_after():
    assert LIBRARY.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert LIBRARY.workday_on_or_after(date(2026, 10, 10)) == date(2026, 10, 10)
    assert LIBRARY.workday_on_or_after(date(2026, 10, 11)) == date(2026, 10, 12)


def test_unknown_year_raises_naming_the_year_in_both_languages():
    with pytest.raises(ScheduleUnknown) as caught:
        LIBRARY.add(date(2026, 12, 20), 10)
    assert caught.value.year == 2027
    assert "2027年放假安排尚未公布/录入" in str(caught.value)
    assert "The 2027 holiday schedule has not been published or entered yet" in str(caught.value)
    with pytest.raises(ScheduleUnknown):
        LIBRARY.is_workday(date(2003, 6, 2))


@pytest.mark.django_db
def test_a_confirmed_office_schedule_wins_over_the_library(office):
    assert LIBRARY.is_workday(date(2026, 6, 22)) is True
    holidays = holiday_entries(2026)
    holidays[4] = holidays[4].__class__("端午节", date(2026, 6, 19), date(2026, 6, 22))
    schedule_save(
        actor=office,
        year=2026,
        notice_number="测试更正",
        notice_date=None,
        notice_url="",
        holidays=holidays,
        makeup_days=makeup_entries(2026),
    )
    draft = WorkdayCalendar.load()
    assert draft.is_workday(date(2026, 6, 22)) is True  # a draft changes nothing
    schedule_confirm(actor=office, year=2026)
    confirmed = WorkdayCalendar.load()
    assert confirmed.is_workday(date(2026, 6, 22)) is False
    assert confirmed.fingerprint != draft.fingerprint
    assert confirmed.source_of_year(2026) == "office"


@pytest.mark.django_db
def test_an_office_confirmed_year_the_library_lacks_becomes_computable(office):
    with pytest.raises(ScheduleUnknown):
        WorkdayCalendar.load().add(date(2026, 12, 28), 5)
    from award_portal.workdays.services import HolidayEntry, MakeupEntry

    schedule_save(
        actor=office,
        year=2027,
        notice_number="国办发明电〔2026〕测试号",
        notice_date=None,
        notice_url="",
        holidays=[
            HolidayEntry("元旦", date(2027, 1, 1), date(2027, 1, 3)),
            HolidayEntry("春节", date(2027, 2, 6), date(2027, 2, 14)),
        ],
        makeup_days=[MakeupEntry(date(2027, 2, 20))],
    )
    schedule_confirm(actor=office, year=2027)
    calendar = WorkdayCalendar.load()
    # Dec 29, 30, 31; Jan 1-3 off; Jan 4, 5
    assert calendar.add(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert calendar.is_workday(date(2027, 2, 20)) is True  # make-up Saturday
    assert calendar.is_workday(date(2027, 2, 10)) is False
    assert calendar.is_workday(date(2027, 3, 6)) is False  # ordinary Saturday
