"""Dossier writes: start, save the draft, files, submit, resubmit after a supplement,
withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day, shown_moment
from award_portal.documents.files import inspect_upload
from award_portal.workdays.engine import WorkdayCalendar
from award_portal.workdays.models import Deadline, DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..declarations import EXCLUSIONS, conditions_for
from ..enums import WITHDRAWABLE_STATES, Category, CycleState, DossierState, FileKind
from ..models import Cycle, Dossier, DossierFile, Individual, ReceiptKind
from ..permissions import can_edit_dossier, can_supplement_dossier, window_is_open
from .applicants import organisation_of
from .bans import ban_in_force, ban_message
from .grants import dossier_applicant_users, grant_dossier_access
from .messaging import tell_applicants, tell_office
from .receipts import DossierVersion, receipt_create, received_version

QUALIFICATION_CLOCK = "qualification_check"
SUPPLEMENT_REPLY = "supplement_reply"
KIND_LETTER = {ApplicantKind.ORGANISATION: "Z", ApplicantKind.INDIVIDUAL: "G"}


def office_users() -> list[User]:
    return list(User.objects.filter(groups__name=Role.OFFICE, is_active=True))


@transaction.atomic
def dossier_start(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> Dossier:
    """Open the actor's dossier for ``cycle`` (or return the one already open).

    Side effects, in order: the dossier row; view/change grants to the applicant's users;
    one ``dossier.created`` audit event.
    """
    if actor.role != Role.APPLICANT:
        raise PermissionDenied
    cycle = Cycle.objects.select_related("edition").get(pk=cycle.pk)
    if not window_is_open(cycle):
        raise ValidationError(_("This call is not open for applications."))
    if actor.applicant_kind == ApplicantKind.ORGANISATION:
        organisation = organisation_of(actor)
        if organisation is None:
            raise ValidationError(_("Fill in your organisation's profile first."))
        if cycle.quota_organisation == 0:
            raise ValidationError(_("This call does not admit organisations."))
        lookup = {"organisation": organisation}
        ban = ban_in_force(organisation=organisation)
    else:
        individual = Individual.objects.filter(user=actor).first()
        if individual is None:
            raise ValidationError(_("Fill in your personal profile first."))
        if not cycle.edition.individual_track_enabled or cycle.quota_individual == 0:
            raise ValidationError(_("This call does not admit individuals."))
        lookup = {"individual": individual}
        ban = ban_in_force(individual=individual)
    if ban is not None:  # Art. 12(4), 28: the credit code or ID number is barred
        raise ValidationError(ban_message(ban))
    existing = Dossier.objects.filter(cycle=cycle, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(cycle=cycle, kind=actor.applicant_kind, **lookup)
    except IntegrityError:  # a double click started it a moment ago
        return Dossier.objects.get(cycle=cycle, **lookup)
    grant_dossier_access(
        dossier=dossier, users=dossier_applicant_users(dossier), actor=actor, request=request
    )
    audit_record(action=Action.DOSSIER_CREATED, actor=actor, target=dossier, request=request)
    return dossier


def can_edit_answers(user, dossier: Dossier) -> bool:
    """Declarations and summaries: in the draft, and again while a supplement is asked
    for (the supplement's receipt freezes the corrected answers beside the first)."""
    return can_edit_dossier(user, dossier) or can_supplement_dossier(user, dossier)


def _changed_answers(
    dossier: Dossier, declarations: dict, summaries: dict, achievements: str
) -> list[str]:
    """The names of the answers that differ from what is stored (``declarations.12.6``,
    ``category_summaries.4.1``, ``achievements``), never their values. A condition not
    ticked is the same as one never saved, and an empty summary the same as none."""
    conditions = {item.code for item in conditions_for(dossier.kind)}
    stored = dossier.declarations or {}
    changed = [
        f"declarations.{code}"
        for code in sorted(set(stored) | set(declarations))
        if stored.get(code, False if code in conditions else None)
        != declarations.get(code, False if code in conditions else None)
    ]
    stored = dossier.category_summaries or {}
    changed += [
        f"category_summaries.{code}"
        for code in sorted(set(stored) | set(summaries))
        if (stored.get(code) or "") != (summaries.get(code) or "")
    ]
    if (dossier.achievements or "") != (achievements or ""):
        changed.append("achievements")
    return changed


@transaction.atomic
def dossier_save_draft(
    *,
    actor,
    dossier: Dossier,
    declarations: dict,
    summaries: dict,
    achievements: str,
    named_conflicts: list[dict] | None = None,
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> Dossier:
    """Save what the applicant entered so far. Refuses a stale form (another member
    saved in between) rather than overwrite their work. What was received is in the
    receipts and is not touched. ``named_conflicts`` (Art. 25: experts or organisations
    the applicant considers conflicted) is left as it is when None.

    Side effects, in order, only when an answer changed (an autosave of an unchanged
    form writes nothing, so the trail is not flooded): the answers; one
    ``dossier.draft_saved`` audit event naming the changed answers, not their values.
    """
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not can_edit_answers(actor, dossier):
        raise PermissionDenied
    if expected_updated_at is not None and dossier.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else saved this application while you were "
                "editing. Reload the page; your changes were not saved."
            )
        )
    changed = _changed_answers(dossier, declarations, summaries, achievements)
    named = None
    if named_conflicts is not None:
        named = [
            {key: str(entry.get(key, ""))[:500] for key in ("name", "organisation", "reason")}
            for entry in named_conflicts
        ]
        if named != list(dossier.named_conflicts or []):
            changed.append("named_conflicts")
    if not changed:
        return dossier
    dossier.declarations = declarations
    dossier.category_summaries = summaries
    dossier.achievements = achievements
    fields = ["declarations", "category_summaries", "achievements", "updated_at"]
    if named is not None:
        dossier.named_conflicts = named
        fields.append("named_conflicts")
    dossier.save(update_fields=fields)
    audit_record(
        action=Action.DOSSIER_DRAFT_SAVED,
        actor=actor,
        target=dossier,
        request=request,
        details={"fields": changed},
    )
    return dossier


