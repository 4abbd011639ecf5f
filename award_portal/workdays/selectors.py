"""Reads of the working-day calendar for pages."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date

from chinese_calendar import get_holiday_detail

from .engine import LIBRARY_YEARS, ScheduleUnknown, WorkdayCalendar
from .models import YearSchedule


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    workday: bool
    kind: str  # "workday", "weekend", "holiday", "makeup"
    name: str = ""


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: str  # "office", "library" or ""
    schedule: YearSchedule | None


def year_status_list(*, calendar: WorkdayCalendar, first: int, last: int) -> list[YearStatus]:
    schedules = {s.year: s for s in YearSchedule.objects.filter(year__range=(first, last))}
    return [
        YearStatus(year=y, source=calendar.source_of_year(y), schedule=schedules.get(y))
        for y in range(last, first - 1, -1)
    ]


def _names(schedule: YearSchedule | None) -> dict[date, str]:
    names: dict[date, str] = {}
    if schedule is not None and schedule.is_confirmed:
        for holiday in schedule.holidays.all():
            day = holiday.start
            while day <= holiday.end:
                names[day] = holiday.name
                day = date.fromordinal(day.toordinal() + 1)
        for makeup in schedule.makeup_days.all():
            names[makeup.date] = makeup.name
    return names


def year_months(*, calendar: WorkdayCalendar, year: int) -> list[tuple[int, list[list[DayCell]]]]:
    """Twelve months of weeks (Monday first). Raises ``ScheduleUnknown`` for an unknown year."""
    if not calendar.knows_year(year):
        raise ScheduleUnknown(year)
    schedule = (
        YearSchedule.objects.filter(year=year).prefetch_related("holidays", "makeup_days").first()
    )
    names = _names(schedule)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(DayCell(day, False, False, "outside"))
                    continue
                workday = calendar.is_workday(day)
                name = names.get(day) or _library_name(day)
                if workday:
                    kind = "makeup" if day.weekday() >= 5 else "workday"
                else:
                    kind = "holiday" if name else "weekend"
                cells.append(DayCell(day, True, workday, kind, name))
            weeks.append(cells)
        months.append((month, weeks))
    return months


LIBRARY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _library_name(day: date) -> str:
    if day.year not in LIBRARY_YEARS:
        return ""
    _is_holiday, name = get_holiday_detail(day)
    return LIBRARY_NAMES.get(name or "", name or "")
