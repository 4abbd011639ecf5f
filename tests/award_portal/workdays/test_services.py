from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.workdays.models import YearSchedule
from award_portal.workdays.services import (
    HolidayEntry,
    MakeupEntry,
    schedule_confirm,
    schedule_save,
    schedule_validate,
)

from .notices import holiday_entries, makeup_entries

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_make_up_day_on_a_weekday_is_refused():
    with pytest.raises(ValidationError, match="周六或周日"):
        schedule_validate(year=2027, holidays=[], makeup_days=[MakeupEntry(date(2027, 2, 17))])


def test_reversed_and_overlapping_ranges_are_refused():
    with pytest.raises(ValidationError) as caught:
        schedule_validate(
            year=2027,
            holidays=[
                HolidayEntry("春节", date(2027, 2, 14), date(2027, 2, 6)),
                HolidayEntry("元旦", date(2027, 1, 1), date(2027, 1, 3)),
                HolidayEntry("测试", date(2027, 1, 2), date(2027, 1, 4)),
            ],
            makeup_days=[],
        )
    messages = " ".join(caught.value.messages)
    assert "早于" in messages and "重叠" in messages


def test_make_up_day_inside_a_holiday_is_refused():
    with pytest.raises(ValidationError):
        schedule_validate(
            year=2027,
            holidays=[HolidayEntry("春节", date(2027, 2, 6), date(2027, 2, 14))],
            makeup_days=[MakeupEntry(date(2027, 2, 13))],
        )


def test_statutory_count_mismatch_is_a_warning_not_an_error():
    holidays = holiday_entries(2026)[:-1]  # National Day forgotten
    warnings = schedule_validate(year=2026, holidays=holidays, makeup_days=makeup_entries(2026))
    assert len(warnings) == 1 and "13" in warnings[0]


def test_save_and_confirm_are_audited_and_confirm_is_idempotent(office):
    schedule, warnings = schedule_save(
        actor=office,
        year=2026,
        notice_number="国办发明电〔2025〕7号",
        notice_date=date(2025, 11, 4),
        notice_url="",
        holidays=holiday_entries(2026),
        makeup_days=makeup_entries(2026),
    )
    assert warnings == []
    assert schedule.holidays.count() == 7 and schedule.makeup_days.count() == 6
    schedule_confirm(actor=office, year=2026)
    schedule_confirm(actor=office, year=2026)
    assert AuditEvent.objects.filter(action=Action.SCHEDULE_SAVED).count() == 1
    assert AuditEvent.objects.filter(action=Action.SCHEDULE_CONFIRMED).count() == 1


def test_confirm_needs_a_notice_number_and_holidays(office):
    schedule_save(
        actor=office,
        year=2027,
        notice_number="",
        notice_date=None,
        notice_url="",
        holidays=[],
        makeup_days=[],
    )
    with pytest.raises(ValidationError):
        schedule_confirm(actor=office, year=2027)
    assert YearSchedule.objects.get(year=2027).confirmed_at is None


def test_a_stale_form_does_not_overwrite_a_newer_save(office):
    schedule, _ = schedule_save(
        actor=office,
        year=2027,
        notice_number="A",
        notice_date=None,
        notice_url="",
        holidays=[],
        makeup_days=[],
    )
    opened_at = schedule.updated_at
    schedule_save(
        actor=office,
        year=2027,
        notice_number="B",
        notice_date=None,
        notice_url="",
        holidays=[],
        makeup_days=[],
        expected_updated_at=opened_at,
    )
    with pytest.raises(ValidationError, match="其他人"):
        schedule_save(
            actor=office,
            year=2027,
            notice_number="C",
            notice_date=None,
            notice_url="",
            holidays=[],
            makeup_days=[],
            expected_updated_at=opened_at,
        )
    assert YearSchedule.objects.get(year=2027).notice_number == "B"


@pytest.mark.parametrize("name", ["auditor", "expert", "applicant"])
def test_only_the_office_enters_schedules(persona, name):
    with pytest.raises(PermissionDenied):
        schedule_save(
            actor=persona(name),
            year=2027,
            notice_number="x",
            notice_date=None,
            notice_url="",
            holidays=[],
            makeup_days=[],
        )
    assert not YearSchedule.objects.exists()


def test_dates_far_from_the_year_are_refused():
    with pytest.raises(ValidationError):
        schedule_validate(
            year=2027,
            holidays=[
                HolidayEntry("国庆节", date(2028, 10, 1), date(2028, 10, 1) + timedelta(days=6))
            ],
            makeup_days=[],
        )
