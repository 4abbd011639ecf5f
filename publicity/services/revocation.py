"""Revocation of a title (Art. 28, 29), the recovery that follows, and the ban that a
revocation for fraud brings (Art. 28, through the applications app's service).

Every function here is one step of the case; each checks who acts and in which state,
writes its audit row in the same transaction and tells the winner after the commit
(the e-mail leaves from the worker).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.services.bans import ban_for_revocation, years_later_last_day
from applications.services.dossiers import dossier_move
from applications.services.grants import dossier_applicant_users
from applications.services.messaging import tell_applicants
from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import money
from award_portal.documents.files import inspect_upload
from award_portal.documents.services import document_issue
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notification_links_close, notify
from award_portal.rules.selectors import edition_in_force
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..enums import RevocationGround, RevocationState
from ..models import Award, PrizeRecovery, RevocationCase, RevocationFile
from ..permissions import is_office, oversees
from .award import valid_until
from .supervision import _office_users, fund_reports_stop

# the office sets the period for the winner's statement; it is a period of the
# office's procedure, not a number of the Measures, kept within a sensible range
STATEMENT_MIN_WD = 3
STATEMENT_MAX_WD = 30
STATEMENT_CLOCK = "publicity.revocation_statement"


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def revocation_window_end(award: Award) -> date:
    """The last day of the Art. 29 window: ``revocation_window_years`` after the award
    (the approval date), from the edition of the award's round."""
    return valid_until(award.valid_from, award.cycle.edition.revocation_window_years)


def can_answer_case(user, case: RevocationCase) -> bool:
    """The winner's own users (those who may see its dossier)."""
    return (
        user.is_authenticated
        and user.role == Role.APPLICANT
        and user.has_perm("applications.view_dossier", case.award.dossier)
    )


def can_read_case(user, case: RevocationCase) -> bool:
    return oversees(user) or can_answer_case(user, case)


def _store(case, upload, *, actor, note: str = "", from_winner: bool = False) -> RevocationFile:
    info = inspect_upload(upload)
    stored = RevocationFile(
        case=case,
        original_name=upload.name[:255],
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        note=(note or "").strip()[:200],
        from_winner=from_winner,
        added_by=actor,
    )
    upload.seek(0)
    stored.file.save(f"evidence{info.extension}", ContentFile(upload.read()), save=False)
    stored.save()
    return stored


