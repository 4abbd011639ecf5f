"""The review's daily reminder sweep (issue 8, point 13), beside the core sweep
(``award_portal.workdays.reminders``), which already reminds of the stored deadlines:
the review's working-day limit and each stage's end (``plans.review_start`` and
``_open_stage`` store them).

This sweep reminds of what those deadlines do not name:

- a panel invitation unanswered ``PORTAL_REVIEW_INVITATION_WD`` working days after it
  was sent: the expert is reminded; after twice that, the agency (the office when the
  round has none) is told;
- score sheets due: each expert with an open assignment is reminded
  ``PORTAL_REMINDER_LEAD_WD`` working days (or fewer) before the stage ends; once the
  stage's last day has passed, the expert is told it is overdue and the office and the
  agency get one list of the missing sheets per stage;
- defence slots: the agency is told when an open defence stage has dossiers without a
  slot; an unconfirmed slot is reminded to the applicant ``PORTAL_REMINDER_LEAD_WD``
  working days before it, and flagged to the agency and the office on its eve;
- on-site visits: the panel leader is told when a dossier of an open on-site stage has
  no visit scheduled.

Each reminder goes out once (``ReminderSent``, unique per kind, key and user, written
in the transaction of the notification), through ``notify`` (in-app and e-mail).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notify
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import ReminderKind, ReminderSent

from ..enums import AssignmentState, MemberState, StageKind, StageState
from ..models import Assignment, DefenceSlot, OnsiteVisit, PanelDossier, PanelMember, ReviewStage
from .defence import when_text
from .panels import acting_leaders
from .plans import agency_users, eligible_dossiers, office_users

logger = logging.getLogger(__name__)

DUE_STATES = (AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING)


@dataclass
class ReviewSweepResult:
    invitations: int = 0
    invitations_escalated: int = 0
    sheets_due: int = 0
    sheets_overdue: int = 0
    overdue_flags: int = 0
    slots_to_book: int = 0
    slots_unconfirmed: int = 0
    slots_escalated: int = 0
    visits_to_schedule: int = 0
    skipped: int = 0


def _once(*, kind: str, key: str, user, title: str, body: str, url: str) -> int:
    """Send unless this (kind, key, user) went out before; 1 when sent. The unique row
    is written in the transaction of the notification, so a retry or two sweeps at
    once send it once."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, key=key[:100], user=user)
            notify(user=user, title=title, body=body, url=url)
    except IntegrityError:
        return 0
    return 1


def _managers(cycle) -> list:
    """Who hears about the agency's work: the agency's accounts, the office without one."""
    return agency_users(cycle) or office_users()


def _everyone(cycle) -> list:
    return list({u.pk: u for u in [*agency_users(cycle), *office_users()]}.values())


def _invitations(today: date, calendar: WorkdayCalendar, result: ReviewSweepResult) -> None:
    wait = settings.PORTAL_REVIEW_INVITATION_WD
    members = (
        PanelMember.objects.filter(
            state=MemberState.INVITED,
            panel__stage__state__in=[StageState.PLANNED, StageState.OPEN],
            panel__stage__plan__cycle__state=CycleState.EXPERT_REVIEW,
            expert__user__is_active=True,
        )
        .select_related("panel__stage__plan__cycle", "expert__user")
        .order_by("pk")
    )
    for member in members:
        invited = timezone.localdate(member.invited_at)
        try:
            waited = calendar.between(invited, today)
        except ScheduleUnknown:
            result.skipped += 1
            continue
        if waited < wait:
            continue
        key = f"review.invite:{member.pk}:{member.invited_at:%Y%m%d%H%M%S}"
        stage, panel = member.panel.stage, member.panel
        result.invitations += _once(
            kind=ReminderKind.UPCOMING,
            key=key,
            user=member.expert.user,
            title=_("Please answer the invitation to the panel “%(panel)s”")
            % {"panel": panel.name},
            body=_(
                "You were invited on %(date)s to %(stage)s of %(round)s. Accept or decline in "
                "the portal, so the agency can complete the panel."
            )
            % {
                "date": day(invited),
                "stage": stage.get_kind_display(),
                "round": stage.plan.cycle.name,
            },
            url=reverse("review:expert-home"),
        )
        if waited < 2 * wait:
            continue
        for user in _managers(stage.plan.cycle):
            result.invitations_escalated += _once(
                kind=ReminderKind.OVERDUE,
                key=key,
                user=user,
                title=_("%(expert)s has not answered the invitation to “%(panel)s”")
                % {"expert": member.expert.name, "panel": panel.name},
                body=_(
                    "Invited on %(date)s, %(n)s working days ago, and reminded. Call the expert "
                    "or invite another member."
                )
                % {"date": day(invited), "n": waited},
                url=reverse("review:panels", args=[stage.plan.cycle_id]),
            )