def _check_file_quota(dossier: Dossier, size: int) -> None:
    from django.conf import settings

    totals = dossier.files.aggregate(total=Sum("size"))
    count = dossier.files.count()
    total = totals["total"] or 0
    if count >= settings.PORTAL_MAX_FILES_PER_DOSSIER:
        raise ValidationError(
            _("An application may hold at most %(n)s files; this one has %(n)s already.")
            % {"n": settings.PORTAL_MAX_FILES_PER_DOSSIER}
        )
    limit = settings.PORTAL_MAX_DOSSIER_MB * 1024 * 1024
    if total + size > limit:
        raise ValidationError(
            _(
                "The files of an application may total at most %(limit)s MB; with this file "
                "they would total %(total).1f MB."
            )
            % {"limit": settings.PORTAL_MAX_DOSSIER_MB, "total": (total + size) / 1024 / 1024}
        )


@transaction.atomic
def file_attach(
    *,
    actor,
    dossier: Dossier,
    kind: str,
    title: str,
    upload,
    trade_secret: bool,
    answers_item: str = "",
    supersedes: DossierFile | None = None,
    request: HttpRequest | None = None,
) -> DossierFile:
    """Store one file privately after checking its real type and size.

    During a supplement the file may answer an item of the notice and may replace a
    received file (which stays, marked as replaced). Side effects, in order: the file in
    private storage; the row; one ``file.uploaded`` audit event.
    """
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    supplementing = can_supplement_dossier(actor, dossier)
    if not (can_edit_dossier(actor, dossier) or supplementing):
        raise PermissionDenied
    if kind not in FileKind.values:
        raise ValidationError(_("Choose what kind of file this is."))
    if answers_item or supersedes is not None:
        if not supplementing:
            raise ValidationError(_("Only a supplement answers a notice or replaces a file."))
        notice = dossier.notices.order_by("-number").first()
        if answers_item and answers_item not in {item["code"] for item in notice.items}:
            raise ValidationError(_("Choose an item of the supplement notice."))
        if supersedes is not None and (
            supersedes.dossier_id != dossier.pk or not supersedes.is_received
        ):
            raise ValidationError(_("Choose one of the received files to replace."))
    inspected = inspect_upload(upload)
    _check_file_quota(dossier, inspected.size)
    stored = DossierFile(
        dossier=dossier,
        kind=kind,
        title=(title or upload.name)[:200],
        original_name=upload.name[:255],
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        trade_secret=trade_secret,
        uploaded_by=actor,
        answers_item=answers_item,
        supersedes=supersedes,
    )
    stored.file.save(f"upload{inspected.extension}", upload, save=False)
    try:
        stored.save()
        audit_record(
            action=Action.FILE_UPLOADED,
            actor=actor,
            target=dossier,
            request=request,
            details={
                "file": stored.pk,
                "title": stored.title,
                "kind": kind,
                "sha256": inspected.sha256,
                "size": inspected.size,
                "trade_secret": trade_secret,
                "answers_item": answers_item,
                "supersedes": supersedes.pk if supersedes else None,
            },
        )
    except Exception:
        stored.file.storage.delete(stored.file.name)  # no orphan on disk
        raise
    return stored


