from django import template

from ..chinese import chinese_date as _chinese_date
from ..chinese import money as _money
from ..chinese import shown_day, shown_day_end, shown_day_start, shown_moment

register = template.Library()


@register.filter
def chinese_date(value) -> str:
    """二〇二六年十一月二十六日 (official documents)."""
    return _chinese_date(value)


@register.filter
def day(value) -> str:
    """A date on a page: 2026年11月26日 in Chinese, 2026-11-26 in English."""
    return shown_day(value)


@register.filter
def day_start(value) -> str:
    """The start of a period: 2026年11月26日0时 in Chinese, 2026-11-26 00:00 in English."""
    return shown_day_start(value)


@register.filter
def day_end(value) -> str:
    """The end of a period: 2026年11月26日24时 in Chinese, 2026-11-26 24:00 in English."""
    return shown_day_end(value)


@register.filter
def money(value) -> str:
    return _money(value)


@register.filter
def moment(value, arg: str = "") -> str:
    """A time on a page: 2026年11月26日 14:30 in Chinese, 2026-11-26 14:30 in English;
    ``|moment:"seconds"`` adds the seconds."""
    return shown_moment(value, seconds=arg == "seconds")
