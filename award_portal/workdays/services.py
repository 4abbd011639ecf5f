"""Writes of the working-day calendar: year schedules and stored deadlines."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day

from .engine import WorkdayCalendar
from .models import Deadline, DeadlineStatus, HolidayRange, MakeupWorkday, YearSchedule
from .statutory import statutory_holiday_days


@dataclass(frozen=True)
class HolidayEntry:
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class MakeupEntry:
    date: date
    name: str = ""


def _require_office(actor) -> None:
    if not actor.has_perm("workdays.change_yearschedule"):
        raise PermissionDenied


def schedule_validate(
    *, year: int, holidays: list[HolidayEntry], makeup_days: list[MakeupEntry]
) -> list[str]:
    """Check a notice before it is saved. Raises ``ValidationError`` with every problem;
    returns warnings (the statutory count) that do not stop saving."""
    errors: list[str] = []
    earliest, latest = date(year - 1, 12, 1), date(year + 1, 1, 31)
    for entry in holidays:
        if entry.end < entry.start:
            errors.append(
                _("%(name)s: the last day off (%(end)s) is before the first (%(start)s).")
                % {"name": entry.name, "start": shown_day(entry.start), "end": shown_day(entry.end)}
            )
        if entry.start < earliest or entry.end > latest:
            errors.append(
                _("%(name)s: dates must lie between %(earliest)s and %(latest)s.")
                % {
                    "name": entry.name,
                    "earliest": shown_day(earliest),
                    "latest": shown_day(latest),
                }
            )
        if (entry.end - entry.start).days > 14:
            errors.append(
                _("%(name)s: a holiday longer than 15 days is not plausible.")
                % {"name": entry.name}
            )
    ordered = sorted(holidays, key=lambda h: h.start)
    for first, second in itertools.pairwise(ordered):
        if second.start <= first.end:
            errors.append(
                _("%(first)s and %(second)s overlap.")
                % {"first": first.name, "second": second.name}
            )
    seen: set[date] = set()
    for makeup in makeup_days:
        if makeup.date in seen:
            errors.append(_("%(date)s is entered twice.") % {"date": shown_day(makeup.date)})
        seen.add(makeup.date)
        if makeup.date.weekday() < 5:
            errors.append(
                _("%(date)s is a weekday; a make-up working day is always a Saturday or Sunday.")
                % {"date": shown_day(makeup.date)}
            )
        if makeup.date < earliest or makeup.date > latest:
            errors.append(
                _("Make-up day %(date)s must lie between %(earliest)s and %(latest)s.")
                % {
                    "date": shown_day(makeup.date),
                    "earliest": shown_day(earliest),
                    "latest": shown_day(latest),
                }
            )
        if any(h.start <= makeup.date <= h.end for h in holidays):
            errors.append(
                _("%(date)s is inside a holiday and cannot also be a working day.")
                % {"date": shown_day(makeup.date)}
            )
    if errors:
        raise ValidationError(errors)
    warnings = []
    statutory = statutory_holiday_days(year)
    rest_weekdays = sum(
        1
        for h in holidays
        for offset in range((h.end - h.start).days + 1)
        if (h.start + timedelta(days=offset)).weekday() < 5
    )
    net = rest_weekdays - len(makeup_days)
    if statutory is not None and net != statutory:
        warnings.append(
            _(
                "The notice gives %(net)s rest weekdays net of make-up days "
                "(%(rest)s weekdays off, %(makeup)s make-up days), but the law provides "
                "%(statutory)s holiday days in %(year)s. Check the dates against the notice."
            )
            % {
                "net": net,
                "rest": rest_weekdays,
                "makeup": len(makeup_days),
                "statutory": statutory,
                "year": year,
            }
        )
    return warnings


@transaction.atomic
def schedule_save(
    *,
    actor,
    year: int,
    notice_number: str,
    notice_date: date | None,
    notice_url: str,
    holidays: list[HolidayEntry],
    makeup_days: list[MakeupEntry],
    request: HttpRequest | None = None,
    expected_updated_at=None,
) -> tuple[YearSchedule, list[str]]:
    """Enter or replace a year's notice. Returns the schedule and any warnings.

    A confirmed schedule may be corrected: the correction takes effect at once, and
    ``workdays recheck`` lists the stored deadlines it moves. ``expected_updated_at``
    refuses to overwrite a schedule somebody else saved since the form was opened.

    Side effects, in order: the schedule row, its holiday ranges and make-up days are
    replaced; one ``calendar.schedule_saved`` audit event with the entered data.
    """
    _require_office(actor)
    warnings = schedule_validate(year=year, holidays=holidays, makeup_days=makeup_days)
    schedule = YearSchedule.objects.select_for_update().filter(year=year).first()
    if (
        schedule is not None
        and expected_updated_at is not None
        and schedule.updated_at != expected_updated_at
    ):
        raise ValidationError(
            _(
                "Somebody else changed the %(year)s schedule while you were editing. "
                "Reload the page; your entries were not saved."
            )
            % {"year": year}
        )
    if schedule is None:
        schedule = YearSchedule(year=year)
    schedule.notice_number = notice_number
    schedule.notice_date = notice_date
    schedule.notice_url = notice_url
    schedule.save()
    schedule.holidays.all().delete()
    schedule.makeup_days.all().delete()
    HolidayRange.objects.bulk_create(
        [HolidayRange(schedule=schedule, name=h.name, start=h.start, end=h.end) for h in holidays]
    )
    MakeupWorkday.objects.bulk_create(
        [MakeupWorkday(schedule=schedule, date=m.date, name=m.name) for m in makeup_days]
    )
    audit_record(
        action=Action.SCHEDULE_SAVED,
        actor=actor,
        target=schedule,
        request=request,
        details={
            "year": year,
            "notice_number": notice_number,
            "holidays": [[h.name, h.start.isoformat(), h.end.isoformat()] for h in holidays],
            "makeup_days": [m.date.isoformat() for m in makeup_days],
            "confirmed": schedule.is_confirmed,
        },
    )
    return schedule, warnings


@transaction.atomic
def schedule_confirm(*, actor, year: int, request: HttpRequest | None = None) -> YearSchedule:
    """Confirm a year's schedule: from now on every deadline in that year follows it.

    Side effects, in order: ``confirmed_at``/``confirmed_by`` set; one
    ``calendar.schedule_confirmed`` audit event.
    """
    _require_office(actor)
    schedule = YearSchedule.objects.select_for_update().filter(year=year).first()
    if schedule is None:
        raise ValidationError(_("Enter the %(year)s notice before confirming it.") % {"year": year})
    if not schedule.notice_number:
        raise ValidationError(_("Enter the notice number before confirming the year."))
    if not schedule.holidays.exists():
        raise ValidationError(_("A year's notice always lists holidays; none are entered."))
    if schedule.is_confirmed:
        return schedule
    schedule.confirmed_at = timezone.now()
    schedule.confirmed_by = actor
    schedule.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    resolved = deadlines_resolve_pending()
    audit_record(
        action=Action.SCHEDULE_CONFIRMED,
        actor=actor,
        target=schedule,
        request=request,
        details={"year": year, "pending_deadlines_resolved": [d.pk for d in resolved]},
    )
    return schedule


def deadlines_resolve_pending(*, calendar: WorkdayCalendar | None = None) -> list[Deadline]:
    """Compute the due date of every open pending deadline the calendar can now answer,
    and tell its responsible users the date. Deadlines still in an unknown year stay
    pending. Call inside the transaction that made the calendar known."""
    from award_portal.notifications.services import notify

    from .engine import ScheduleUnknown

    calendar = calendar or WorkdayCalendar.load()
    resolved = []
    pending = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(status=DeadlineStatus.OPEN, due_date__isnull=True)
        .prefetch_related("responsible")
    )
    for deadline in pending:
        try:
            due = calendar.add(deadline.start_date, deadline.working_days)
        except ScheduleUnknown:
            continue
        deadline.due_date = due
        deadline.fingerprint = calendar.fingerprint
        deadline.save(update_fields=["due_date", "fingerprint"])
        resolved.append(deadline)
        for user in deadline.responsible.all():
            notify(
                user=user,
                title=_("Due date set: %(label)s") % {"label": deadline.label},
                body=_(
                    "The holiday schedule is now confirmed: this is due on %(due)s (24:00), "
                    "%(n)s working days counted from %(start)s."
                )
                % {
                    "due": shown_day(due),
                    "n": deadline.working_days,
                    "start": shown_day(deadline.start_date),
                },
                url=deadline.url,
            )
    return resolved


@transaction.atomic
def deadline_create(
    *,
    kind: str,
    label: str,
    start_date: date,
    working_days: int,
    responsible: list,
    subject=None,
    url: str = "",
    calendar: WorkdayCalendar | None = None,
    escalate_to: list | None = None,
    allow_pending: bool = False,
) -> Deadline:
    """Store a deadline ``working_days`` working days after ``start_date``.

    When the date falls in a year whose schedule is unknown, ``ScheduleUnknown`` is
    raised and nothing is stored (the caller shows the message) — unless
    ``allow_pending``: then the deadline is stored without a due date, pending, and
    ``deadlines_resolve_pending`` computes it once the year's schedule is confirmed.
    Nothing is ever stored with a guessed date.
    """
    from .engine import ScheduleUnknown

    calendar = calendar or WorkdayCalendar.load()
    try:
        due_date = calendar.add(start_date, working_days)
    except ScheduleUnknown:
        if not allow_pending:
            raise
        due_date = None
    deadline = Deadline.objects.create(
        kind=kind,
        # built from names people typed; cut to the column rather than failing the change
        label=label[: Deadline._meta.get_field("label").max_length],
        start_date=start_date,
        working_days=working_days,
        due_date=due_date,
        fingerprint=calendar.fingerprint,
        subject=subject,
        url=url,
    )
    deadline.responsible.set(responsible)
    if escalate_to:
        deadline.escalate_to.set(escalate_to)
    return deadline


def deadline_close_for(*, subject, kind: str, status: str = DeadlineStatus.MET) -> int:
    """Close every open deadline of ``kind`` about ``subject``. Returns how many."""
    from django.contrib.contenttypes.models import ContentType

    open_ones = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        kind=kind,
        status=DeadlineStatus.OPEN,
    )
    return open_ones.update(status=status, closed_at=timezone.now())


@transaction.atomic
def deadline_close(*, deadline: Deadline, status: str = DeadlineStatus.MET) -> Deadline:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status == DeadlineStatus.OPEN:
        deadline.status = status
        deadline.closed_at = timezone.now()
        deadline.save(update_fields=["status", "closed_at"])
    return deadline


@dataclass(frozen=True)
class DeadlineChange:
    deadline: Deadline
    old_due: date | None
    new_due: date | None
    problem: str = ""


def deadlines_recheck(*, apply: bool = False, actor=None) -> list[DeadlineChange]:
    """List the open deadlines whose due date differs under today's calendar.

    Only deadlines stored under another calendar fingerprint are recomputed. With
    ``apply``: each moved deadline gets its new date and the current fingerprint, its
    responsible users are notified, and one audit event lists every change; deadlines
    whose date does not move just take the new fingerprint.
    """
    from award_portal.notifications.services import notify

    from .engine import ScheduleUnknown

    calendar = WorkdayCalendar.load()
    fingerprint = calendar.fingerprint
    changes: list[DeadlineChange] = []
    stale = (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__isnull=False)
        .exclude(fingerprint=fingerprint)
        .prefetch_related("responsible")
    )
    with transaction.atomic():
        for deadline in stale.select_for_update(of=("self",)) if apply else stale:
            try:
                new_due = calendar.add(deadline.start_date, deadline.working_days)
            except ScheduleUnknown as error:
                changes.append(DeadlineChange(deadline, deadline.due_date, None, error.bilingual))
                continue
            if new_due != deadline.due_date:
                changes.append(DeadlineChange(deadline, deadline.due_date, new_due))
            if not apply:
                continue
            old_due = deadline.due_date
            Deadline.objects.filter(pk=deadline.pk).update(
                due_date=new_due, fingerprint=fingerprint
            )
            if new_due != old_due:
                for user in deadline.responsible.all():
                    notify(
                        user=user,
                        title=_("Deadline moved: %(label)s") % {"label": deadline.label},
                        body=_(
                            "After a change to the official holiday calendar this is now "
                            "due on %(new)s (24:00) instead of %(old)s."
                        )
                        % {"new": shown_day(new_due), "old": shown_day(old_due)},
                        url=deadline.url,
                    )
        if apply:
            # pending deadlines the calendar can answer now (e.g. after a library upgrade)
            for deadline in deadlines_resolve_pending(calendar=calendar):
                changes.append(DeadlineChange(deadline, None, deadline.due_date))
        if apply and changes:
            audit_record(
                action=Action.DEADLINES_RECHECKED,
                actor=actor,
                actor_label="" if actor else "manage.py workdays recheck",
                details={
                    "changes": [
                        [
                            c.deadline.pk,
                            c.old_due.isoformat() if c.old_due else None,
                            c.new_due.isoformat() if c.new_due else None,
                            c.problem,
                        ]
                        for c in changes
                    ]
                },
            )
    return changes
