"""Cycle writes: create, edit a draft, and the generic transition with its guards."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.rules.models import RulebookEdition
from award_portal.rules.services import edition_assert_in_force, edition_lock
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ..enums import FINAL_QUALIFICATION_STATES, CycleState, DossierState
from ..models import Cycle
from ..permissions import can_manage_cycle

TRANSITIONS = ("announce", "close_applications", "start_expert_review", "cancel")
CYCLE_FIELDS = [
    "name",
    "edition",
    "announcement_date",
    "application_deadline",
    "quota_organisation",
    "quota_individual",
    "call_text",
]


def _require(actor) -> None:
    if not can_manage_cycle(actor):
        raise PermissionDenied


def earliest_close(cycle: Cycle, calendar: WorkdayCalendar) -> date:
    """The last day of the shortest lawful announcement window (Art. 14)."""
    return calendar.add(cycle.announcement_date, cycle.edition.announcement_min_wd)


def _check_quotas(cycle: Cycle) -> None:
    edition = cycle.edition
    if not edition.individual_track_enabled and cycle.quota_individual:
        raise ValidationError(
            _("The edition does not admit individuals: the individual quota must be 0.")
        )
    if cycle.quota_organisation + cycle.quota_individual == 0:
        raise ValidationError(_("Set at least one award for organisations or individuals."))


def guard_problem(cycle: Cycle, name: str, *, today: date, calendar: WorkdayCalendar) -> str | None:
    """Why the transition ``name`` cannot run now, or None when it can."""
    try:
        if name == "announce":
            if not cycle.announcement_date or not cycle.application_deadline:
                return _("Set the announcement date and the application deadline.")
            try:
                edition_assert_in_force(edition=cycle.edition, on=cycle.announcement_date)
                _check_quotas(cycle)
            except ValidationError as error:
                return " ".join(error.messages)
            minimum = earliest_close(cycle, calendar)
            if cycle.application_deadline < minimum:
                return _(
                    "The call must stay open at least %(n)s working days: the deadline "
                    "can be %(date)s at the earliest."
                ) % {"n": cycle.edition.announcement_min_wd, "date": minimum.isoformat()}
        elif name == "close_applications":
            minimum = earliest_close(cycle, calendar)
            last_day = max(minimum, cycle.application_deadline)
            if today <= last_day:
                return _(
                    "Applications are open until %(date)s 24:00; close them from the next day on."
                ) % {"date": last_day.isoformat()}
        elif name == "start_expert_review":
            pending = (
                cycle.dossiers.exclude(state=DossierState.DRAFT)
                .exclude(state__in=FINAL_QUALIFICATION_STATES)
                .count()
            )
            if pending:
                return _("%(n)s received dossier(s) still lack a final qualification decision.") % {
                    "n": pending
                }
    except ScheduleUnknown as error:
        return error.message
    return None


def cycle_actions(cycle: Cycle, user, *, today: date | None = None) -> list[dict]:
    """The transitions the page offers: only those the user may run now, and why the
    others of the current stage cannot run yet."""
    if not can_manage_cycle(user):
        return []
    today = today or timezone.localdate()
    calendar = WorkdayCalendar.load()
    actions = []
    for transition in cycle.get_available_state_transitions():
        if transition.name not in TRANSITIONS:
            continue
        problem = (
            None
            if transition.name == "cancel"
            else guard_problem(cycle, transition.name, today=today, calendar=calendar)
        )
        actions.append({"name": transition.name, "problem": problem})
    return actions


@transaction.atomic
def cycle_create(*, actor, data: dict, request: HttpRequest | None = None) -> Cycle:
    """A draft cycle; the quotas default to the edition's."""
    _require(actor)
    edition = RulebookEdition.objects.get(pk=data["edition"].pk)  # as stored now
    cycle = Cycle(**{k: v for k, v in data.items() if k in CYCLE_FIELDS})
    cycle.edition = edition
    if data.get("quota_organisation") is None:
        cycle.quota_organisation = edition.quota_organisation
    if data.get("quota_individual") is None:
        cycle.quota_individual = edition.quota_individual
    _check_quotas(cycle)
    cycle.save()
    audit_record(
        action=Action.CYCLE_CREATED,
        actor=actor,
        target=cycle,
        request=request,
        details={"edition": edition.pk},
    )
    return cycle


@transaction.atomic
def cycle_update(
    *, actor, cycle: Cycle, data: dict, request: HttpRequest | None = None, expected_updated_at=None
) -> Cycle:
    _require(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.DRAFT:
        raise ValidationError(_("Only a draft cycle can be changed."))
    if expected_updated_at is not None and cycle.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else changed this cycle while you were editing. "
                "Reload the page; your changes were not saved."
            )
        )
    changes = {}
    for field in CYCLE_FIELDS:
        if field in data and getattr(cycle, field) != data[field]:
            changes[field] = [str(getattr(cycle, field)), str(data[field])]
            setattr(cycle, field, data[field])
    _check_quotas(cycle)
    cycle.save()
    if changes:
        audit_record(
            action=Action.CYCLE_CHANGED,
            actor=actor,
            target=cycle,
            request=request,
            details={"changes": changes},
        )
    return cycle


@transaction.atomic
def cycle_transition(
    *,
    actor,
    cycle: Cycle,
    name: str,
    reason: str = "",
    today: date | None = None,
    request: HttpRequest | None = None,
) -> Cycle:
    """Run one whitelisted transition after its guard.

    Side effects, in order: the cycle row is locked; the guard runs against the calendar
    and the dossiers; the transition; the edition is locked (announce); the row saved;
    one ``cycle.transition`` audit event.
    """
    _require(actor)
    if name not in TRANSITIONS:
        raise PermissionDenied
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=cycle.pk)
    available = {t.name for t in cycle.get_available_state_transitions()}
    if name not in available:
        raise ValidationError(
            _("This cycle is at the stage “%(stage)s”; that action is not possible now.")
            % {"stage": cycle.get_state_display()}
        )
    today = today or timezone.localdate()
    if name == "cancel":
        if not reason.strip():
            raise ValidationError(_("Give the reason for cancelling the cycle."))
        before = cycle.state
        cycle.cancel(reason=reason.strip())
    else:
        problem = guard_problem(cycle, name, today=today, calendar=WorkdayCalendar.load())
        if problem:
            raise ValidationError(problem)
        before = cycle.state
        getattr(cycle, name)()
        if name == "announce":
            edition_lock(edition=cycle.edition)
    cycle.save()
    audit_record(
        action=Action.CYCLE_TRANSITION,
        actor=actor,
        target=cycle,
        request=request,
        details={"transition": name, "from": before, "to": cycle.state, "reason": reason},
    )
    return cycle