@transaction.atomic
def file_remove(*, actor, stored: DossierFile, request: HttpRequest | None = None) -> None:
    """Remove a file that was never received (a draft's, or one added during a
    supplement and not yet handed in). Received files are frozen.

    Side effects, in order: the row; one ``file.removed`` audit event; after commit, the
    stored file is deleted (a rolled-back removal keeps it).
    """
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=stored.dossier_id)
    if not (can_edit_dossier(actor, dossier) or can_supplement_dossier(actor, dossier)):
        raise PermissionDenied
    stored = DossierFile.objects.select_for_update().get(pk=stored.pk)
    if stored.is_received:
        raise ValidationError(
            _(
                "“%(title)s” was received by the office and cannot be removed. During a "
                "supplement you can add a file that replaces it."
            )
            % {"title": stored.title}
        )
    name = stored.file.name
    details = {
        "file": stored.pk,
        "title": stored.title,
        "sha256": stored.sha256,
        "size": stored.size,
    }
    stored.delete()
    audit_record(
        action=Action.FILE_REMOVED, actor=actor, target=dossier, request=request, details=details
    )

    def delete_stored():
        from django.core.files.storage import default_storage

        default_storage.delete(name)

    transaction.on_commit(delete_stored)


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


def dossier_checks(dossier: Dossier, version: DossierVersion | None = None) -> list[Check]:
    """The hard conditions computed from the data against the cycle's edition.

    A received dossier is judged on what was received, as of the first receipt's date;
    a draft on its live data as of today.
    """
    version = version or received_version(dossier)
    on = version.as_of
    edition = dossier.cycle.edition
    checks = []
    if version.organisation is not None:
        org = version.organisation
        years = org.years_of_operation(on)
        checks.append(
            Check(
                _("Years of continuous operation (Art. 10(1))"),
                years >= edition.organisation_min_operating_years,
                _("%(years)s years since %(founded)s; at least %(min)s required.")
                % {
                    "years": years,
                    "founded": shown_day(org.founded_on),
                    "min": edition.organisation_min_operating_years,
                },
            )
        )
        if org.for_profit:
            wanted = list(range(on.year - edition.organisation_no_loss_years, on.year))
            by_year = {fy.year: fy for fy in version.years}
            missing = [y for y in wanted if y not in by_year]
            losses = [y for y in wanted if y in by_year and by_year[y].profit < 0]
            ok = not missing and not losses
            if missing:
                detail = _("Figures missing for %(years)s.") % {
                    "years": "、".join(map(str, missing))
                }
            elif losses:
                detail = _("Operating loss in %(years)s.") % {"years": "、".join(map(str, losses))}
            else:
                detail = _("No operating loss in %(years)s.") % {
                    "years": "、".join(map(str, wanted))
                }
            checks.append(
                Check(
                    _("No operating loss in the last %(n)s years (Art. 10(3))")
                    % {"n": edition.organisation_no_loss_years},
                    ok,
                    detail,
                )
            )
    else:
        person = version.individual
        years = person.years_of_quality_work(on)
        checks.append(
            Check(
                _("Years of quality work in the city (Art. 11(1))"),
                years >= edition.individual_min_quality_years,
                _("%(years)s years since %(since)s; at least %(min)s required.")
                % {
                    "years": years,
                    "since": person.quality_work_since,
                    "min": edition.individual_min_quality_years,
                },
            )
        )
    return checks


