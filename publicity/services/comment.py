"""Publishing the review results and the public comment period (Art. 19, 20, 27).

The office drafts a dated notice (its text and which fields appear), publishes it — the
entries are frozen, the round moves to ``public_comment``, the notice gets its document
number and PDF — and the public comments on a named candidate under its real name and a
verified contact. Comments are never public; the office weighs each one with a reason.
The period can never close before the edition's ``comment_min_wd`` working days.
"""

from __future__ import annotations

import contextlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from applications.services.cycles import cycle_transition
from applications.services.messaging import tell_applicants
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record, client_ip
from award_portal.documents.files import inspect_upload
from award_portal.documents.services import document_issue
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from review.selectors import review_board

from ..enums import Weighing
from ..models import Comment, CommentFile, CommentWeighing, NoticeEntry, ResultsNotice
from ..permissions import is_office, oversees
from .contact import contact_check_spend, contact_check_verify

MAX_EVIDENCE_FILES = 5


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def receipt_number(prefix: str) -> str:
    """A number people quote (e.g. YJ-2026-7KQ2M9): not guessable, not a database id."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    year = timezone.localdate().year
    return f"{prefix}-{year}-" + "".join(secrets.choice(alphabet) for _ in range(6))


def comment_window(notice: ResultsNotice, *, calendar: WorkdayCalendar | None = None):
    """(first day, last day of the minimum period) of the comment period, counted from the
    day after the publication (Civil Code art. 201); None while a date falls in a year
    without a confirmed schedule."""
    calendar = calendar or WorkdayCalendar.load()
    published = timezone.localdate(notice.published_at or timezone.now())
    window = calendar.window(published, notice.cycle.edition.comment_min_wd, at_midnight=False)
    return window.first, window.last


@transaction.atomic
def notice_save(
    *,
    actor,
    cycle: Cycle,
    data: dict,
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> ResultsNotice:
    """Draft (or edit the draft of) the notice of the review results."""
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    notice = ResultsNotice.objects.select_for_update().filter(cycle=cycle).first()
    if notice is not None and notice.is_published:
        raise ValidationError(_("The notice has been published; it no longer changes."))
    if notice is not None and expected_updated_at and notice.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else changed this notice while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    notice = notice or ResultsNotice(cycle=cycle, created_by=actor)
    changes = {}
    for name in ("title", "body", "show_sector", "show_district", "show_score", "show_rank"):
        if name in data and getattr(notice, name) != data[name]:
            changes[name] = [str(getattr(notice, name)), str(data[name])]
            setattr(notice, name, data[name])
    if not notice.title.strip() or not notice.body.strip():
        raise ValidationError(_("Give the notice a title and a text."))
    notice.save()
    audit_record(
        action=Action.NOTICE_SAVED,
        actor=actor,
        target=cycle,
        request=request,
        details={"changes": changes},
    )
    return notice


def _result_text(row, board) -> str:
    if row.composite is not None:
        return _("Completed every review stage")
    if row.reached is not None:
        following = [s for s in board.stages if s.position > row.reached.position]
        if following:
            return _("Did not advance to %(stage)s") % {"stage": following[0].get_kind_display()}
    return _("Review concluded")


def entries_preview(cycle: Cycle) -> list[dict]:
    """What the notice will list: every dossier whose review concluded, per kind in the
    order of the review board."""
    board = review_board(cycle)
    rows = []
    if board is None:
        return rows
    for kind, kind_rows in board.kinds.items():
        for position, row in enumerate(
            (r for r in kind_rows if r.dossier.state == DossierState.REVIEWED), start=1
        ):
            dossier = row.dossier
            org = dossier.organisation
            rows.append(
                {
                    "dossier": dossier,
                    "kind": kind,
                    "position": position,
                    "name": dossier.applicant_name,
                    "sector": org.get_sector_display() if org else "",
                    "district": org.get_district_display() if org else "",
                    "rank": row.rank,
                    "score": row.composite,
                    "result": _result_text(row, board),
                }
            )
    return rows


@transaction.atomic
def notice_publish(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> ResultsNotice:
    """Publish the review results and open the public comment (Art. 19).

    Side effects, in order: the round's ``publish_results`` transition (its guard: every
    dossier has its final review result); the entries frozen; the notice's document
    number; its dates (first day, the minimum period's last day); one
    ``publicity.notice_published`` event; each applicant told.
    """
    _require_office(actor)
    notice = ResultsNotice.objects.select_for_update().filter(cycle=cycle).first()
    if notice is None:
        raise ValidationError(_("Draft the notice first."))
    if notice.is_published:
        raise ValidationError(_("The notice has been published already."))
    cycle = cycle_transition(actor=actor, cycle=cycle, name="publish_results", request=request)
    rows = entries_preview(cycle)
    if not rows:
        raise ValidationError(_("No application has a review result to publish."))
    for row in rows:
        NoticeEntry.objects.create(notice=notice, **row)
    notice.published_at = timezone.now()
    # shown as pending when a date falls in a year without a confirmed schedule
    with contextlib.suppress(ScheduleUnknown):
        notice.comment_first_day, notice.comment_earliest_close = comment_window(notice)
    notice.document = document_issue(kind="results_notice", title=notice.title, subject=cycle)
    notice.save()
    audit_record(
        action=Action.NOTICE_PUBLISHED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "entries": len(rows),
            "document": notice.document.number,
            "first_day": str(notice.comment_first_day),
            "earliest_close": str(notice.comment_earliest_close),
        },
    )
    url = reverse("publicity:results", args=[cycle.pk])
    for row in rows:
        tell_applicants(
            row["dossier"],
            template="results_published",
            context={"notice": notice},
            url=url,
            folder="publicity/email",
        )
    return notice


def comment_submit(
    *,
    notice: ResultsNotice,
    dossier_id: int,
    name: str,
    contact_kind: str,
    contact: str,
    token: str,
    code: str,
    text: str,
    organisation: str = "",
    files=(),
    request: HttpRequest | None = None,
) -> Comment:
    """Take a comment from the public on a named candidate.

    The code is checked first (a wrong code counts as an attempt), then, in one
    transaction: the code spent (a double click cannot file twice), the comment with its
    receipt number, its evidence files, one ``publicity.comment_received`` event.
    """
    name = " ".join((name or "").split())
    text = (text or "").strip()
    if not name:
        raise ValidationError(_("Give your real name; anonymous comments are not taken."))
    if len(text) < 10:
        raise ValidationError(_("Write your comment (at least 10 characters)."))
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(_("Attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES})
    inspected = [inspect_upload(upload) for upload in files]
    check = contact_check_verify(token=token, code=code, kind=contact_kind, contact=contact)
    with transaction.atomic():
        notice = ResultsNotice.objects.select_for_update().get(pk=notice.pk)
        if not notice.is_open:
            raise ValidationError(_("The public comment period is closed."))
        entry = notice.entries.filter(dossier_id=dossier_id).first()
        if entry is None:
            raise ValidationError(_("Choose a candidate of the notice."))
        check = contact_check_spend(check=check)
        comment = Comment.objects.create(
            notice=notice,
            dossier_id=dossier_id,
            receipt_number=receipt_number("YJ"),
            name=name[:100],
            contact_kind=contact_kind,
            contact=check.contact,
            organisation=" ".join((organisation or "").split())[:200],
            text=text,
            contact_check=check,
            source_ip=client_ip(request),
        )
        for upload, info in zip(files, inspected, strict=True):
            upload.seek(0)
            stored = CommentFile(
                comment=comment,
                original_name=upload.name[:255],
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            stored.file.save(f"evidence{info.extension}", ContentFile(upload.read()), save=False)
            stored.save()
        audit_record(
            action=Action.COMMENT_RECEIVED,
            target=notice.cycle,
            request=request,
            actor_label="public",
            details={"receipt": comment.receipt_number, "dossier": dossier_id, "files": len(files)},
        )
    return comment


@transaction.atomic
def comment_weigh(
    *, actor, comment: Comment, decision: str, reason: str, request: HttpRequest | None = None
) -> CommentWeighing:
    """Record how the office weighed a comment (a later weighing stands beside the first)."""
    _require_office(actor)
    if decision not in Weighing.values:
        raise ValidationError(_("Choose how the comment was weighed."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason."))
    comment = Comment.objects.select_for_update().select_related("notice__cycle").get(pk=comment.pk)
    if comment.notice.cycle.state not in (CycleState.PUBLIC_COMMENT, CycleState.GROUP_VOTE):
        raise ValidationError(_("The ranking has been decided; the weighing no longer changes."))
    weighing = CommentWeighing.objects.create(
        comment=comment, decision=decision, reason=reason.strip(), weighed_by=actor
    )
    audit_record(
        action=Action.COMMENT_WEIGHED,
        actor=actor,
        target=comment.notice.cycle,
        request=request,
        details={"receipt": comment.receipt_number, "decision": decision, "reason": reason.strip()},
    )
    return weighing


def unweighed(notice: ResultsNotice):
    return notice.comments.filter(weighings__isnull=True)


def _with_latest_decision(notice: ResultsNotice):
    latest = CommentWeighing.objects.filter(comment=OuterRef("pk")).order_by("-weighed_at", "-id")
    return notice.comments.annotate(latest_decision=Subquery(latest.values("decision")[:1]))


def under_verification(notice: ResultsNotice):
    """The comments whose latest weighing is 转交核实: still undecided until the office
    weighs them again once verified."""
    return _with_latest_decision(notice).filter(latest_decision=Weighing.REFERRED)


def undecided(notice: ResultsNotice):
    """Every comment not handled yet: not weighed, or still under verification."""
    return _with_latest_decision(notice).filter(
        Q(latest_decision__isnull=True) | Q(latest_decision=Weighing.REFERRED)
    )


def undecided_problems(notice: ResultsNotice) -> list[str]:
    """Why the comments hold the round back: some not weighed, some still under
    verification (empty when every comment is decided)."""
    problems = []
    waiting = unweighed(notice).count()
    if waiting:
        problems.append(_("%(n)s comment(s) have not been weighed yet.") % {"n": waiting})
    verifying = under_verification(notice).count()
    if verifying:
        problems.append(
            _(
                "%(n)s comment(s) referred for verification have not been decided yet: weigh "
                "them again once verified."
            )
            % {"n": verifying}
        )
    return problems


@transaction.atomic
def comment_close(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> ResultsNotice:
    """Close the public comment (never before the edition's working days; every comment
    weighed, none still under verification). Side effects: the round's ``close_comment``
    transition; the notice closed."""
    _require_office(actor)
    notice = ResultsNotice.objects.select_for_update().get(cycle=cycle)
    waiting = undecided_problems(notice)
    if waiting:
        raise ValidationError(waiting)
    cycle_transition(actor=actor, cycle=cycle, name="close_comment", request=request)
    notice.comment_closed_at = timezone.now()
    notice.save(update_fields=["comment_closed_at", "updated_at"])
    return notice


def dossiers_on_notice(notice: ResultsNotice):
    return Dossier.objects.filter(notice_entries__notice=notice)


# --- the office's reading and weighing (pages of the coordination office) -----------------
def _require_overseer(actor) -> None:
    if not oversees(actor):
        raise PermissionDenied


def comment_open(*, actor, comment: Comment, request: HttpRequest | None = None) -> Comment:
    """The office or the auditor opens one comment (its author's contact, its text, its
    files). Comments are never public and their authors are personal data, so every
    opening is recorded.

    Side effects: one ``publicity.comment_opened`` event.
    """
    _require_overseer(actor)
    audit_record(
        action=Action.COMMENT_OPENED,
        actor=actor,
        target=comment.notice.cycle,
        request=request,
        details={"receipt": comment.receipt_number, "dossier": comment.dossier_id},
    )
    return comment


def comment_file_open(
    *, actor, stored: CommentFile, request: HttpRequest | None = None
) -> CommentFile:
    """A comment's evidence file is downloaded by the office or the auditor.

    Side effects: one ``file.downloaded`` event naming the comment and the file's hash.
    """
    _require_overseer(actor)
    comment = stored.comment
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=comment.notice.cycle,
        request=request,
        details={"receipt": comment.receipt_number, "file": stored.pk, "sha256": stored.sha256},
    )
    return stored


@transaction.atomic
def comment_weigh_after(
    *,
    actor,
    comment: Comment,
    decision: str,
    reason: str,
    after: int | None,
    request: HttpRequest | None = None,
) -> CommentWeighing:
    """``comment_weigh`` for a page: ``after`` is the latest weighing the page showed
    (None when it showed none). When the comment was weighed since — a double click, or
    two clerks at once — nothing is added and the clerk is told, so one click is one
    weighing.

    Side effects, in order: the comment locked; those of ``comment_weigh``.
    """
    _require_office(actor)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    latest = locked.weighings.order_by("-weighed_at", "-id").values_list("pk", flat=True).first()
    if latest != after:
        raise ValidationError(
            _(
                "This comment has been weighed meanwhile (perhaps by your other click); the "
                "page now shows that weighing. Weigh it again only if it should change."
            )
        )
    return comment_weigh(
        actor=actor, comment=locked, decision=decision, reason=reason, request=request
    )


def close_problems(cycle: Cycle) -> list[str]:
    """Why the public comment cannot close now (empty when it can): comments not
    weighed, and the round's guard (the edition's minimum of working days)."""
    from applications.services.cycles import guard_problem

    problems = []
    notice = ResultsNotice.objects.filter(cycle=cycle).first()
    if notice is None or not notice.is_open:
        return [str(_("The public comment is not open."))]
    problems.extend(undecided_problems(notice))
    problem = guard_problem(
        cycle, "close_comment", today=timezone.localdate(), calendar=WorkdayCalendar.load()
    )
    if problem:
        problems.append(problem)
    return problems
