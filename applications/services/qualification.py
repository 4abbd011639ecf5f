"""The office's qualification check (Art. 16): one checklist form, ONE supplement notice,
the decision, and the conclusion when no complete supplement came in time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day
from award_portal.documents.services import document_issue
from award_portal.documents.templatetags.official import day
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import Deadline, DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..declarations import ITEMS, checklist_for
from ..enums import CheckOutcome, DossierState
from ..models import CheckItem, Dossier, SupplementNotice
from ..permissions import can_check_dossier
from .bans import ban_in_force
from .dossiers import SUPPLEMENT_REPLY, close_clock, office_users
from .grants import dossier_applicant_users
from .messaging import tell_applicants


def _locked(dossier: Dossier, *, states: tuple = (DossierState.SUBMITTED,)) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update().select_related("cycle__edition").get(pk=dossier.pk)
    )
    if dossier.state not in states:
        raise ValidationError(
            _("This application is now “%(state)s”: somebody else acted on it. Reload the page.")
            % {"state": dossier.get_state_display()}
        )
    return dossier


def _item_name(dossier: Dossier, code: str) -> str:
    item = ITEMS[code]
    return f"{item.article}（{item.text_for(dossier.cycle.edition)}）"


@transaction.atomic
def checklist_save(
    *,
    actor,
    dossier: Dossier,
    entries: dict[str, tuple[str, str]],
    request: HttpRequest | None = None,
) -> list[CheckItem]:
    """Record the office's findings on the checklist in one go (Art. 16).

    ``entries`` maps an item code to (outcome, note); items left out keep what was
    recorded. A finding other than "pass" needs a note: the applicant reads it.
    Side effects, in order: the changed findings; one ``qualification.checklist`` audit
    event listing every change with its old and new value.
    """
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    dossier = _locked(dossier)
    codes = {item.code for item in checklist_for(dossier.kind)}
    errors = []
    for code, (outcome, note) in entries.items():
        if code not in codes:
            raise ValidationError(_("Unknown checklist item."))
        if outcome not in CheckOutcome.values:
            errors.append(
                _("Choose pass, fail or needs supplement for %(item)s.")
                % {"item": _item_name(dossier, code)}
            )
        elif outcome != CheckOutcome.PASS and not note.strip():
            errors.append(
                _("Say what is wrong or missing for %(item)s: the applicant reads this note.")
                % {"item": _item_name(dossier, code)}
            )
    if errors:
        raise ValidationError(errors)
    recorded = {item.code: item for item in dossier.check_items.all()}
    now = timezone.now()
    changes, saved = [], []
    for code, (outcome, note) in entries.items():
        note = note.strip()
        found = recorded.get(code)
        if found is not None and (found.outcome, found.note) == (outcome, note):
            saved.append(found)
            continue
        changes.append(
            {
                "item": code,
                "from": [found.outcome, found.note] if found else None,
                "to": [outcome, note],
            }
        )
        item, _created = CheckItem.objects.update_or_create(
            dossier=dossier,
            code=code,
            defaults={"outcome": outcome, "note": note, "decided_by": actor, "decided_at": now},
        )
        saved.append(item)
    if changes:
        audit_record(
            action=Action.CHECKLIST_SAVED,
            actor=actor,
            target=dossier,
            request=request,
            details={"changes": changes},
        )
    return saved


def check_item_record(
    *,
    actor,
    dossier: Dossier,
    code: str,
    outcome: str,
    note: str,
    request: HttpRequest | None = None,
) -> CheckItem:
    """One finding; see ``checklist_save``."""
    return checklist_save(
        actor=actor, dossier=dossier, entries={code: (outcome, note)}, request=request
    )[0]


@transaction.atomic
def supplement_request(
    *,
    actor,
    dossier: Dossier,
    reply_working_days: int,
    reason_for_another: str = "",
    request: HttpRequest | None = None,
) -> SupplementNotice:
    """Send ONE numbered notice listing every "needs supplement" item (一次性告知).

    A further notice for the same dossier needs ``reason_for_another``, which is kept on
    the notice and in the audit trail. Side effects, in order: the notice with its
    document number; the dossier to ``supplement_requested``; the office clock stops; a
    reply deadline for the applicant (the office is told when it is missed); the audit
    event; the applicant's users are told the items and the deadline.
    """
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    dossier = _locked(dossier)
    items = list(dossier.check_items.filter(outcome=CheckOutcome.SUPPLEMENT))
    if not items:
        raise ValidationError(_("Mark at least one checklist item as “needs supplement” first."))
    previous = dossier.notices.count()
    if previous and not reason_for_another.strip():
        raise ValidationError(
            _(
                "A supplement notice was already sent. Art. 16 asks for one "
                "complete notice; record why another one is needed."
            )
        )
    if reply_working_days < 1:
        raise ValidationError(_("Give the applicant at least one working day to reply."))
    calendar = WorkdayCalendar.load()
    today = timezone.localdate()
    try:
        window = calendar.window(today, reply_working_days, at_midnight=False)
    except ScheduleUnknown as error:
        raise ValidationError(
            _(
                "The reply deadline cannot be computed: %(reason)s Enter and confirm that "
                "year's holiday schedule first, or give fewer working days."
            )
            % {"reason": error.message}
        ) from None
    edition = dossier.cycle.edition
    document = document_issue(
        kind="supplement_notice",
        title=_("Notice to supplement application materials"),
        subject=dossier,
        addressee=dossier.applicant_name,
    )
    notice = SupplementNotice.objects.create(
        dossier=dossier,
        number=previous + 1,
        reply_working_days=reply_working_days,
        reply_due=window.last,
        reason_for_another=reason_for_another.strip(),
        sent_by=actor,
        document=document,
        items=[
            {
                "code": i.code,
                "article": str(ITEMS[i.code].article),
                "text": ITEMS[i.code].text_for(edition),
                "note": i.note,
            }
            for i in items
        ],
    )
    dossier.request_supplement()
    dossier.save()
    close_clock(dossier, status=DeadlineStatus.CANCELLED)
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    deadline_create(
        kind=SUPPLEMENT_REPLY,
        subject=dossier,
        calendar=calendar,
        start_date=today,
        working_days=reply_working_days,
        label=_("Supplement to application %(number)s") % {"number": dossier.number},
        responsible=dossier_applicant_users(dossier),
        escalate_to=office_users(),
        url=url,
    )
    audit_record(
        action=Action.SUPPLEMENT_REQUESTED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "notice": notice.number,
            "document": document.number,
            "items": [i.code for i in items],
            "reply_due": window.last.isoformat(),
            "reason_for_another": notice.reason_for_another,
        },
    )
    tell_applicants(
        dossier, template="supplement", context={"notice": notice, "window": window}, url=url
    )
    return notice


def _decide(dossier: Dossier, *, actor, request, action: str, details: dict) -> Dossier:
    """What every conclusion of the check does after the transition."""
    dossier.decision_document = document_issue(
        kind="qualification_decision",
        title=_("Notice of the result of the qualification check"),
        subject=dossier,
        addressee=dossier.applicant_name,
    )
    dossier.save()
    close_clock(dossier)
    deadline_close_for(subject=dossier, kind=SUPPLEMENT_REPLY, status=DeadlineStatus.CANCELLED)
    audit_record(
        action=action,
        actor=actor,
        target=dossier,
        request=request,
        details={
            **details,
            "document": dossier.decision_document.number,
            "reasons": dossier.decision_reasons,
        },
    )
    tell_applicants(
        dossier,
        template="decision",
        context={},
        url=reverse("applications:dossier-detail", args=[dossier.pk]),
    )
    return dossier


@transaction.atomic
def qualification_decide(
    *,
    actor,
    dossier: Dossier,
    qualified: bool,
    reasons: str = "",
    request: HttpRequest | None = None,
) -> Dossier:
    """Qualified only when every checklist item passed and the applicant is not barred
    on the day of the decision (Art. 12(4), 28: a ban recorded after the dossier came
    in bars it all the same); not qualified cites the articles of the failed items. Two
    clerks deciding at once: the second is refused.

    Side effects, in order: the transition with the reasons; the decision's document
    number; the clocks close; one ``qualification.decided`` audit event; the applicant's
    users are told the decision, its reasons and how to ask for a review.
    """
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    dossier = _locked(dossier)
    recorded = {i.code: i for i in dossier.check_items.all()}
    codes = [item.code for item in checklist_for(dossier.kind)]
    missing = [c for c in codes if c not in recorded]
    if qualified:
        if missing:
            raise ValidationError(
                _("Record every checklist item before deciding (%(n)s open).") % {"n": len(missing)}
            )
        not_passed = [c for c in codes if recorded[c].outcome != CheckOutcome.PASS]
        if not_passed:
            raise ValidationError(
                _("Only an application that passes every item qualifies; these did not: %(items)s")
                % {"items": "；".join(_item_name(dossier, c) for c in not_passed)}
            )
        ban = ban_in_force(organisation=dossier.organisation, individual=dossier.individual)
        if ban is not None:
            raise ValidationError(
                _(
                    "The applicant is barred from applying until %(date)s (%(ground)s; "
                    "decision: %(reference)s): the application cannot qualify. Record "
                    "Art. 12(4) as failed, citing the ban, and decide “not qualified”."
                )
                % {
                    "date": day(ban.ends_on),
                    "ground": ban.get_source_display(),
                    "reference": ban.reference or "—",
                }
            )
        text = reasons.strip() or _("Meets the conditions of Articles 10 to 12 and 16.")
        dossier.qualify(by=actor, reasons=text)
    else:
        failed = [
            recorded[c] for c in codes if c in recorded and recorded[c].outcome == CheckOutcome.FAIL
        ]
        if not failed:
            raise ValidationError(_("Mark the items that fail before deciding “not qualified”."))
        lines = [f"{ITEMS[i.code].article}：{i.note}" for i in failed]
        if reasons.strip():
            lines.append(reasons.strip())
        dossier.disqualify(by=actor, reasons="\n".join(lines))
    return _decide(
        dossier,
        actor=actor,
        request=request,
        action=Action.QUALIFICATION_DECIDED,
        details={"qualified": qualified},
    )


def reply_deadline_passed(dossier: Dossier, *, today=None) -> Deadline | None:
    """The applicant's open reply deadline when it has passed (24:00 of its last day),
    else None."""
    today = today or timezone.localdate()
    return (
        Deadline.objects.filter(
            subject_type__app_label="applications",
            subject_type__model="dossier",
            subject_id=str(dossier.pk),
            kind=SUPPLEMENT_REPLY,
            status=DeadlineStatus.OPEN,
            due_date__lt=today,
        )
        .order_by("-due_date")
        .first()
    )


@transaction.atomic
def qualification_conclude_lapsed(
    *, actor, dossier: Dossier, request: HttpRequest | None = None
) -> Dossier:
    """Conclude "not qualified: no complete supplement within the period" once the
    reply deadline of the supplement notice has passed (Art. 16), so no dossier can
    block the round.

    Side effects, in order: the reply deadline is marked missed (cancelled); the
    transition with reasons citing the notice; the decision's document number; one
    ``qualification.lapsed`` audit event; the applicant's users are told.
    """
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    dossier = _locked(dossier, states=(DossierState.SUPPLEMENT_REQUESTED,))
    missed = reply_deadline_passed(dossier)
    notice = dossier.notices.order_by("-number").first()
    if missed is None or notice is None:
        raise ValidationError(
            _("The reply period of the supplement notice has not ended yet: wait until it has.")
        )
    reasons = _(
        "Not qualified (Art. 16): no complete supplement was received within the period of "
        "supplement notice %(document)s, which ended on %(due)s at 24:00."
    ) % {
        "document": notice.document.number if notice.document_id else f"#{notice.number}",
        "due": shown_day(missed.due_date),
    }
    dossier.disqualify(by=actor, reasons=reasons)
    return _decide(
        dossier,
        actor=actor,
        request=request,
        action=Action.QUALIFICATION_LAPSED,
        details={"notice": notice.number, "reply_due": missed.due_date.isoformat()},
    )
