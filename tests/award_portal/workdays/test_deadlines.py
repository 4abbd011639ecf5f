import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import Deadline, DeadlineStatus
from award_portal.workdays.reminders import (
    deadline_reminders_send,
    reminders_sweep,
    schedule_reminders_send,
)
from award_portal.workdays.services import (
    deadline_close,
    deadline_create,
    deadlines_recheck,
    schedule_confirm,
    schedule_save,
)

from .notices import holiday_entries, makeup_entries

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def qualification_deadline(office, start=date(2026, 6, 15), n=10):
    return deadline_create(
        kind="qualification_check",
        label="资格审查：测试组织",
        start_date=start,
        working_days=n,
        responsible=[office],
        url="/office/",
    )


def test_a_deadline_keeps_its_date_and_the_calendar_fingerprint(office):
    deadline = qualification_deadline(office)
    # Jun 16, 17, 18 | 19-21 Dragon Boat | 22-26 | 29, 30
    assert deadline.due_date == date(2026, 6, 30)
    assert deadline.fingerprint == WorkdayCalendar.load().fingerprint


def test_a_deadline_in_an_unknown_year_is_refused_not_guessed(office):
    with pytest.raises(ScheduleUnknown):
        qualification_deadline(office, start=date(2026, 12, 21))
    assert not Deadline.objects.exists()


def correct_dragon_boat(office):
    holidays = holiday_entries(2026)
    holidays[4] = holidays[4].__class__("端午节", date(2026, 6, 19), date(2026, 6, 22))
    schedule_save(
        actor=office,
        year=2026,
        notice_number="更正",
        notice_date=None,
        notice_url="",
        holidays=holidays,
        makeup_days=makeup_entries(2026),
    )
    schedule_confirm(actor=office, year=2026)


def test_recheck_lists_then_applies_moved_deadlines_and_notifies(office, expert):
    moved = qualification_deadline(office)
    unmoved = deadline_create(
        kind="x",
        label="不受影响",
        start_date=date(2026, 7, 1),
        working_days=3,
        responsible=[expert],
    )
    correct_dragon_boat(office)

    dry = deadlines_recheck()
    assert [(c.deadline.pk, c.old_due, c.new_due) for c in dry] == [
        (moved.pk, date(2026, 6, 30), date(2026, 7, 1))
    ]
    moved.refresh_from_db()
    assert moved.due_date == date(2026, 6, 30)  # a dry run changes nothing

    out = io.StringIO()
    call_command("workdays", "recheck", "--apply", stdout=out)
    assert "2026-06-30 -> 2026-07-01" in out.getvalue()
    moved.refresh_from_db()
    unmoved.refresh_from_db()
    fingerprint = WorkdayCalendar.load().fingerprint
    assert moved.due_date == date(2026, 7, 1) and moved.fingerprint == fingerprint
    assert unmoved.fingerprint == fingerprint
    assert Notification.objects.filter(user=office, title__contains="期限已调整").count() == 1
    assert not Notification.objects.filter(user=expert).exists()
    assert AuditEvent.objects.filter(action=Action.DEADLINES_RECHECKED).count() == 1
    assert deadlines_recheck() == []


def test_reminder_goes_out_once_before_the_deadline(office):
    qualification_deadline(office)  # due 2026-06-30
    assert deadline_reminders_send(today=date(2026, 6, 25)).upcoming == 0  # 3 wd left
    first = deadline_reminders_send(today=date(2026, 6, 26))  # 2 wd left
    second = deadline_reminders_send(today=date(2026, 6, 26))
    third = deadline_reminders_send(today=date(2026, 6, 29))
    assert (first.upcoming, second.upcoming, third.upcoming) == (1, 0, 0)
    assert Notification.objects.filter(user=office).count() == 1
    assert [m.to for m in mail.outbox] == [[office.email]]
    assert "2026年6月30日" in mail.outbox[0].subject


def test_overdue_is_flagged_and_told_once(office):
    deadline = qualification_deadline(office)
    reminders_sweep(today=date(2026, 7, 1))
    reminders_sweep(today=date(2026, 7, 2))
    deadline.refresh_from_db()
    assert deadline.overdue_flagged_at is not None
    assert Notification.objects.filter(user=office, title__startswith="已逾期").count() == 1


def test_a_closed_deadline_sends_nothing(office):
    deadline_close(deadline=qualification_deadline(office))
    assert Deadline.objects.get().status == DeadlineStatus.MET
    assert deadline_reminders_send(today=date(2026, 6, 29)).upcoming == 0
    assert not Notification.objects.exists()


def test_office_is_reminded_in_november_when_next_year_is_missing(office, auditor):
    assert schedule_reminders_send(today=date(2026, 10, 30)) == 0
    assert schedule_reminders_send(today=date(2026, 11, 2)) == 1
    assert schedule_reminders_send(today=date(2026, 11, 3)) == 0  # once a year
    assert Notification.objects.get(user=office).url == "/office/calendar/2027/notice/"
    assert not Notification.objects.filter(user=auditor).exists()
    assert schedule_reminders_send(today=date(2025, 11, 2)) == 0  # 2026 is known


def test_command_line_answers_and_refusals():
    out = io.StringIO()
    call_command("workdays", "add", "2026-09-30", "10", stdout=out)
    call_command("workdays", "between", "2026-09-30", "2026-10-20", stdout=out)
    call_command("workdays", "is", "2026-10-10", stdout=out)
    call_command("workdays", "is", "2026-10-05", stdout=out)
    call_command("workdays", "next", "2026-10-01", stdout=out)
    assert out.getvalue().split() == ["2026-10-20", "10", "yes", "no", "2026-10-08"]
    with pytest.raises(CommandError, match="2027") as caught:
        call_command("workdays", "add", "2026-12-20", "10")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "is", "2026-02-30")
