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
from award_portal.documents.chinese import shown_day
from award_portal.rules.models import RulebookEdition
from award_portal.rules.services import edition_assert_in_force, edition_lock
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ..enums import FINAL_QUALIFICATION_STATES, CycleState, DossierState
from ..models import Cycle
from ..permissions import can_manage_cycle

TRANSITIONS = (
    "announce",
    "close_applications",
    "start_expert_review",
    "publish_results",
    "close_comment",
    "start_publicity",
    "end_publicity",
    "record_approval",
    "cancel",
)
# what the round page's buttons run; the others are run by the downstream app that owns
# the stage (review/ starts the expert review together with its plan and panels)
PAGE_TRANSITIONS = ("announce", "close_applications", "cancel")
# the clocks a dossier may have open; a cancelled round closes them all
DOSSIER_CLOCKS = ("qualification_check", "supplement_reply")
CYCLE_FIELDS = [
    "name",
    "code",
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
    """The last day of the shortest lawful announcement window (Art. 14): the call is
    published during the announcement day, so the period counts from the next day."""
    return calendar.window(
        cycle.announcement_date, cycle.edition.announcement_min_wd, at_midnight=False
    ).last


def _check_quotas(cycle: Cycle) -> None:
    edition = cycle.edition
    if not edition.individual_track_enabled and cycle.quota_individual:
        raise ValidationError(
            _("The edition does not admit individuals: the individual quota must be 0.")
        )
    if cycle.quota_organisation + cycle.quota_individual == 0:
        raise ValidationError(_("Set at least one award for organisations or individuals."))
    over = []
    if cycle.quota_organisation > edition.quota_organisation:
        over.append(_("at most %(n)s organisation award(s)") % {"n": edition.quota_organisation})
    if cycle.quota_individual > edition.quota_individual:
        over.append(_("at most %(n)s individual award(s)") % {"n": edition.quota_individual})
    if over:
        raise ValidationError(
            _("“%(edition)s” allows %(limits)s per round.")
            % {"edition": edition.name, "limits": "、".join(over)}
        )


def previous_round(cycle: Cycle) -> Cycle | None:
    """The latest other round that was announced (and not cancelled) before this one's
    announcement date."""
    return (
        Cycle.objects.exclude(pk=cycle.pk)
        .exclude(state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .filter(announcement_date__lte=cycle.announcement_date)
        .order_by("-announcement_date")
        .first()
    )


def interval_warning(cycle: Cycle) -> str | None:
    """Art. 3: one round every N years. Announcing sooner needs a recorded reason."""
    if not cycle.announcement_date:
        return None
    previous = previous_round(cycle)
    years = cycle.edition.cycle_years
    if previous is None:
        return None
    try:
        allowed = previous.announcement_date.replace(year=previous.announcement_date.year + years)
    except ValueError:  # 29 February
        allowed = previous.announcement_date.replace(
            year=previous.announcement_date.year + years, day=28
        )
    if cycle.announcement_date >= allowed:
        return None
    return _(
        "The previous round “%(name)s” was announced on %(date)s; the edition holds one round "
        "every %(n)s years. Record why this round is announced sooner."
    ) % {"name": previous.name, "date": shown_day(previous.announcement_date), "n": years}


def blocking_dossiers(cycle: Cycle):
    """Received dossiers without a final qualification outcome: they keep the round from
    starting its expert review."""
    return (
        cycle.dossiers.exclude(state=DossierState.DRAFT)
        .exclude(state__in=FINAL_QUALIFICATION_STATES)
        .select_related("organisation", "individual")
        .order_by("number")
    )


def guard_problem(
    cycle: Cycle,
    name: str,
    *,
    today: date,
    calendar: WorkdayCalendar,
    reason: str = "",
) -> str | None:
    """Why the transition ``name`` cannot run now, or None when it can."""
    try:
        if name == "announce":
            if not cycle.announcement_date or not cycle.application_deadline:
                return _("Set the announcement date and the application deadline.")
            if cycle.announcement_date < today:
                return _(
                    "The announcement date %(date)s has passed. The announcement period counts "
                    "from the real publication: set today or a later date."
                ) % {"date": shown_day(cycle.announcement_date)}
            warning = interval_warning(cycle)
            if warning and not reason.strip():
                return warning
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
                ) % {"n": cycle.edition.announcement_min_wd, "date": shown_day(minimum)}
        elif name == "close_applications":
            minimum = earliest_close(cycle, calendar)
            last_day = max(minimum, cycle.application_deadline)
            if today <= last_day:
                return _(
                    "Applications are open until %(date)s 24:00; close them from the next day on."
                ) % {"date": shown_day(last_day)}
        elif name == "publish_results":
            pending = cycle.dossiers.filter(
                state__in=[DossierState.QUALIFIED, DossierState.UNDER_REVIEW]
            ).order_by("number")
            if pending:
                return _(
                    "These applications do not have their final review result yet: %(list)s."
                ) % {"list": "、".join(d.number for d in pending)}
        elif name == "close_comment":
            published = timezone.localdate(cycle.results_published_at)
            last = calendar.window(published, cycle.edition.comment_min_wd, at_midnight=False).last
            if today <= last:
                return _(
                    "The public comment period runs at least %(n)s working days, until "
                    "%(date)s 24:00; it may close from the next day on."
                ) % {"n": cycle.edition.comment_min_wd, "date": shown_day(last)}
        elif name == "start_expert_review":
            pending = blocking_dossiers(cycle)
            if pending:
                return _(
                    "These received applications still lack a final qualification outcome: "
                    "%(list)s."
                ) % {"list": "、".join(f"{d.number} {d.applicant_name}" for d in pending)}
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
        if transition.name not in PAGE_TRANSITIONS:
            continue
        warning = interval_warning(cycle) if transition.name == "announce" else None
        # a missing reason is not a reason to disable the button: the form asks for it
        problem = (
            None
            if transition.name == "cancel"
            else guard_problem(
                cycle, transition.name, today=today, calendar=calendar, reason=warning or ""
            )
        )
        actions.append(
            {
                "name": transition.name,
                "problem": problem,
                "warning": warning or "",
                "needs_reason": bool(warning) or transition.name == "cancel",
            }
        )
    return actions


def _free_code(cycle: Cycle, wanted: str) -> str:
    """The round's code: as the office typed it (refused when taken), or the year of the
    announcement (with a suffix when that year already has a round)."""
    clash = Cycle.objects.exclude(pk=cycle.pk)
    if wanted:
        if clash.filter(code__iexact=wanted).exists():
            raise ValidationError(
                _("The round code “%(code)s” is used by another round.") % {"code": wanted}
            )
        return wanted
    base = str((cycle.announcement_date or timezone.localdate()).year)
    code, n = base, 1
    while clash.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


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
        cycle.quota_individual = edition.quota_individual if edition.individual_track_enabled else 0
    _check_quotas(cycle)
    cycle.code = _free_code(cycle, (data.get("code") or "").strip())
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
    data = dict(data)
    edition = data.get("edition") or cycle.edition
    if data.get("quota_organisation", 0) is None:
        data["quota_organisation"] = edition.quota_organisation
    if data.get("quota_individual", 0) is None:
        data["quota_individual"] = (
            edition.quota_individual if edition.individual_track_enabled else 0
        )
    changes = {}
    for field in CYCLE_FIELDS:
        if field == "code":
            continue  # below: an empty code means "the announcement year"
        if field in data and getattr(cycle, field) != data[field]:
            changes[field] = [str(getattr(cycle, field)), str(data[field])]
            setattr(cycle, field, data[field])
    _check_quotas(cycle)
    if "code" in data:
        new_code = _free_code(cycle, (data.get("code") or "").strip())
        if new_code != cycle.code:
            changes["code"] = [cycle.code, new_code]
            cycle.code = new_code
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
    on cancelling, every open clock of the round's dossiers closes (no more reminders)
    and their applicants are told why; one ``cycle.transition`` audit event.
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
        problem = guard_problem(
            cycle, name, today=today, calendar=WorkdayCalendar.load(), reason=reason
        )
        if problem:
            raise ValidationError(problem)
        before = cycle.state
        getattr(cycle, name)()
        if name == "announce":
            edition_lock(edition=cycle.edition)
            if interval_warning(cycle):
                cycle.interval_reason = reason.strip()
    cycle.save()
    if name == "cancel":
        _close_dossiers_of_cancelled(cycle)
    audit_record(
        action=Action.CYCLE_TRANSITION,
        actor=actor,
        target=cycle,
        request=request,
        details={"transition": name, "from": before, "to": cycle.state, "reason": reason},
    )
    return cycle


def _close_dossiers_of_cancelled(cycle: Cycle) -> None:
    """A cancelled round: its dossiers' clocks close (their reminders stop) and every
    applicant with a dossier in it is told, with the reason."""
    from django.urls import reverse

    from award_portal.workdays.models import DeadlineStatus
    from award_portal.workdays.services import deadline_close_for

    from .messaging import tell_applicants

    for dossier in cycle.dossiers.select_related("organisation", "individual"):
        for kind in DOSSIER_CLOCKS:
            deadline_close_for(subject=dossier, kind=kind, status=DeadlineStatus.CANCELLED)
        tell_applicants(
            dossier,
            template="round_cancelled",
            context={"cycle": cycle},
            url=reverse("applications:dossier-detail", args=[dossier.pk]),
        )
