"""The daily reminder sweep (DESIGN §7): before each open deadline, when it is overdue,
and each autumn when next year's holiday schedule is still missing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.documents.chinese import shown_day
from award_portal.notifications.services import notify

from .engine import ScheduleUnknown, WorkdayCalendar
from .models import Deadline, DeadlineStatus, ReminderKind, ReminderSent

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    upcoming: int = 0
    overdue: int = 0
    schedule_missing: int = 0
    skipped: int = 0


def _send_once(*, kind: str, key: str, user, title: str, body: str, url: str) -> bool:
    """Send unless this (kind, key, user) went out before. Safe under retries and
    concurrent sweeps: the unique row is written in the same transaction as the message."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, key=key, user=user)
            notify(user=user, title=title, body=body, url=url)
    except IntegrityError:
        return False
    return True


def deadline_reminders_send(
    *, today: date | None = None, calendar: WorkdayCalendar | None = None
) -> SweepResult:
    """Remind the responsible users ``PORTAL_REMINDER_LEAD_WD`` working days (or fewer)
    before each open deadline, and once when it is overdue; flag overdue deadlines."""
    today = today or timezone.localdate()
    calendar = calendar or WorkdayCalendar.load()
    lead = settings.PORTAL_REMINDER_LEAD_WD
    result = SweepResult()
    # a pending deadline (due date not computable yet) has nothing to remind of
    deadlines = Deadline.objects.filter(
        status=DeadlineStatus.OPEN, due_date__isnull=False
    ).prefetch_related("responsible", "escalate_to")
    for deadline in deadlines:
        key = f"{deadline.pk}:{deadline.due_date.isoformat()}"
        if deadline.due_date < today:
            if deadline.overdue_flagged_at is None:
                Deadline.objects.filter(pk=deadline.pk, overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=timezone.now()
                )
            told = {u.pk: u for u in [*deadline.responsible.all(), *deadline.escalate_to.all()]}
            for user in told.values():
                result.overdue += _send_once(
                    kind=ReminderKind.OVERDUE,
                    key=key,
                    user=user,
                    title=_("Overdue: %(label)s") % {"label": deadline.label},
                    body=_("This was due on %(due)s (24:00) and is still open.")
                    % {"due": shown_day(deadline.due_date)},
                    url=deadline.url,
                )
            continue
        try:
            remaining = calendar.between(today, deadline.due_date)
        except ScheduleUnknown:
            result.skipped += 1
            logger.warning(
                "deadline %s: calendar unknown between %s and %s",
                deadline.pk,
                today,
                deadline.due_date,
            )
            continue
        if remaining > lead:
            continue
        for user in deadline.responsible.all():
            result.upcoming += _send_once(
                kind=ReminderKind.UPCOMING,
                key=key,
                user=user,
                title=_("Due on %(due)s: %(label)s")
                % {"due": shown_day(deadline.due_date), "label": deadline.label},
                body=_("%(n)s working day(s) left; the period ends at 24:00 on %(due)s.")
                % {"n": remaining, "due": shown_day(deadline.due_date)},
                url=deadline.url,
            )
    return result


def schedule_reminders_send(
    *, today: date | None = None, calendar: WorkdayCalendar | None = None
) -> int:
    """From ``PORTAL_SCHEDULE_REMINDER_MONTH`` on, remind the office once a year while
    next year's holiday schedule is neither shipped nor confirmed."""
    today = today or timezone.localdate()
    calendar = calendar or WorkdayCalendar.load()
    year = today.year + 1
    if today.month < settings.PORTAL_SCHEDULE_REMINDER_MONTH or calendar.knows_year(year):
        return 0
    from django.urls import reverse

    sent = 0
    for user in User.objects.filter(groups__name=Role.OFFICE, is_active=True):
        sent += _send_once(
            kind=ReminderKind.SCHEDULE_MISSING,
            key=str(year),
            user=user,
            title=_("Enter the %(year)s holiday schedule") % {"year": year},
            body=_(
                "No deadline in %(year)s can be computed until the State Council notice "
                "on the %(year)s holidays is entered and confirmed."
            )
            % {"year": year},
            url=reverse("workdays:schedule-edit", args=[year]),
        )
    return sent


def reminders_sweep(*, today: date | None = None) -> SweepResult:
    calendar = WorkdayCalendar.load()
    result = deadline_reminders_send(today=today, calendar=calendar)
    result.schedule_missing = schedule_reminders_send(today=today, calendar=calendar)
    return result