def submission_problems(dossier: Dossier, *, as_of: date | None = None) -> list[str]:
    """Everything that still stops submission (or a supplement's resubmission), in words
    for the applicant. Reads the live data: it is about to be received."""
    edition = dossier.cycle.edition
    version = received_version(dossier) if dossier.state == DossierState.DRAFT else None
    if version is None:  # a supplement: the live data, judged as of the first receipt
        draft = Dossier(
            pk=dossier.pk,
            cycle=dossier.cycle,
            kind=dossier.kind,
            organisation=dossier.organisation,
            individual=dossier.individual,
            state=DossierState.DRAFT,
            declarations=dossier.declarations,
            category_summaries=dossier.category_summaries,
            achievements=dossier.achievements,
        )
        version = received_version(draft, receipts=[])
    if as_of is not None:
        version.as_of = as_of
    problems = []
    # Art. 12(4), 28: a ban recorded after the draft was started stops its submission too
    ban = ban_in_force(organisation=dossier.organisation, individual=dossier.individual)
    if ban is not None:
        problems.append(ban_message(ban))
    declared = dossier.declarations or {}
    for item in conditions_for(dossier.kind):
        if declared.get(item.code) is not True:
            problems.append(
                _("Declare that you meet %(article)s: %(text)s")
                % {"article": item.article, "text": item.text_for(edition)}
            )
    for item in EXCLUSIONS:
        answer = declared.get(item.code)
        if answer is True:
            problems.append(
                _("%(article)s bars the application: %(text)s")
                % {"article": item.article, "text": item.text_for(edition)}
            )
        elif answer is not False:
            problems.append(_("Answer the exclusion %(article)s.") % {"article": item.article})
    for check in dossier_checks(dossier, version):
        if not check.ok:
            problems.append(f"{check.label}：{check.detail}")
    kinds = {f.kind for f in dossier.files.all()}
    if dossier.kind == ApplicantKind.ORGANISATION:
        empty = [
            str(c.label) for c in Category if not (dossier.category_summaries or {}).get(c.value)
        ]
        if empty:
            problems.append(
                _("Summarise your self-evaluation for: %(list)s") % {"list": "、".join(empty)}
            )
        if FileKind.SELF_EVALUATION not in kinds:
            problems.append(_("Upload the full self-evaluation report."))
    elif not dossier.achievements.strip():
        problems.append(_("Write your statement of achievements."))
    if FileKind.STAMPED_FORM not in kinds:
        problems.append(_("Upload the scan of the stamped application form."))
    return problems


def _start_clock(dossier: Dossier, received: date, calendar: WorkdayCalendar) -> Deadline:
    """The office's qualification clock (Art. 16), counted from ``received``. In a year
    whose holiday schedule is not confirmed yet, the clock is pending (never guessed):
    the receipt itself never waits on the calendar."""
    return deadline_create(
        kind=QUALIFICATION_CLOCK,
        subject=dossier,
        calendar=calendar,
        label=_("Qualification check: %(number)s %(name)s")
        % {"number": dossier.number, "name": dossier.applicant_name},
        start_date=received,
        working_days=dossier.cycle.edition.qualification_max_wd,
        responsible=office_users(),
        url=reverse("applications:check", args=[dossier.pk]),
        allow_pending=True,
    )