def _next_number(year: int) -> str:
    prefix = f"{year}-CX-"
    taken = RevocationCase.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def revocation_open(
    *,
    actor,
    award: Award,
    ground: str,
    facts: str,
    incident_on: date | None = None,
    statement_working_days: int,
    evidence=(),
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RevocationCase:
    """Open a case against a winner and tell it, with the period for its statement.

    Art. 28 (fraud) may be invoked at any time; Art. 29 (an incident) only for an
    incident from the award date to the last day of the edition's revocation window.
    Side effects, in order: the case with its statement due date (the N-th working day
    after today, by the calendar engine); the evidence files (private storage); the
    statement's stored deadline (reminders to the winner's users); one
    ``publicity.revocation_opened`` event; the winner's users told (in-app and e-mail).
    """
    _require_office(actor)
    today = today or timezone.localdate()
    award = (
        Award.objects.select_for_update()
        .select_related("cycle__edition", "dossier")
        .get(pk=award.pk)
    )
    facts = (facts or "").strip()
    if ground not in RevocationGround.values:
        raise ValidationError(_("Choose the ground of the revocation."))
    if award.status_on(today) == "revoked":
        raise ValidationError(_("This title has been revoked already."))
    if RevocationCase.objects.filter(
        award=award,
        state__in=[RevocationState.OPENED, RevocationState.ANSWERED, RevocationState.PROPOSED],
    ).exists():
        raise ValidationError(_("A revocation case against this winner is open already."))
    if not facts:
        raise ValidationError(_("Describe the facts the case rests on."))
    if ground == RevocationGround.INCIDENT:
        if incident_on is None:
            raise ValidationError(_("Give the date of the incident or violation (Art. 29)."))
        if incident_on > today:
            raise ValidationError(_("The date of the incident cannot be in the future."))
        end = revocation_window_end(award)
        if not award.valid_from <= incident_on <= end:
            raise ValidationError(
                _(
                    "Art. 29 covers an incident within %(years)s years after the award, from "
                    "%(start)s to %(end)s; an incident on %(day)s is outside that period. "
                    "Fraud (Art. 28) may be pursued at any time."
                )
                % {
                    "years": award.cycle.edition.revocation_window_years,
                    "start": day(award.valid_from),
                    "end": day(end),
                    "day": day(incident_on),
                }
            )
    elif incident_on is not None:
        # the date would be dropped without a word: say so instead
        raise ValidationError(
            _(
                "A case of fraud (Art. 28) has no incident date: leave the date empty. The "
                "date is for an incident or violation under Art. 29."
            )
        )
    if not STATEMENT_MIN_WD <= (statement_working_days or 0) <= STATEMENT_MAX_WD:
        raise ValidationError(
            _("The period for the statement is %(min)s to %(max)s working days.")
            % {"min": STATEMENT_MIN_WD, "max": STATEMENT_MAX_WD}
        )
    calendar = WorkdayCalendar.load()
    try:
        due = calendar.add(today, statement_working_days)
    except ScheduleUnknown as error:
        raise ValidationError(error.message) from error
    case = RevocationCase.objects.create(
        award=award,
        number=_next_number(today.year),
        ground=ground,
        facts=facts,
        incident_on=incident_on,
        opened_by=actor,
        statement_working_days=statement_working_days,
        statement_due=due,
    )
    files = [_store(case, upload, actor=actor) for upload in evidence]
    # the core reminder sweep reminds the winner before the period ends, and tells the
    # office once it has passed without a statement
    deadline_create(
        kind=STATEMENT_CLOCK,
        subject=case,
        calendar=calendar,
        label=_("Statement on revocation case %(number)s") % {"number": case.number},
        start_date=today,
        working_days=statement_working_days,
        responsible=dossier_applicant_users(award.dossier),
        escalate_to=_office_users(),
        url=reverse("publicity:revocation-statement", args=[case.pk]),
    )
    audit_record(
        action=Action.REVOCATION_OPENED,
        actor=actor,
        target=case,
        request=request,
        details={
            "award": award.certificate_number,
            "dossier": award.dossier.number,
            "ground": ground,
            "incident_on": incident_on.isoformat() if incident_on else None,
            "statement_due": due.isoformat(),
            "files": [f.sha256 for f in files],
        },
    )
    tell_applicants(
        award.dossier,
        template="revocation_opened",
        context={"case": case, "award": award},
        url=reverse("publicity:revocation-statement", args=[case.pk]),
        folder="publicity/email",
    )
    return case


def _locked(case: RevocationCase) -> RevocationCase:
    return (
        RevocationCase.objects.select_for_update()
        .select_related("award__cycle__edition", "award__dossier")
        .get(pk=case.pk)
    )


@transaction.atomic
def revocation_evidence_add(
    *, actor, case: RevocationCase, upload, note: str = "", request: HttpRequest | None = None
) -> RevocationFile:
    """More evidence while the case is open (before the government's decision).

    Side effects: the file (private storage); one ``publicity.revocation_evidence`` event.
    """
    _require_office(actor)
    case = _locked(case)
    if not case.is_open:
        raise ValidationError(_("The case is decided; its evidence is closed."))
    if upload is None:
        raise ValidationError(_("Choose a file."))
    stored = _store(case, upload, actor=actor, note=note)
    audit_record(
        action=Action.REVOCATION_EVIDENCE,
        actor=actor,
        target=case,
        request=request,
        details={"file": stored.original_name, "sha256": stored.sha256},
    )
    return stored


@transaction.atomic
def revocation_statement_submit(
    *,
    actor,
    case: RevocationCase,
    text: str,
    upload=None,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RevocationCase:
    """The winner's statement (陈述申辩), once, until 24:00 of the due day.

    Side effects, in order: the statement and its file; the case ``answered``; its
    deadline met; one ``publicity.revocation_statement`` event; the office told (in-app).
    """
    if not can_answer_case(actor, case):
        raise PermissionDenied
    today = today or timezone.localdate()
    case = _locked(case)
    if case.state != RevocationState.OPENED:
        raise ValidationError(_("The statement has been received already; it cannot be changed."))
    if today > case.statement_due:
        raise ValidationError(
            _("The period for the statement ended on %(date)s 24:00.")
            % {"date": day(case.statement_due)}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write your statement."))
    stored = _store(case, upload, actor=actor, from_winner=True) if upload is not None else None
    case.statement, case.statement_at, case.statement_by = text, timezone.now(), actor
    case.answer()
    case.save()
    deadline_close_for(subject=case, kind=STATEMENT_CLOCK)
    audit_record(
        action=Action.REVOCATION_STATEMENT,
        actor=actor,
        target=case,
        request=request,
        details={"length": len(text), "file": stored.sha256 if stored else None},
    )
    url = reverse("publicity:revocation", args=[case.pk])
    for user in _office_users():
        notify(
            user=user,
            title=_("Statement received in revocation case %(number)s") % {"number": case.number},
            body=_("%(name)s made its statement on %(date)s; the proposal can now be made.")
            % {"name": case.award.winner_name, "date": day(today)},
            url=url,
            email=False,
        )
    return case


@transaction.atomic
def revocation_propose(
    *,
    actor,
    case: RevocationCase,
    proposal: str,
    proposed_on: date,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RevocationCase:
    """The office's proposal to the city government (提请撤销), after the winner has
    answered or its period has passed.

    Side effects: the case ``proposed``; one ``publicity.revocation_proposed`` event.
    """
    _require_office(actor)
    today = today or timezone.localdate()
    case = _locked(case)
    if case.state == RevocationState.OPENED and today <= case.statement_due:
        raise ValidationError(
            _(
                "The winner may make a statement until %(date)s 24:00; the proposal can be "
                "made once the statement is received or that period has passed."
            )
            % {"date": day(case.statement_due)}
        )
    if case.state not in (RevocationState.OPENED, RevocationState.ANSWERED):
        raise ValidationError(_("The case has been proposed already."))
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError(_("Write the proposal to the city government."))
    if proposed_on > today or proposed_on < timezone.localdate(case.opened_at):
        raise ValidationError(
            _("The proposal's date lies between the opening of the case and today.")
        )
    case.proposal, case.proposed_on = proposal, proposed_on
    case.propose()
    case.save()
    # a period that passed without a statement needs no more reminders
    deadline_close_for(subject=case, kind=STATEMENT_CLOCK, status=DeadlineStatus.CANCELLED)
    audit_record(
        action=Action.REVOCATION_PROPOSED,
        actor=actor,
        target=case,
        request=request,
        details={"proposed_on": proposed_on.isoformat(), "statement": bool(case.statement)},
    )
    return case


@transaction.atomic
def revocation_decide(
    *,
    actor,
    case: RevocationCase,
    revoke: bool,
    document_number: str,
    decided_on: date,
    scan,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RevocationCase:
    """Record the city government's decision.

    Side effects, in order: the decision with its scan (private file); for a
    revocation: the award's ``revoked_on`` (its status is then "revoked" from that day),
    the dossier ``revoked``, what must be recovered (the plaque if delivered, the
    certificate, for fraud the prize money paid), the public notice numbered as an
    official document, for fraud the ban (``applicant.ban_recorded``) for the
    ``fraud_ban_years`` of the edition in force on the decision date, from that date;
    the case ``revoked`` or ``not_revoked``; the winner's notification links to the
    certificate closed (``links_closed``); one ``publicity.revocation_decided`` event;
    the winner told.
    """
    _require_office(actor)
    today = today or timezone.localdate()
    case = _locked(case)
    if case.state != RevocationState.PROPOSED:
        raise ValidationError(_("The decision is recorded after the proposal, once."))
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError(_("Give the number of the government's document."))
    if scan is None:
        raise ValidationError(_("Attach the scanned decision."))
    if decided_on > today or decided_on < case.proposed_on:
        raise ValidationError(
            _("The decision's date lies between the proposal (%(date)s) and today.")
            % {"date": day(case.proposed_on)}
        )
    ban_edition = None
    if revoke and case.is_fraud:
        # Art. 28's ban is the one the rules in force on the decision date set, not
        # those of the round the title was won in
        ban_edition = edition_in_force(on=decided_on)
        if ban_edition is None:
            raise ValidationError(
                _(
                    "No rulebook edition is in force on %(date)s, so the length of the ban "
                    "cannot be set. Enter the edition in force on that date first."
                )
                % {"date": day(decided_on)}
            )
    info = inspect_upload(scan)
    scan.seek(0)
    case.decision_scan.save(f"decision{info.extension}", ContentFile(scan.read()), save=False)
    case.decision_scan_name = scan.name[:255]
    case.decision_scan_sha256 = info.sha256
    case.decision_number = document_number[:100]
    case.decided_on = decided_on
    case.decision_recorded_by = actor
    award = Award.objects.select_for_update().get(pk=case.award_id)
    ban = None
    reminders_cancelled = 0
    links_closed = 0
    if revoke:
        award.revoked_on = decided_on
        award.save(update_fields=["revoked_on"])
        # the winner is no longer given the certificate: its notifications stop
        # offering the link (the office and the auditor keep theirs)
        links_closed = notification_links_close(
            urls=[reverse("publicity:certificate-pdf", args=[award.pk])],
            roles=[Role.APPLICANT],
        )
        # no more prize-fund reports are due from a revoked title (Art. 24, 28)
        reminders_cancelled = fund_reports_stop(award=award)
        dossier_move(
            dossier=award.dossier,
            name="revoke",
            actor=actor,
            details={"decision": case.decision_number, "case": case.number},
        )
        prize = getattr(award, "prize", None)
        case.plaque_due = award.plaque_delivered_on is not None
        case.prize_due_yuan = (
            prize.amount_yuan if case.is_fraud and prize is not None and prize.paid_on else 0
        )
        case.notice = document_issue(
            kind="revocation_notice",
            title=_("Notice on the revocation of the Mayor's Quality Award title of %(name)s")
            % {"name": award.winner_name},
            subject=case,
        )
        case.notice_published_at = timezone.now()
        if case.is_fraud:
            ban = ban_for_revocation(
                actor=actor,
                dossier=award.dossier,
                decided_on=decided_on,
                years=ban_edition.fraud_ban_years,
                reference=case.decision_number,
                request=request,
            )
            case.ban = ban
        case.revoke()
    else:
        case.keep()
    case.save()
    audit_record(
        action=Action.REVOCATION_DECIDED,
        actor=actor,
        target=case,
        request=request,
        details={
            "revoke": revoke,
            "document": case.decision_number,
            "decided_on": decided_on.isoformat(),
            "sha256": info.sha256,
            "notice": case.notice.number if case.notice else None,
            "ban_until": ban.ends_on.isoformat() if ban else None,
            "prize_due": money(case.prize_due_yuan),
            "fund_reminders_cancelled": reminders_cancelled,
            "links_closed": links_closed,
        },
    )
    tell_applicants(
        award.dossier,
        template="revocation_decided",
        context={"case": case, "award": award, "ban": ban},
        url=reverse("publicity:revocation-statement", args=[case.pk]),
        folder="publicity/email",
    )
    return case


def revocation_consequences(*, case: RevocationCase, revoke: bool, decided_on: date) -> list[str]:
    """What recording this decision will do, in words, for the office to confirm first
    (it writes nothing). The same rules as ``revocation_decide``."""
    award = case.award
    if not revoke:
        return [
            _("The title is kept; the case ends as not revoked and the winner is told."),
        ]
    lines = [
        _(
            "The title is revoked from %(date)s: the certificate no. %(number)s is no longer "
            "valid, and the certificate check and the winners list say so at once."
        )
        % {"date": day(decided_on), "number": award.certificate_number},
        _(
            "The application is marked revoked; no more prize-fund reports are due, and the "
            "public notice of the revocation is issued with a document number."
        ),
    ]
    recover = [_("the certificate")]
    if award.plaque_delivered_on is not None:
        recover.insert(0, _("the plaque"))
    prize = getattr(award, "prize", None)
    if case.is_fraud and prize is not None and prize.paid_on:
        recover.append(_("%(amount)s yuan of prize money") % {"amount": f"{prize.amount_yuan:,}"})
    lines.append(
        _("To be recovered: %(items)s.")
        % {"items": pgettext("list separator", ", ").join(str(x) for x in recover)}
    )
    if case.is_fraud:
        edition = edition_in_force(on=decided_on)
        if edition is None:
            lines.append(
                _(
                    "No rulebook edition is in force on %(date)s, so the length of the ban "
                    "cannot be set. Enter the edition in force on that date first."
                )
                % {"date": day(decided_on)}
            )
        else:
            lines.append(
                _(
                    "%(name)s may not apply from %(start)s to %(end)s, both days included "
                    "(Art. 28: %(years)s years under “%(edition)s”)."
                )
                % {
                    "name": award.winner_name,
                    "start": day(decided_on),
                    "end": day(years_later_last_day(decided_on, edition.fraud_ban_years)),
                    "years": edition.fraud_ban_years,
                    "edition": edition.name,
                }
            )
    return lines


def recovered_yuan(case: RevocationCase) -> int:
    return case.recoveries.aggregate(total=Sum("amount_yuan"))["total"] or 0


def recovery_outstanding(case: RevocationCase) -> list[str]:
    """What is still to come back, in words (empty: complete)."""
    missing = []
    if case.plaque_due and case.plaque_recovered_on is None:
        missing.append(_("the plaque"))
    if case.certificate_recovered_on is None:
        missing.append(_("the certificate"))
    left = case.prize_due_yuan - recovered_yuan(case)
    if left > 0:
        missing.append(_("%(amount)s yuan of prize money") % {"amount": f"{left:,}"})
    return missing


def _close_if_complete(case: RevocationCase, *, actor, request) -> None:
    if recovery_outstanding(case):
        return
    days = [case.plaque_recovered_on, case.certificate_recovered_on]
    days += list(case.recoveries.values_list("received_on", flat=True))
    case.recovery_completed_on = max(d for d in days if d is not None)
    case.close()
    case.save()
    audit_record(
        action=Action.REVOCATION_CLOSED,
        actor=actor,
        target=case,
        request=request,
        details={
            "completed_on": case.recovery_completed_on.isoformat(),
            "prize_recovered": money(recovered_yuan(case)),
        },
    )


def _check_recovery_day(case: RevocationCase, on: date, today: date) -> None:
    if on > today or on < case.decided_on:
        raise ValidationError(
            _("The date lies between the decision (%(date)s) and today.")
            % {"date": day(case.decided_on)}
        )


@transaction.atomic
def recovery_item_record(
    *,
    actor,
    case: RevocationCase,
    item: str,
    on: date,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RevocationCase:
    """The plaque or the certificate is back (收回奖牌、证书).

    Side effects, in order: the date on the case; one ``publicity.recovery_recorded``
    event; when nothing else is outstanding, the case ``closed`` with one
    ``publicity.revocation_closed`` event.
    """
    _require_office(actor)
    today = today or timezone.localdate()
    case = _locked(case)
    if case.state != RevocationState.REVOKED:
        raise ValidationError(_("Recovery is recorded for a revoked title until it is complete."))
    field = {"plaque": "plaque_recovered_on", "certificate": "certificate_recovered_on"}.get(item)
    if field is None or (item == "plaque" and not case.plaque_due):
        raise ValidationError(_("Nothing of that kind is to be recovered."))
    if getattr(case, field) is not None:
        raise ValidationError(_("Its recovery is recorded already."))
    _check_recovery_day(case, on, today)
    setattr(case, field, on)
    case.save(update_fields=[field])
    audit_record(
        action=Action.RECOVERY_RECORDED,
        actor=actor,
        target=case,
        request=request,
        details={"item": item, "on": on.isoformat()},
    )
    _close_if_complete(case, actor=actor, request=request)
    return case


@transaction.atomic
def prize_recovery_record(
    *,
    actor,
    case: RevocationCase,
    amount_yuan: int,
    received_on: date,
    reference: str,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> PrizeRecovery:
    """Prize money paid back (追缴奖金, Art. 28), in one or more amounts, never more than
    is due.

    Side effects, in order: the amount; one ``publicity.recovery_recorded`` event; when
    nothing else is outstanding, the case ``closed`` (``publicity.revocation_closed``).
    """
    _require_office(actor)
    today = today or timezone.localdate()
    case = _locked(case)
    if case.state != RevocationState.REVOKED or case.prize_due_yuan == 0:
        raise ValidationError(_("No prize money is to be recovered in this case."))
    left = case.prize_due_yuan - recovered_yuan(case)
    if not amount_yuan or amount_yuan < 1:
        raise ValidationError(_("Give the amount received, in yuan."))
    if amount_yuan > left:
        raise ValidationError(
            _("Only %(left)s yuan remain to be recovered.") % {"left": f"{left:,}"}
        )
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(_("Give the payment's reference."))
    _check_recovery_day(case, received_on, today)
    recovery = PrizeRecovery.objects.create(
        case=case,
        amount_yuan=amount_yuan,
        received_on=received_on,
        reference=reference[:100],
        recorded_by=actor,
    )
    audit_record(
        action=Action.RECOVERY_RECORDED,
        actor=actor,
        target=case,
        request=request,
        details={
            "item": "prize",
            "amount": money(amount_yuan),
            "on": received_on.isoformat(),
            "reference": recovery.reference,
            "left": money(left - amount_yuan),
        },
    )
    _close_if_complete(case, actor=actor, request=request)
    return recovery


def revocation_file_open(*, actor, case: RevocationCase, which, request=None):
    """A private file of the case (evidence, the statement's file, the decision's scan)
    opened by the office or the auditor, or a file of the case (the office's evidence,
    its own attachment) by the winner's users, who must see what the case rests on to
    answer it; each opening is a ``file.downloaded`` event. ``which`` is a
    RevocationFile or the string "decision"."""
    if not (oversees(actor) or (which != "decision" and can_answer_case(actor, case))):
        raise PermissionDenied
    if which == "decision":
        sha, name = case.decision_scan_sha256, case.decision_scan_name
    else:
        sha, name = which.sha256, which.original_name
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=case,
        request=request,
        details={"case": case.number, "file": name, "sha256": sha},
    )