def _sheets(today: date, calendar: WorkdayCalendar, result: ReviewSweepResult) -> None:
    lead = settings.PORTAL_REMINDER_LEAD_WD
    assignments = (
        Assignment.objects.filter(
            state__in=DUE_STATES,
            stage__state=StageState.OPEN,
            stage__plan__cycle__state=CycleState.EXPERT_REVIEW,
            dossier__state=DossierState.UNDER_REVIEW,
            expert__user__is_active=True,
        )
        .select_related("stage__plan__cycle", "expert__user", "dossier")
        .order_by("stage_id", "dossier__number", "pk")
    )
    missing: dict[int, list[Assignment]] = defaultdict(list)
    stages: dict[int, ReviewStage] = {}
    for assignment in assignments:
        stage = assignment.stage
        key = f"review.sheet:{assignment.pk}:{stage.ends_on.isoformat()}"
        what = {
            "number": assignment.dossier.number,
            "stage": stage.get_kind_display(),
            "due": day(stage.ends_on),
        }
        url = (
            reverse("review:expert-home")
            if assignment.state == AssignmentState.OFFERED
            else reverse("review:sheet", args=[assignment.pk])
        )
        if stage.ends_on < today:
            missing[stage.pk].append(assignment)
            stages[stage.pk] = stage
            result.sheets_overdue += _once(
                kind=ReminderKind.OVERDUE,
                key=key,
                user=assignment.expert.user,
                title=_("Overdue: your score sheet for %(number)s") % what,
                body=_(
                    "%(stage)s ended on %(due)s (24:00). Submit the sheet now; the agency and "
                    "the office have been told."
                )
                % what,
                url=url,
            )
            continue
        try:
            remaining = calendar.between(today, stage.ends_on)
        except ScheduleUnknown:
            result.skipped += 1
            continue
        if remaining > lead:
            continue
        result.sheets_due += _once(
            kind=ReminderKind.UPCOMING,
            key=key,
            user=assignment.expert.user,
            title=_("Score sheet for %(number)s due on %(due)s") % what,
            body=(
                _(
                    "Declare any conflict of interest, then score every item and submit by "
                    "%(due)s, 24:00."
                )
                if assignment.state == AssignmentState.OFFERED
                else _("Score every item and submit by %(due)s, 24:00.")
            )
            % what,
            url=url,
        )
    for stage_pk, late in missing.items():
        stage = stages[stage_pk]
        lines = "；".join(f"{a.dossier.number} {a.expert.name}" for a in late)
        for user in _everyone(stage.plan.cycle):
            result.overdue_flags += _once(
                kind=ReminderKind.OVERDUE,
                key=f"review.sheets:{stage.pk}:{stage.ends_on.isoformat()}",
                user=user,
                title=_("%(round)s: %(n)s score sheets overdue in %(stage)s")
                % {
                    "round": stage.plan.cycle.name,
                    "n": len(late),
                    "stage": stage.get_kind_display(),
                },
                body=_("Due on %(due)s (24:00), still missing: %(list)s.")
                % {"due": day(stage.ends_on), "list": lines},
                url=reverse("review:board", args=[stage.plan.cycle_id]),
            )