def _assign_number(cycle: Cycle, dossier: Dossier) -> None:
    """The next number of the round and kind (2026-Z-003). The caller holds the cycle's
    row lock, so two submissions at once get consecutive numbers."""
    last = Dossier.objects.filter(cycle=cycle, kind=dossier.kind).aggregate(m=Max("serial"))["m"]
    dossier.serial = (last or 0) + 1
    dossier.number = f"{cycle.code}-{KIND_LETTER[dossier.kind]}-{dossier.serial:03d}"


@transaction.atomic
def dossier_submit(
    *, actor, dossier: Dossier, pledge: bool, request: HttpRequest | None = None
) -> Dossier:
    """Submit inside the window (Art. 15); the qualification clock starts (Art. 16).

    The cycle row is locked first, so a submission and the office closing the window are
    served one after the other: either the dossier is received or the window is closed.
    Side effects, in order: pledge time; the application number; transition to
    ``submitted`` (the time of receipt); the numbered receipt freezing the data, the
    answers and the files; the office's qualification clock (pending in a year without
    a confirmed schedule); one ``dossier.submitted`` audit event; the applicant's users
    are told (in-app, and by e-mail from the worker after commit).
    """
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=dossier.cycle_id)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not actor.has_perm("applications.change_dossier", dossier):
        raise PermissionDenied
    if dossier.state != DossierState.DRAFT:
        if dossier.received_at is None:
            raise ValidationError(
                _("This application is “%(state)s” and can no longer be submitted.")
                % {"state": dossier.get_state_display()}
            )
        raise ValidationError(
            _("This application was already received on %(when)s.")
            % {"when": shown_moment(dossier.received_at)}
        )
    if cycle.state != CycleState.ANNOUNCED or not window_is_open(cycle):
        raise ValidationError(
            _("Applications for this call closed on %(date)s at 24:00.")
            % {"date": shown_day(cycle.application_deadline)}
        )
    if not pledge:
        raise ValidationError(_("Accept the truthfulness pledge (Art. 28) to submit."))
    problems = submission_problems(dossier)
    if problems:
        raise ValidationError(problems)
    dossier.pledge_accepted_at = timezone.now()
    _assign_number(cycle, dossier)
    dossier.submit()
    dossier.save()
    receipt = receipt_create(dossier=dossier, actor=actor, kind=ReceiptKind.SUBMISSION)
    clock = _start_clock(dossier, timezone.localdate(receipt.received_at), WorkdayCalendar.load())
    audit_record(
        action=Action.DOSSIER_SUBMITTED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "number": dossier.number,
            "receipt": receipt.document.number,
            "received_at": receipt.received_at.isoformat(),
            "files": [f["sha256"] for f in receipt.files],
            "clock_due": clock.due_date.isoformat() if clock.due_date else None,
        },
    )
    tell_applicants(
        dossier,
        template="receipt",
        context={"receipt": receipt, "clock": clock},
        url=reverse("applications:dossier-detail", args=[dossier.pk]),
    )
    return dossier


