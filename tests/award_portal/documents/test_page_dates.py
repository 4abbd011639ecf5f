"""One helper for a date, a time and the end of a period as a person reads them:
2026年12月1日, 2026年12月1日 14:30, 2026年12月25日24时 in Chinese; ISO in English."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from award_portal.documents.chinese import (
    page_day_end,
    page_moment,
    shown_day,
    shown_day_end,
    shown_day_start,
    shown_moment,
)

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def test_chinese_forms():
    moment = datetime(2026, 12, 1, 6, 30, 5, tzinfo=UTC)  # 14:30:05 in Beijing
    assert page_moment(moment) == "2026年12月1日 14:30"
    assert page_moment(moment, seconds=True) == "2026年12月1日 14:30:05"
    assert page_day_end(date(2026, 12, 25)) == "2026年12月25日24时"
    with translation.override("zh-hans"):
        assert shown_day(date(2026, 12, 1)) == "2026年12月1日"
        assert shown_moment(moment) == "2026年12月1日 14:30"
        assert shown_day_end(date(2026, 12, 25)) == "2026年12月25日24时"
        assert shown_day_start(date(2026, 12, 1)) == "2026年12月1日0时"
    assert page_moment(None) == page_day_end(None) == shown_day(None) == ""


def test_english_keeps_iso():
    moment = datetime(2026, 12, 1, 14, 30, 5, tzinfo=SH)
    with translation.override("en"):
        assert shown_day(date(2026, 12, 1)) == "2026-12-01"
        assert shown_moment(moment) == "2026-12-01 14:30"
        assert shown_moment(moment, seconds=True) == "2026-12-01 14:30:05"
        assert shown_day_end(date(2026, 12, 25)) == "2026-12-25 24:00"
        assert shown_day_start(date(2026, 12, 1)) == "2026-12-01 00:00"


def test_the_template_filters_use_the_same_helpers():
    template = Template(
        "{% load official %}{{ d|day }}|{{ d|day_end }}|{{ m|moment }}|{{ m|moment:'seconds' }}"
    )
    context = Context({"d": date(2026, 12, 25), "m": datetime(2026, 12, 1, 14, 30, 5, tzinfo=SH)})
    with translation.override("zh-hans"):
        assert template.render(context) == (
            "2026年12月25日|2026年12月25日24时|2026年12月1日 14:30|2026年12月1日 14:30:05"
        )
    with translation.override("en"):
        assert template.render(context) == (
            "2026-12-25|2026-12-25 24:00|2026-12-01 14:30|2026-12-01 14:30:05"
        )
