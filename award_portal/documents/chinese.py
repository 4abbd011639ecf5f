"""Chinese forms of dates and amounts, as official documents and pages print them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

_DIGITS = "〇一二三四五六七八九"


def _small(number: int) -> str:
    """1-31 in Chinese numerals (十, 十一, 二十, 三十一)."""
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十"
    if ones or not tens:
        text += _DIGITS[ones]
    return text


def chinese_date(day: date | datetime | None) -> str:
    """``二〇二六年十一月二十六日``: the date of an official document (GB/T 9704 7.3.5.3)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        from django.utils import timezone

        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_small(day.month)}月{_small(day.day)}日"


def page_date(day: date | datetime | None) -> str:
    """``2026年11月26日``: a date on a page or in an e-mail (Arabic numerals)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        from django.utils import timezone

        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def page_moment(moment: datetime | None, *, seconds: bool = False) -> str:
    """``2026年11月26日 14:30``: a date and time on a page or in an e-mail (local time);
    ``2026年11月26日 14:30:05`` with the seconds."""
    if moment is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{page_date(moment.date())} {clock}"


def page_day_end(day: date | datetime | None) -> str:
    """``2026年11月26日24时``: the end of a period, at 24:00 of its last day."""
    if day is None:
        return ""
    return f"{page_date(day)}24时"


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("en")


def _local(value: date | datetime) -> date | datetime:
    from django.utils import timezone

    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def shown_day(day: date | datetime | None) -> str:
    """A date for the reader: 2026年11月26日 in Chinese, 2026-11-26 in English."""
    if not day:
        return ""
    if _english():
        return _local(day).strftime("%Y-%m-%d")
    return page_date(day)


def shown_moment(moment: datetime | None, *, seconds: bool = False) -> str:
    """A time for the reader: 2026年11月26日 14:30 in Chinese, 2026-11-26 14:30 in English
    (with ``:05`` when ``seconds``)."""
    if not moment:
        return ""
    if _english():
        return _local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return page_moment(moment, seconds=seconds)


def shown_day_start(day: date | datetime | None) -> str:
    """The start of a period's first day: 2026年11月26日0时 in Chinese, 2026-11-26 00:00 in
    English."""
    if not day:
        return ""
    if _english():
        return f"{shown_day(day)} 00:00"
    return f"{page_date(day)}0时"


def shown_day_end(day: date | datetime | None) -> str:
    """The end of a period's last day: 2026年11月26日24时 in Chinese, 2026-11-26 24:00 in
    English."""
    if not day:
        return ""
    if _english():
        return f"{shown_day(day)} 24:00"
    return page_day_end(day)


def money(amount: int | Decimal | None) -> str:
    """``200,000``: an amount with thousands separators (and cents when it has them)."""
    if amount is None:
        return ""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"
