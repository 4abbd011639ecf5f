"""Statutory holiday days per year (全国年节及纪念日放假办法), used only to warn the
office when an entered notice looks wrong. This is national law, not the award's Measures.

2008-2024: 11 days. From 2025 (State Council decree No. 795 of 2024): 13 days (Spring
Festival eve and May 2 added).
"""

STATUTORY_DAYS = [(2025, 13), (2008, 11)]


def statutory_holiday_days(year: int) -> int | None:
    for since, days in STATUTORY_DAYS:
        if year >= since:
            return days
    return None
