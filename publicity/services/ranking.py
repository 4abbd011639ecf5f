"""The office's ranking and the candidate list for the working group (Art. 20).

The ranking starts from the review's composite scores (the review board's order) and
shows the comments and their weighing beside each candidate; a move records a reason
that cites the comments. The candidate list and the review report (评审工作报告) are
frozen official documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from applications.services.bans import bans_in_force_for
from applications.services.dossiers import dossier_move
from applications.services.messaging import tell_applicants
from award_portal.accounts.enums import ApplicantKind
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.models import OfficialDocument
from award_portal.documents.services import document_issue
from award_portal.documents.templatetags.official import day
from review.selectors import review_board

from ..models import CandidateList, Comment, CommentWeighing, RankingEntry, ResultsNotice
from ..permissions import can_read_candidates, is_office


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def current_ranking(cycle: Cycle) -> dict[str, list[RankingEntry]]:
    entries = RankingEntry.objects.filter(cycle=cycle, superseded_at__isnull=True).select_related(
        "dossier__organisation", "dossier__individual"
    )
    ranking: dict[str, list[RankingEntry]] = {kind: [] for kind in ApplicantKind.values}
    for entry in entries.order_by("kind", "position"):
        ranking[entry.kind].append(entry)
    return ranking


def review_order(cycle: Cycle) -> dict[str, list]:
    """(dossier, composite) per kind in the review board's order, for the reviewed
    dossiers still in the running."""
    board = review_board(cycle)
    order: dict[str, list] = {kind: [] for kind in ApplicantKind.values}
    if board is None:
        return order
    for kind, rows in board.kinds.items():
        order[kind] = [
            (row.dossier, row.composite)
            for row in rows
            if row.dossier.state == DossierState.REVIEWED
        ]
    return order


@transaction.atomic
def ranking_save(
    *,
    actor,
    cycle: Cycle,
    order: dict[str, list[int]],
    on_list: set[int],
    reasons: dict[int, str],
    request: HttpRequest | None = None,
) -> dict[str, list[RankingEntry]]:
    """Save the office's ranking per kind: ``order`` lists dossier ids best first;
    ``on_list`` the ones proposed to the working group; ``reasons`` explain every place
    that differs from the review's order, citing the comments (receipt numbers).

    Side effects, in order: the previous ranking superseded (kept); the new rows; one
    ``publicity.ranking_saved`` event.
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.GROUP_VOTE:
        raise ValidationError(_("The ranking is made after the public comment has closed."))
    if hasattr(cycle, "candidate_list"):
        raise ValidationError(_("The candidate list has been submitted; the ranking is final."))
    review = review_order(cycle)
    quota = {
        ApplicantKind.ORGANISATION: cycle.quota_organisation,
        ApplicantKind.INDIVIDUAL: cycle.quota_individual,
    }
    problems = []
    receipts = set(
        Comment.objects.filter(notice__cycle=cycle).values_list("receipt_number", flat=True)
    )
    for kind, expected in review.items():
        ids = [d.pk for d, _composite in expected]
        given = order.get(kind, [])
        if sorted(given) != sorted(ids):
            problems.append(_("The ranking must list every reviewed application once."))
            continue
        for position, dossier_id in enumerate(given, start=1):
            review_position = ids.index(dossier_id) + 1
            reason = (reasons.get(dossier_id) or "").strip()
            if review_position != position:
                if not reason:
                    problems.append(
                        _("Give the reason for moving %(number)s, citing the comments.")
                        % {"number": expected[review_position - 1][0].number}
                    )
                elif receipts and not any(number in reason for number in receipts):
                    problems.append(
                        _(
                            "The reason for moving %(number)s must cite the comments it rests "
                            "on (their receipt numbers)."
                        )
                        % {"number": expected[review_position - 1][0].number}
                    )
        if len([d for d in given if d in on_list]) < 1 and quota[kind] and ids:
            problems.append(
                _(
                    "Propose at least one %(kind)s to the working group, or none of this kind "
                    "has a result."
                )
                % {"kind": ApplicantKind(kind).label}
            )
    if problems:
        raise ValidationError(sorted(set(map(str, problems))))
    now = timezone.now()
    RankingEntry.objects.filter(cycle=cycle, superseded_at__isnull=True).update(superseded_at=now)
    for kind, expected in review.items():
        composites = {d.pk: c for d, c in expected}
        ids = [d.pk for d, _c in expected]
        for position, dossier_id in enumerate(order.get(kind, []), start=1):
            RankingEntry.objects.create(
                cycle=cycle,
                dossier_id=dossier_id,
                kind=kind,
                position=position,
                review_position=ids.index(dossier_id) + 1,
                composite=composites[dossier_id],
                on_list=dossier_id in on_list,
                reason=(reasons.get(dossier_id) or "").strip(),
                ranked_by=actor,
            )
    audit_record(
        action=Action.RANKING_SAVED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "order": order,
            "on_list": sorted(on_list),
            "reasons": {str(k): v for k, v in reasons.items() if v},
        },
    )
    return current_ranking(cycle)


def comments_holding(cycle: Cycle) -> list[str]:
    """Why the comments hold back the candidate list: a comment weighed again after the
    close (转交核实) stays undecided until the office decides it."""
    from .comment import undecided_problems

    notice = ResultsNotice.objects.filter(cycle=cycle).first()
    return undecided_problems(notice) if notice is not None else []