def supplement_problems(dossier: Dossier, notes: dict[str, str]) -> list[str]:
    """What is missing before a supplement can be handed in (Art. 16): every item of the
    notice answered by a file added for it or by a note, and the application complete."""
    notice = dossier.notices.order_by("-number").first()
    answered_by_file = set(
        dossier.files.filter(receipt__isnull=True).values_list("answers_item", flat=True)
    )
    new_files = dossier.files.filter(receipt__isnull=True).exists()
    problems = []
    if not new_files and not any(note.strip() for note in notes.values()):
        problems.append(
            _(
                "The supplement is empty: add the files the notice asks for, or write a note "
                "for each item."
            )
        )
    for item in notice.items:
        if item["code"] not in answered_by_file and not notes.get(item["code"], "").strip():
            problems.append(
                _("Answer the notice item %(article)s (%(note)s): add a file or write a note.")
                % {"article": item["article"], "note": item["note"]}
            )
    first = dossier.receipts.order_by("sequence").first()
    as_of = timezone.localdate(first.received_at) if first else None
    return problems + submission_problems(dossier, as_of=as_of)


@transaction.atomic
def dossier_resubmit(
    *,
    actor,
    dossier: Dossier,
    notes: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Dossier:
    """Hand in the supplemented materials; the qualification clock restarts from this
    receipt (Art. 16). The first receipt and its time stay as they were.

    Side effects, in order: the notice is marked answered; the applicant's reply
    deadline is met; transition back to ``submitted``; a new numbered receipt freezing
    the data, the answers, the notes per item and the file list; a new office clock;
    one ``dossier.resubmitted`` audit event; the applicant's users are told.
    """
    notes = {code: text.strip() for code, text in (notes or {}).items()}
    dossier = (
        Dossier.objects.select_for_update().select_related("cycle__edition").get(pk=dossier.pk)
    )
    if not can_supplement_dossier(actor, dossier):
        if dossier.state != DossierState.SUPPLEMENT_REQUESTED:
            raise ValidationError(_("No supplement is requested for this application now."))
        raise PermissionDenied
    problems = supplement_problems(dossier, notes)
    if problems:
        raise ValidationError(problems)
    notice = dossier.notices.order_by("-number").first()
    notice.answered_at = timezone.now()
    notice.save(update_fields=["answered_at"])
    deadline_close_for(subject=dossier, kind=SUPPLEMENT_REPLY)
    dossier.resubmit()
    dossier.save()
    codes = {item["code"] for item in notice.items}
    receipt = receipt_create(
        dossier=dossier,
        actor=actor,
        kind=ReceiptKind.SUPPLEMENT,
        notice=notice,
        notes={code: text for code, text in notes.items() if code in codes and text},
    )
    clock = _start_clock(dossier, timezone.localdate(receipt.received_at), WorkdayCalendar.load())
    audit_record(
        action=Action.DOSSIER_RESUBMITTED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "notice": notice.number,
            "receipt": receipt.document.number,
            "received_at": receipt.received_at.isoformat(),
            "new_files": [f["sha256"] for f in receipt.files if f["new"]],
            "notes": receipt.supplement_notes,
            "clock_due": clock.due_date.isoformat() if clock.due_date else None,
        },
    )
    tell_applicants(
        dossier,
        template="receipt",
        context={"receipt": receipt, "clock": clock},
        url=reverse("applications:dossier-detail", args=[dossier.pk]),
    )
    return dossier


def close_clock(dossier: Dossier, status: str = DeadlineStatus.MET) -> None:
    deadline_close_for(subject=dossier, kind=QUALIFICATION_CLOCK, status=status)


def can_withdraw_dossier(user, dossier: Dossier) -> bool:
    return dossier.state in WITHDRAWABLE_STATES and user.has_perm(
        "applications.change_dossier", dossier
    )


