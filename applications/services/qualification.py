"""The office's qualification check (Art. 16): checklist, ONE supplement notice, decision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..declarations import ITEMS, checklist_for
from ..enums import CheckOutcome, DossierState
from ..models import CheckItem, Dossier, SupplementNotice
from ..permissions import can_check_dossier
from .dossiers import SUPPLEMENT_REPLY, _mail_applicants, close_clock, office_users
from .grants import dossier_applicant_users


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


@transaction.atomic
def check_item_record(
    *,
    actor,
    dossier: Dossier,
    code: str,
    outcome: str,
    note: str,
    request: HttpRequest | None = None,
) -> CheckItem:
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    dossier = _locked(dossier)
    if code not in {item.code for item in checklist_for(dossier.kind)}:
        raise ValidationError(_("Unknown checklist item."))
    if outcome not in CheckOutcome.values:
        raise ValidationError(_("Choose pass, fail or needs supplement."))
    if outcome != CheckOutcome.PASS and not note.strip():
        raise ValidationError(_("Say what is wrong or missing: the applicant reads this note."))
    item, _created = CheckItem.objects.update_or_create(
        dossier=dossier,
        code=code,
        defaults={
            "outcome": outcome,
            "note": note.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        action=Action.CHECK_RECORDED,
        actor=actor,
        target=dossier,
        request=request,
        details={"code": code, "outcome": outcome},
    )
    return item


@transaction.atomic
def supplement_request(
    *,
    actor,
    dossier: Dossier,
    reply_working_days: int,
    reason_for_another: str = "",
    request: HttpRequest | None = None,
) -> SupplementNotice:
    """Send ONE notice listing every "needs supplement" item (一次性告知).

    A further notice for the same dossier needs ``reason_for_another``, which is kept on
    the notice and in the audit trail. Side effects, in order: the notice; the dossier to
    ``supplement_requested``; the office clock stops; a reply deadline for the applicant
    (the office is told when it is missed); audit event; after commit, the e-mail.
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
        reply_due = calendar.add(today, reply_working_days)
    except ScheduleUnknown as error:
        raise ValidationError(error.message) from None
    notice = SupplementNotice.objects.create(
        dossier=dossier,
        number=previous + 1,
        reply_working_days=reply_working_days,
        reply_due=reply_due,
        reason_for_another=reason_for_another.strip(),
        sent_by=actor,
        items=[
            {
                "code": i.code,
                "article": str(ITEMS[i.code].article),
                "text": str(ITEMS[i.code].text),
                "note": i.note,
            }
            for i in items
        ],
    )
    dossier.request_supplement()
    dossier.save()
    close_clock(dossier, status=DeadlineStatus.CANCELLED)
    deadline_create(
        kind=SUPPLEMENT_REPLY,
        subject=dossier,
        calendar=calendar,
        start_date=today,
        working_days=reply_working_days,
        label=_("Supplement for %(name)s") % {"name": dossier.applicant_name},
        responsible=dossier_applicant_users(dossier),
        escalate_to=office_users(),
        url=reverse("applications:dossier-detail", args=[dossier.pk]),
    )
    audit_record(
        action=Action.SUPPLEMENT_REQUESTED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "notice": notice.number,
            "items": [i.code for i in items],
            "reply_due": reply_due.isoformat(),
            "reason_for_another": notice.reason_for_another,
        },
    )
    _mail_applicants(
        dossier,
        _("Supplement notice: %(name)s"),
        _(
            "The coordination office asks you to supplement your application to "
            "“%(cycle)s”. The notice lists every item: %(link)s"
        ),
        "applications:dossier-detail",
    )
    return notice


@transaction.atomic
def qualification_decide(
    *,
    actor,
    dossier: Dossier,
    qualified: bool,
    reasons: str = "",
    request: HttpRequest | None = None,
) -> Dossier:
    """Qualified only when every checklist item passed; not qualified cites the articles
    of the failed items. Two clerks deciding at once: the second is refused."""
    if not can_check_dossier(actor, dossier):
        raise PermissionDenied
    # a missed reply deadline may end in "not qualified" without a resubmission
    states = (
        (DossierState.SUBMITTED,)
        if qualified
        else (DossierState.SUBMITTED, DossierState.SUPPLEMENT_REQUESTED)
    )
    dossier = _locked(dossier, states=states)
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
                _("Only a dossier that passes every item is qualified; %(items)s did not pass.")
                % {"items": ", ".join(not_passed)}
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
    dossier.save()
    close_clock(dossier)
    deadline_close_for(subject=dossier, kind=SUPPLEMENT_REPLY, status=DeadlineStatus.CANCELLED)
    audit_record(
        action=Action.QUALIFICATION_DECIDED,
        actor=actor,
        target=dossier,
        request=request,
        details={"qualified": qualified, "reasons": dossier.decision_reasons},
    )
    _mail_applicants(
        dossier,
        _("Qualification decision: %(name)s"),
        _(
            "The coordination office has decided on your application to "
            "“%(cycle)s”. The decision notice: %(link)s"
        ),
        "applications:decision-pdf",
    )
    return dossier