def _slots(today: date, calendar: WorkdayCalendar, result: ReviewSweepResult) -> None:
    lead = settings.PORTAL_REMINDER_LEAD_WD
    for stage in ReviewStage.objects.filter(
        kind=StageKind.DEFENCE,
        state=StageState.OPEN,
        plan__cycle__state=CycleState.EXPERT_REVIEW,
    ).select_related("plan__cycle"):
        booked = DefenceSlot.objects.filter(stage=stage).values("dossier")
        unbooked = eligible_dossiers(stage).exclude(pk__in=booked).count()
        if not unbooked:
            continue
        for user in _managers(stage.plan.cycle):
            result.slots_to_book += _once(
                kind=ReminderKind.UPCOMING,
                key=f"review.slots-to-book:{stage.pk}",
                user=user,
                title=_("%(round)s: book the defence slots") % {"round": stage.plan.cycle.name},
                body=_(
                    "%(n)s applicants have no presentation and defence slot yet. The stage runs "
                    "from %(start)s to %(end)s."
                )
                % {"n": unbooked, "start": day(stage.starts_on), "end": day(stage.ends_on)},
                url=reverse("review:slots", args=[stage.pk]),
            )
    slots = DefenceSlot.objects.filter(
        confirmed_at__isnull=True,
        stage__state__in=[StageState.PLANNED, StageState.OPEN],
        stage__plan__cycle__state=CycleState.EXPERT_REVIEW,
        dossier__state=DossierState.UNDER_REVIEW,
    ).select_related("stage__plan__cycle", "dossier__organisation", "dossier__individual")
    from applications.services.grants import dossier_applicant_users

    for slot in slots:
        slot_day = timezone.localdate(slot.starts_at)
        if slot_day < today:
            continue
        try:
            remaining = calendar.between(today, slot_day)
        except ScheduleUnknown:
            result.skipped += 1
            continue
        if remaining > lead:
            continue
        key = f"review.slot:{slot.pk}:{timezone.localtime(slot.starts_at):%Y%m%d%H%M}"
        what = {"number": slot.dossier.number, "when": when_text(slot.starts_at)}
        for user in dossier_applicant_users(slot.dossier):
            result.slots_unconfirmed += _once(
                kind=ReminderKind.UPCOMING,
                key=key,
                user=user,
                title=_("Please confirm your defence slot on %(when)s") % what,
                body=_(
                    "The presentation and defence of %(number)s is on %(when)s. Confirm in the "
                    "portal that you will attend, or call the coordination office."
                )
                % what,
                url=reverse("review:applicant-review", args=[slot.dossier_id]),
            )
        if remaining > 1:
            continue
        for user in _everyone(slot.stage.plan.cycle):
            result.slots_escalated += _once(
                kind=ReminderKind.OVERDUE,
                key=key,
                user=user,
                title=_("%(number)s has not confirmed its defence slot on %(when)s") % what,
                body=_("Call the applicant to make sure it attends."),
                url=reverse("review:slots", args=[slot.stage_id]),
            )


def _visits(result: ReviewSweepResult) -> None:
    items = PanelDossier.objects.filter(
        stage__kind=StageKind.ONSITE,
        stage__state=StageState.OPEN,
        stage__plan__cycle__state=CycleState.EXPERT_REVIEW,
        dossier__state=DossierState.UNDER_REVIEW,
    ).select_related("stage", "panel", "dossier")
    scheduled = set(OnsiteVisit.objects.values_list("stage_id", "dossier_id"))
    for item in items:
        if (item.stage_id, item.dossier_id) in scheduled:
            continue
        # the member who leads the panel for this dossier (never a recused leader)
        leader = acting_leaders(item.panel, [item])[item.dossier_id]
        if leader is None:
            continue
        # the visits page lists the dossier once the leader has declared no conflict
        declared = Assignment.objects.filter(
            stage=item.stage,
            dossier=item.dossier,
            expert=leader,
            state__in=[
                AssignmentState.DECLARED,
                AssignmentState.SCORING,
                AssignmentState.SUBMITTED,
            ],
        ).exists()
        result.visits_to_schedule += _once(
            kind=ReminderKind.UPCOMING,
            key=f"review.visit:{item.stage_id}:{item.dossier_id}",
            user=leader.user,
            title=_("Schedule the on-site review of %(number)s") % {"number": item.dossier.number},
            body=_(
                "As the leader of “%(panel)s”, set the date (%(start)s to %(end)s), the place, "
                "the team and the items to verify. Declare any conflict of interest first."
            )
            % {
                "panel": item.panel.name,
                "start": day(item.stage.starts_on),
                "end": day(item.stage.ends_on),
            },
            url=reverse("review:visits", args=[item.stage_id])
            if declared
            else reverse("review:expert-home"),
        )


def review_reminders_sweep(
    *, today: date | None = None, calendar: WorkdayCalendar | None = None
) -> ReviewSweepResult:
    """Run every review reminder once for ``today`` (default: the date in Beijing)."""
    today = today or timezone.localdate()
    calendar = calendar or WorkdayCalendar.load()
    result = ReviewSweepResult()
    _invitations(today, calendar, result)
    _sheets(today, calendar, result)
    _slots(today, calendar, result)
    _visits(result)
    if result.skipped:
        logger.warning("review reminders: %s skipped, calendar unknown", result.skipped)
    return result