@transaction.atomic
def dossier_withdraw(
    *, actor, dossier: Dossier, reason: str = "", request: HttpRequest | None = None
) -> Dossier:
    """The applicant withdraws its application (possible until the city government's
    approval). Nothing received is removed: the receipts and files stay on record.

    Side effects, in order: transition to ``withdrawn``; every open clock of the dossier
    is cancelled (no more reminders); one ``dossier.withdrawn`` audit event; the office
    and the applicant's users are told.
    """
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not actor.has_perm("applications.change_dossier", dossier):
        raise PermissionDenied
    if dossier.state not in WITHDRAWABLE_STATES:
        raise ValidationError(
            _("This application is “%(state)s” and can no longer be withdrawn.")
            % {"state": dossier.get_state_display()}
        )
    before = dossier.state
    dossier.withdraw(reason=reason.strip())
    dossier.save()
    for kind in (QUALIFICATION_CLOCK, SUPPLEMENT_REPLY):
        deadline_close_for(subject=dossier, kind=kind, status=DeadlineStatus.CANCELLED)
    audit_record(
        action=Action.DOSSIER_WITHDRAWN,
        actor=actor,
        target=dossier,
        request=request,
        details={"from": before, "reason": dossier.withdrawal_reason},
    )
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    tell_applicants(dossier, template="withdrawn", context={}, url=url)
    if before != DossierState.DRAFT:
        tell_office(dossier, template="withdrawn_office", context={}, url=url)
    return dossier


@transaction.atomic
def dossier_review_start(*, dossier: Dossier, actor=None) -> Dossier:
    """The round entered its expert review: a qualified dossier is now under review.

    Called by review/ when the office starts the review (never a page of this app).
    Side effects, in order: transition to ``under_review``; one ``dossier.review_started``
    audit event.
    """
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.state != DossierState.QUALIFIED:
        raise ValidationError(
            _("Only a qualified application goes to the expert review; this one is “%(state)s”.")
            % {"state": dossier.get_state_display()}
        )
    dossier.start_review()
    dossier.save()
    audit_record(
        action=Action.REVIEW_STARTED,
        actor=actor,
        target=dossier,
        actor_label="" if actor else "system",
    )
    return dossier


@transaction.atomic
def dossier_review_conclude(
    *, dossier: Dossier, actor=None, details: dict | None = None
) -> Dossier:
    """The dossier has its final review result (it completed every stage, or did not
    advance to the next one). Called by review/.

    Side effects, in order: transition to ``reviewed``; one ``dossier.review_concluded``
    audit event with the details review/ gives (stage reached, score).
    """
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.state != DossierState.UNDER_REVIEW:
        raise ValidationError(
            _("This application is “%(state)s”, not under expert review.")
            % {"state": dossier.get_state_display()}
        )
    dossier.conclude_review()
    dossier.save()
    audit_record(
        action=Action.REVIEW_CONCLUDED,
        actor=actor,
        target=dossier,
        actor_label="" if actor else "system",
        details=details or {},
    )
    return dossier


# Art. 20-23: the moves publicity/ makes (never a page of this app)
DOWNSTREAM_MOVES = {
    "shortlist",
    "leave_off_shortlist",
    "propose",
    "not_propose",
    "cancel_after_objection",
    "approve",
    "not_approve",
    "confer",
    "revoke",
}


@transaction.atomic
def dossier_move(
    *,
    dossier: Dossier,
    name: str,
    actor=None,
    details: dict | None = None,
    request: HttpRequest | None = None,
) -> Dossier:
    """Run one of the later transitions of the dossier (candidate list, the group's
    decision, an upheld objection, the approval, the award) for the app that owns that
    stage.

    Side effects, in order: the dossier row locked; the transition; one
    ``dossier.transition`` audit event with the details the caller gives (the decision,
    its record).
    """
    if name not in DOWNSTREAM_MOVES:
        raise PermissionDenied
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    available = {t.name for t in dossier.get_available_state_transitions()}
    if name not in available:
        raise ValidationError(
            _("The application %(number)s is “%(state)s”; that step is not possible now.")
            % {"number": dossier.number, "state": dossier.get_state_display()}
        )
    before = dossier.state
    getattr(dossier, name)()
    dossier.save()
    audit_record(
        action=Action.DOSSIER_TRANSITION,
        actor=actor,
        target=dossier,
        request=request,
        actor_label="" if actor else "system",
        details={"transition": name, "from": before, "to": dossier.state, **(details or {})},
    )
    return dossier