@transaction.atomic
def candidates_submit(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> CandidateList:
    """Freeze the ranking into the review report and the candidate list for the working
    group (Art. 20).

    Side effects, in order: the report's figures frozen; two official documents
    (评审工作报告, 审议候选名单); each ranked dossier moved to ``candidate`` or
    ``not_shortlisted`` (``dossier.transition``); one ``publicity.candidates_submitted``;
    each ranked applicant told whether it is on the list (in-app and by e-mail).
    """
    from .reports import review_report_data

    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.GROUP_VOTE:
        raise ValidationError(_("The candidate list is made after the public comment has closed."))
    if hasattr(cycle, "candidate_list"):
        raise ValidationError(_("The candidate list has been submitted already."))
    held = comments_holding(cycle)
    if held:
        raise ValidationError(held)
    ranking = current_ranking(cycle)
    if not any(ranking.values()):
        raise ValidationError(_("Save the ranking first."))
    listed = [entry.dossier for entries in ranking.values() for entry in entries if entry.on_list]
    barred = bans_in_force_for(listed)
    if barred:
        raise ValidationError(
            [
                _(
                    "%(name)s is barred from the award from %(start)s to %(end)s (Art. 12(4), "
                    "28) and cannot be on the candidate list: take it off the list and save "
                    "the ranking."
                )
                % {
                    "name": dossier.applicant_name,
                    "start": day(barred[dossier.pk].starts_on),
                    "end": day(barred[dossier.pk].ends_on),
                }
                for dossier in listed
                if dossier.pk in barred
            ]
        )
    report = review_report_data(cycle)
    candidates = CandidateList.objects.create(
        cycle=cycle,
        report=report,
        report_document=document_issue(
            kind="review_report",
            title=_("Report on the review of %(cycle)s") % {"cycle": cycle.name},
            subject=cycle,
            addressee=_("The working group of the Mayor's Quality Award"),
        ),
        list_document=document_issue(
            kind="candidate_list",
            title=_("Candidate list of %(cycle)s for deliberation") % {"cycle": cycle.name},
            subject=cycle,
            addressee=_("The working group of the Mayor's Quality Award"),
        ),
        submitted_by=actor,
    )
    for entries in ranking.values():
        for entry in entries:
            dossier_move(
                dossier=entry.dossier,
                name="shortlist" if entry.on_list else "leave_off_shortlist",
                actor=actor,
                details={"rank": entry.position, "list": candidates.list_document.number},
            )
    audit_record(
        action=Action.CANDIDATES_SUBMITTED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "report": candidates.report_document.number,
            "list": candidates.list_document.number,
        },
    )
    for entries in ranking.values():
        for entry in entries:
            tell_applicants(
                entry.dossier,
                template="shortlisted" if entry.on_list else "not_shortlisted",
                context={"candidates": candidates, "entry": entry},
                url=reverse("applications:dossier-detail", args=[entry.dossier_id]),
                folder="publicity/email",
            )
    return candidates


# --- the office's ranking page and the documents for the working group ---------------------
@dataclass
class RankingRow:
    """One candidate on the office's ranking page: the review's figures beside the
    comments on it and how each was weighed (every weighing, the latest last)."""

    dossier: Dossier
    composite: Decimal | None
    review_position: int
    scores: list = field(default_factory=list)  # [(stage, StageResult or None)]
    comments: list = field(default_factory=list)
    entry: RankingEntry | None = None
    ban: object | None = None  # the applicant's ban in force today (Art. 12(4), 28)


def ranking_board(cycle: Cycle) -> tuple[list, dict[str, list[RankingRow]]]:
    """(the review's stages, rows per kind) for the reviewed dossiers still in the
    running, in the saved ranking's order when there is one, else the review's order."""
    board = review_board(cycle)
    rows: dict[str, list[RankingRow]] = {kind: [] for kind in ApplicantKind.values}
    if board is None:
        return [], rows
    comments: dict[int, list[Comment]] = {}
    for comment in (
        Comment.objects.filter(notice__cycle=cycle)
        .prefetch_related(
            Prefetch(
                "weighings",
                queryset=CommentWeighing.objects.select_related("weighed_by").order_by(
                    "weighed_at", "id"
                ),
            )
        )
        .order_by("received_at", "id")
    ):
        comments.setdefault(comment.dossier_id, []).append(comment)
    saved = {
        entry.dossier_id: entry for entries in current_ranking(cycle).values() for entry in entries
    }
    bans = bans_in_force_for(row.dossier for kind_rows in board.kinds.values() for row in kind_rows)
    for kind, kind_rows in board.kinds.items():
        running = [r for r in kind_rows if r.dossier.state == DossierState.REVIEWED]
        for position, row in enumerate(running, start=1):
            rows[kind].append(
                RankingRow(
                    dossier=row.dossier,
                    composite=row.composite,
                    review_position=position,
                    scores=[(stage, row.results.get(stage.pk)) for stage in board.stages],
                    comments=comments.get(row.dossier.pk, []),
                    entry=saved.get(row.dossier.pk),
                    ban=bans.get(row.dossier.pk),
                )
            )
        if rows[kind] and all(r.entry is not None for r in rows[kind]):
            rows[kind].sort(key=lambda r: r.entry.position)
    return board.stages, rows


def candidate_document_open(
    *, actor, cycle: Cycle, which: str, request: HttpRequest | None = None
) -> tuple[CandidateList, OfficialDocument]:
    """The review report (``which="report"``) or the candidate list (``"list"``) is
    opened by the office, the auditor or a member of the round's working group.

    Side effects: one ``file.downloaded`` event naming the document.
    """
    if not can_read_candidates(actor, cycle):
        raise PermissionDenied
    candidates = CandidateList.objects.select_related(
        "report_document", "list_document", "cycle__edition"
    ).get(cycle=cycle)
    document = candidates.report_document if which == "report" else candidates.list_document
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=cycle,
        request=request,
        details={"document": document.number, "kind": document.kind},
    )
    return candidates, document
