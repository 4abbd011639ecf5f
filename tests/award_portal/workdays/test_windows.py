"""Periods of N working days (DESIGN §5): opened at 00:00 or by a publication."""

from datetime import date

import pytest

from award_portal.workdays.engine import WorkdayCalendar

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def calendar(db):
    return WorkdayCalendar.load()


def test_a_period_opened_at_midnight_of_a_working_day_counts_that_day(calendar):
    # 2026-06-01 is a Monday: day 1 is the Monday itself, day 5 the Friday
    window = calendar.window(date(2026, 6, 1), 5, at_midnight=True)
    assert (window.first, window.last) == (date(2026, 6, 1), date(2026, 6, 5))


def test_a_period_opened_by_a_publication_counts_from_the_next_day(calendar):
    window = calendar.window(date(2026, 6, 1), 5, at_midnight=False)
    assert (window.first, window.last) == (date(2026, 6, 2), date(2026, 6, 8))


def test_a_midnight_period_on_a_rest_day_starts_on_the_next_working_day(calendar):
    # 2026-10-01 to 10-07 are the National Day holiday: day 1 is Thursday 10-08
    window = calendar.window(date(2026, 10, 1), 1, at_midnight=True)
    assert window.last == date(2026, 10, 8)


def test_seven_working_days_of_publicity_around_a_make_up_saturday(calendar):
    # published during Friday 2026-09-18, counted from the 19th: Sunday 09-20 is a
    # make-up working day (1), 21-24 (2-5), 25-27 Mid-autumn off, 28 (6), 29 (7)
    window = calendar.window(date(2026, 9, 18), 7, at_midnight=False)
    assert window.first == date(2026, 9, 19)
    assert window.last == date(2026, 9, 29)


def test_at_least_one_working_day(calendar):
    with pytest.raises(ValueError):
        calendar.window(date(2026, 6, 1), 0, at_midnight=True)
