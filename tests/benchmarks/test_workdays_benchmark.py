"""10,000 deadline computations on one loaded calendar (run with `make benchmark`)."""

from datetime import date, timedelta

import pytest

from award_portal.workdays.engine import WorkdayCalendar

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

STARTS = [date(2024, 1, 1) + timedelta(days=i % 900) for i in range(10_000)]
SPANS = (10, 20, 30, 7)


def compute_all(calendar: WorkdayCalendar) -> date:
    last = None
    for index, start in enumerate(STARTS):
        last = calendar.add(start, SPANS[index % 4])
    return last


def test_ten_thousand_deadline_computations(benchmark):
    calendar = WorkdayCalendar.load()
    last = benchmark(compute_all, calendar)
    assert last == calendar.add(STARTS[-1], SPANS[(len(STARTS) - 1) % 4])
