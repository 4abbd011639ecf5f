"""Presentation and defence (陈述答辩, Art. 18): the office or the engaged agency books
each applicant's slot (when, how long, a room or a video link), the applicant is told
by e-mail and in-app and confirms it on its review page.

Two slots of a stage may not overlap when the same panel hears both (or when either
dossier has no panel yet, since the panel is then unknown), nor when they use the same
room or the same video link. A changed time, length or place clears the applicant's
confirmation and tells the applicant again.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Dossier
from applications.services.grants import dossier_applicant_users
from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_moment
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notify

from ..enums import StageKind, StageState
from ..models import DefenceSlot, PanelDossier, ReviewStage
from ..permissions import can_manage_review, oversees_review
from .plans import agency_users, eligible_dossiers, office_users

MIN_MINUTES, MAX_MINUTES = 5, 480


def is_dossier_user(user, dossier: Dossier) -> bool:
    """A user acting for the applicant (the dossier's own object grant)."""
    return (
        user.is_authenticated
        and user.role == Role.APPLICANT
        and user.has_perm("applications.view_dossier", dossier)
    )


def can_view_slots(user, stage: ReviewStage) -> bool:
    return stage.kind == StageKind.DEFENCE and (
        oversees_review(user) or can_manage_review(user, stage.plan.cycle)
    )


def can_book_slots(user, stage: ReviewStage) -> bool:
    return (
        stage.kind == StageKind.DEFENCE
        and stage.state != StageState.CLOSED
        and stage.plan.cycle.state == CycleState.EXPERT_REVIEW
        and can_manage_review(user, stage.plan.cycle)
    )


def can_confirm_slot(user, slot: DefenceSlot) -> bool:
    return (
        slot.stage.state != StageState.CLOSED
        and slot.dossier.state == DossierState.UNDER_REVIEW
        and is_dossier_user(user, slot.dossier)
    )


def slot_end(slot) -> datetime:
    return slot.starts_at + timedelta(minutes=slot.minutes)


def when_text(moment: datetime) -> str:
    return shown_moment(moment)


def _place(room: str, video_link: str) -> str:
    return "；".join(part for part in (room, video_link) if part)


def _clashes(
    stage: ReviewStage, dossier: Dossier, starts_at: datetime, minutes: int, room: str, link: str
) -> list[str]:
    """What the proposed slot would overlap, as messages (empty: it fits)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    panels = dict(PanelDossier.objects.filter(stage=stage).values_list("dossier_id", "panel_id"))
    mine = panels.get(dossier.pk)
    found = []
    for other in (
        DefenceSlot.objects.filter(stage=stage)
        .exclude(dossier=dossier)
        .select_related("dossier")
        .order_by("starts_at")
    ):
        if not (other.starts_at < ends_at and starts_at < slot_end(other)):
            continue
        theirs = panels.get(other.dossier_id)
        same_panel = mine is None or theirs is None or mine == theirs
        same_room = bool(room) and room.casefold() == other.room.casefold()
        same_link = bool(link) and link == other.video_link
        if same_panel or same_room or same_link:
            found.append(
                _("It overlaps the slot of %(number)s, %(start)s–%(end)s.")
                % {
                    "number": other.dossier.number,
                    "start": when_text(other.starts_at),
                    "end": f"{timezone.localtime(slot_end(other)):%H:%M}",
                }
            )
    return found


# a defence takes place while the office is open: on a working day of the calendar engine,
# within one of the office's published hours (``PORTAL_OFFICE_HOURS``, e.g.
# "工作日8:30—12:00，14:30—17:30"), starting and ending the same day
DEFAULT_OFFICE_HOURS = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
_HOURS = re.compile(r"(\d{1,2})[:：](\d{2})\s*[—–\-~至到]+\s*(\d{1,2})[:：](\d{2})")


def office_hours() -> tuple[tuple[time, time], ...]:
    """The office's opening hours as (opens, closes) pairs, read from the hours the
    portal publishes; the usual government hours when they cannot be read."""
    found = []
    for h1, m1, h2, m2 in _HOURS.findall(settings.PORTAL_OFFICE_HOURS or ""):
        try:
            opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
        except ValueError:
            continue
        if opens < closes:
            found.append((opens, closes))
    return tuple(found) or DEFAULT_OFFICE_HOURS


def _office_hours(starts_at: datetime, minutes) -> list[str]:
    from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

    start = timezone.localtime(starts_at)
    problems = []
    try:
        if not WorkdayCalendar.load().is_workday(start.date()):
            problems.append(
                _("%(date)s is not a working day; a defence takes place on a working day.")
                % {"date": day(start.date())}
            )
    except ScheduleUnknown as error:
        problems.append(error.message)
    if minutes is None:
        return problems
    end = start + timedelta(minutes=minutes)
    hours = office_hours()
    within = end.date() == start.date() and any(
        opens <= start.time() and end.time() <= closes for opens, closes in hours
    )
    if not within or end <= start:
        problems.append(
            _(
                "A defence must lie within the office's hours (%(hours)s) and end after it "
                "starts on the same day: this one would run from %(start)s to %(end)s."
            )
            % {
                "hours": "，".join(f"{a:%H:%M}—{b:%H:%M}" for a, b in hours),
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
            }
        )
    return problems


def _check(stage, dossier, starts_at, minutes, room, link, *, moved: bool) -> list[str]:
    problems = []
    if starts_at is None:
        problems.append(_("Give the date and time of the slot."))
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        local_day = timezone.localtime(starts_at).date()
        if not stage.starts_on <= local_day <= stage.ends_on:
            problems.append(
                _("The slot must fall within the stage, %(start)s to %(end)s.")
                % {"start": day(stage.starts_on), "end": day(stage.ends_on)}
            )
        elif moved and starts_at < timezone.now():
            problems.append(_("That time has passed."))
        else:
            problems += _office_hours(starts_at, minutes)
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        problems.append(
            _("The length is between %(min)s and %(max)s minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES}
        )
    if not room and not link:
        problems.append(_("Give a room or a video link (or both)."))
    if len(room) > 200:
        problems.append(_("The room may be at most 200 characters long."))
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            problems.append(_("The video link must be a web address (https://…)."))
    if not problems:
        problems += _clashes(stage, dossier, starts_at, minutes, room, link)
    return problems


def _tell_applicant(slot: DefenceSlot, *, rescheduled: bool) -> None:
    dossier = slot.dossier
    title = (
        _("Your presentation and defence for %(number)s has been moved")
        if rescheduled
        else _("Presentation and defence of %(number)s scheduled")
    ) % {"number": dossier.number}
    body = _(
        "Your presentation and defence (Art. 18) is on %(when)s for %(minutes)s minutes. "
        "Where: %(place)s. Please confirm in the portal that you will attend."
    ) % {
        "when": when_text(slot.starts_at),
        "minutes": slot.minutes,
        "place": _place(slot.room, slot.video_link),
    }
    url = reverse("review:applicant-review", args=[dossier.pk])
    for user in dossier_applicant_users(dossier):
        notify(user=user, title=title, body=body, url=url)


@transaction.atomic
def slot_save(
    *,
    actor,
    stage: ReviewStage,
    dossier: Dossier,
    starts_at: datetime,
    minutes: int,
    room: str = "",
    video_link: str = "",
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> DefenceSlot:
    """Book (or change) the dossier's defence slot in the stage.

    The stage row is locked, so two bookings of the stage are checked for overlaps one
    after the other. Saving the same values again changes nothing.

    Side effects, in order: the slot row (created, or changed with its confirmation
    cleared); one ``review.slot_saved`` event; the applicant's users told (in-app and
    e-mail).
    """
    stage = ReviewStage.objects.select_for_update().select_related("plan__cycle").get(pk=stage.pk)
    if not can_book_slots(actor, stage):
        raise PermissionDenied
    dossier = Dossier.objects.get(pk=dossier.pk)
    if dossier.cycle_id != stage.plan.cycle_id:
        raise PermissionDenied
    if not eligible_dossiers(stage).filter(pk=dossier.pk).exists():
        raise ValidationError(
            _("%(number)s is not in this stage of the review.") % {"number": dossier.number}
        )
    slot = DefenceSlot.objects.select_for_update().filter(stage=stage, dossier=dossier).first()
    if (
        slot is not None
        and expected_updated_at is not None
        and slot.updated_at != expected_updated_at
    ):
        raise ValidationError(
            _(
                "Somebody else changed this slot while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    room = " ".join((room or "").split())
    video_link = (video_link or "").strip()
    if starts_at is not None and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if slot is not None and (slot.starts_at, slot.minutes, slot.room, slot.video_link) == (
        starts_at,
        minutes,
        room,
        video_link,
    ):
        return slot
    moved = slot is None or slot.starts_at != starts_at
    problems = _check(stage, dossier, starts_at, minutes, room, video_link, moved=moved)
    if problems:
        raise ValidationError(problems)
    created = slot is None
    cleared = bool(slot is not None and slot.confirmed_at)
    if created:
        try:
            with transaction.atomic():
                slot = DefenceSlot.objects.create(
                    stage=stage,
                    dossier=dossier,
                    starts_at=starts_at,
                    minutes=minutes,
                    room=room,
                    video_link=video_link,
                    scheduled_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("The slot was booked a moment ago. Reload the page.")) from None
    else:
        slot.starts_at, slot.minutes, slot.room, slot.video_link = (
            starts_at,
            minutes,
            room,
            video_link,
        )
        slot.scheduled_by = actor
        slot.confirmed_by, slot.confirmed_at = None, None
        slot.save()
    audit_record(
        action=Action.SLOT_SAVED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "stage": stage.kind,
            "slot": slot.pk,
            "starts_at": timezone.localtime(starts_at).isoformat(),
            "minutes": minutes,
            "room": room,
            "video_link": video_link,
            "created": created,
            "confirmation_cleared": cleared,
        },
    )
    _tell_applicant(slot, rescheduled=not created)
    return slot


@transaction.atomic
def slot_confirm(
    *, actor, slot: DefenceSlot, expected_updated_at=None, request: HttpRequest | None = None
) -> DefenceSlot:
    """The applicant confirms it will attend its slot.

    A slot confirmed already is returned as it is (a double click confirms once). A slot
    changed since the applicant's page was opened is refused, so nobody confirms a time
    they have not seen.

    Side effects, in order: the slot confirmed (who, when); one ``review.slot_confirmed``
    event; the agency's users and the office told in-app.
    """
    slot = (
        DefenceSlot.objects.select_for_update()
        .select_related("stage__plan__cycle", "dossier")
        .get(pk=slot.pk)
    )
    if not can_confirm_slot(actor, slot):
        raise PermissionDenied
    if slot.confirmed_at is not None:
        return slot
    if expected_updated_at is not None and slot.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "The slot was changed after you opened the page. Read the new time and place, "
                "then confirm again."
            )
        )
    slot.confirmed_by = actor
    slot.confirmed_at = timezone.now()
    slot.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(
        action=Action.SLOT_CONFIRMED,
        actor=actor,
        target=slot.dossier,
        request=request,
        details={
            "stage": slot.stage.kind,
            "slot": slot.pk,
            "starts_at": timezone.localtime(slot.starts_at).isoformat(),
        },
    )
    cycle = slot.stage.plan.cycle
    for user in {u.pk: u for u in [*agency_users(cycle), *office_users()]}.values():
        notify(
            user=user,
            title=_("%(number)s confirmed its defence slot on %(when)s")
            % {"number": slot.dossier.number, "when": when_text(slot.starts_at)},
            url=reverse("review:slots", args=[slot.stage_id]),
            email=False,
        )
    return slot


def slot_rows(stage: ReviewStage) -> list[dict]:
    """The stage's dossiers (those in the stage now, and any with a slot) with their slot
    and panel, in slot order, then unbooked by number."""
    slots = {
        slot.dossier_id: slot
        for slot in DefenceSlot.objects.filter(stage=stage).select_related(
            "confirmed_by", "scheduled_by"
        )
    }
    panels = {
        item.dossier_id: item.panel
        for item in PanelDossier.objects.filter(stage=stage).select_related("panel")
    }
    dossiers = Dossier.objects.filter(
        pk__in=[*eligible_dossiers(stage).values_list("pk", flat=True), *slots.keys()]
    ).select_related("organisation", "individual")
    rows = [{"dossier": d, "slot": slots.get(d.pk), "panel": panels.get(d.pk)} for d in dossiers]
    rows.sort(
        key=lambda row: (
            row["slot"] is None,
            row["slot"].starts_at if row["slot"] else timezone.now(),
            row["dossier"].number or "",
        )
    )
    return rows


def slots_for_applicant(dossier: Dossier) -> list[DefenceSlot]:
    return list(
        DefenceSlot.objects.filter(dossier=dossier)
        .select_related("stage")
        .order_by("stage__position")
    )
