"""The working-day calendar (DESIGN §5).

A ``WorkdayCalendar`` is a snapshot: the ``chinese_calendar`` data with the office's
confirmed year schedules in front of it. Load one (two queries) and use it for as many
computations as you like; build a new one to see later edits.

Counting rules:

- ``add(d, n)``: the n-th working day strictly after ``d`` (the start day is not counted,
  Civil Code art. 201); the period ends at 24:00 Asia/Shanghai of that day.
- ``between(a, b)``: the number of working days ``w`` with ``a < w <= b``; so
  ``between(a, add(a, n)) == n``.
- A date in a year that neither the library nor a confirmed office schedule covers has no
  answer: ``ScheduleUnknown`` is raised, naming the year. Nothing guesses.

``chinese_calendar.find_workday`` is deliberately not used: it is one day late when the
start is a rest day.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version

import chinese_calendar
from chinese_calendar import constants as library
from django.utils import translation
from django.utils.translation import gettext

LIBRARY_VERSION = version("chinesecalendar")
LIBRARY_YEARS = frozenset(d.year for d in library.holidays) | frozenset(
    d.year for d in library.workdays
)
# A year the library knows only through a New Year range reaching back into it (e.g.
# 2026-12-31 of the 2027 notice) is not covered: require its own spring festival.
LIBRARY_YEARS = frozenset(
    year
    for year in LIBRARY_YEARS
    if any(d.year == year and d.month in (1, 2, 3) for d in library.holidays)
)


class ScheduleUnknown(Exception):
    """The holiday schedule of ``year`` is neither in the library nor confirmed."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(self.bilingual)

    @property
    def message(self) -> str:
        """In the active language."""
        return gettext("The %(year)s holiday schedule has not been published or entered yet.") % {
            "year": self.year
        }

    @property
    def bilingual(self) -> str:
        with translation.override("zh-hans"):
            chinese = self.message
        with translation.override("en"):
            english = self.message
        return f"{chinese} / {english}"


@dataclass(frozen=True)
class Window:
    """A period from 00:00 of ``first`` to 24:00 of ``last`` (Asia/Shanghai)."""

    first: date
    last: date
    working_days: int


@dataclass(frozen=True)
class WorkdayCalendar:
    """A snapshot of the official calendar with the office's overrides in front of it."""

    overrides: dict[date, bool] = field(default_factory=dict)  # True = working day
    confirmed_years: frozenset[int] = frozenset()
    # answers already worked out for this snapshot (the snapshot never changes)
    _memo: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls) -> WorkdayCalendar:
        from .models import HolidayRange, MakeupWorkday, YearSchedule

        confirmed = frozenset(
            YearSchedule.objects.filter(confirmed_at__isnull=False).values_list("year", flat=True)
        )
        overrides: dict[date, bool] = {}
        for start, end in HolidayRange.objects.filter(
            schedule__confirmed_at__isnull=False
        ).values_list("start", "end"):
            day = start
            while day <= end:
                overrides[day] = False
                day += timedelta(days=1)
        for day in MakeupWorkday.objects.filter(schedule__confirmed_at__isnull=False).values_list(
            "date", flat=True
        ):
            overrides[day] = True
        return cls(overrides=overrides, confirmed_years=confirmed)

    # --- what is known -----------------------------------------------------------------
    def knows_year(self, year: int) -> bool:
        return year in self.confirmed_years or year in LIBRARY_YEARS

    def source_of_year(self, year: int) -> str:
        if year in self.confirmed_years:
            return "office"
        if year in LIBRARY_YEARS:
            return "library"
        return ""

    @property
    def fingerprint(self) -> str:
        """Changes whenever any answer of this calendar could change."""
        payload = {
            "library": LIBRARY_VERSION,
            "confirmed": sorted(self.confirmed_years),
            "overrides": sorted((d.isoformat(), w) for d, w in self.overrides.items()),
        }
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()

    # --- questions -----------------------------------------------------------------------
    def is_workday(self, day: date) -> bool:
        answer = self._memo.get(day)
        if answer is None:
            answer = self._memo[day] = self._is_workday(day)
        return answer

    def _is_workday(self, day: date) -> bool:
        if not self.knows_year(day.year):
            raise ScheduleUnknown(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if day.year in LIBRARY_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5  # an office-confirmed year: its overrides are above

    def add(self, start: date, working_days: int) -> date:
        """The ``working_days``-th working day strictly after ``start``."""
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        day, counted = start, 0
        while counted < working_days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days ``w`` with ``start < w <= end`` (negative when end < start)."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def window(self, opened: date, working_days: int, *, at_midnight: bool) -> Window:
        """A period of ``working_days`` working days, with its first and last day.

        ``at_midnight``: the office scheduled the period to open at 00:00 of ``opened``;
        that day counts as day 1 when it is a working day (otherwise the first working
        day after it does). Otherwise the period was opened by a publication during the
        day ``opened`` and is counted from the next day (Civil Code art. 201). Either way
        it ends at 24:00 of ``last``; pages print both dates.
        """
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        if at_midnight:
            return Window(opened, self.add(opened - timedelta(days=1), working_days), working_days)
        return Window(opened + timedelta(days=1), self.add(opened, working_days), working_days)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add(day, 1)

    def workday_on_or_after(self, day: date) -> date:
        return day if self.is_workday(day) else self.next_workday(day)
