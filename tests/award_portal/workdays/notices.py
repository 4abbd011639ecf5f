"""The State Council notices on public holidays, 2023-2026, typed from the notices
themselves (not from the chinese_calendar package), so the engine is checked against the
official text."""

from datetime import date

from award_portal.workdays.services import HolidayEntry, MakeupEntry

NOTICES = {
    2023: {
        "number": "国办发明电〔2022〕16号",
        "holidays": [
            ("元旦", date(2022, 12, 31), date(2023, 1, 2)),
            ("春节", date(2023, 1, 21), date(2023, 1, 27)),
            ("清明节", date(2023, 4, 5), date(2023, 4, 5)),
            ("劳动节", date(2023, 4, 29), date(2023, 5, 3)),
            ("端午节", date(2023, 6, 22), date(2023, 6, 24)),
            ("中秋节、国庆节", date(2023, 9, 29), date(2023, 10, 6)),
        ],
        "makeup": [
            date(2023, 1, 28),
            date(2023, 1, 29),
            date(2023, 4, 23),
            date(2023, 5, 6),
            date(2023, 6, 25),
            date(2023, 10, 7),
            date(2023, 10, 8),
        ],
    },
    2024: {
        "number": "国办发明电〔2023〕7号",
        "holidays": [
            ("元旦", date(2024, 1, 1), date(2024, 1, 1)),
            ("春节", date(2024, 2, 10), date(2024, 2, 17)),
            ("清明节", date(2024, 4, 4), date(2024, 4, 6)),
            ("劳动节", date(2024, 5, 1), date(2024, 5, 5)),
            ("端午节", date(2024, 6, 10), date(2024, 6, 10)),
            ("中秋节", date(2024, 9, 15), date(2024, 9, 17)),
            ("国庆节", date(2024, 10, 1), date(2024, 10, 7)),
        ],
        "makeup": [
            date(2024, 2, 4),
            date(2024, 2, 18),
            date(2024, 4, 7),
            date(2024, 4, 28),
            date(2024, 5, 11),
            date(2024, 9, 14),
            date(2024, 9, 29),
            date(2024, 10, 12),
        ],
    },
    2025: {
        "number": "国办发明电〔2024〕12号",
        "holidays": [
            ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
            ("春节", date(2025, 1, 28), date(2025, 2, 4)),
            ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
            ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
            ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
            ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8)),
        ],
        "makeup": [
            date(2025, 1, 26),
            date(2025, 2, 8),
            date(2025, 4, 27),
            date(2025, 9, 28),
            date(2025, 10, 11),
        ],
    },
    2026: {
        "number": "国办发明电〔2025〕7号",
        "holidays": [
            ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
            ("春节", date(2026, 2, 15), date(2026, 2, 23)),
            ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
            ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
            ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
            ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
            ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
        ],
        "makeup": [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ],
    },
}


def holiday_entries(year: int) -> list[HolidayEntry]:
    return [HolidayEntry(name, start, end) for name, start, end in NOTICES[year]["holidays"]]


def makeup_entries(year: int) -> list[MakeupEntry]:
    return [MakeupEntry(day) for day in NOTICES[year]["makeup"]]


def days_off(year: int):
    for _name, start, end in NOTICES[year]["holidays"]:
        day = start
        while day <= end:
            yield day
            day = date.fromordinal(day.toordinal() + 1)
