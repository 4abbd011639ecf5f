"""The coordination office's pages from the review results to the award (Art. 19–23).

The office acts; the auditor reads the same pages without their forms (every opening of a
comment, an objection or a private file is recorded for both); every other account gets
403 and anonymous visitors are asked to log in. The review report, the candidate list and
the minutes are also read by the round's working group. Each page parses its input with a
form and calls one service; a refusal is a message in the reader's language, never an
error page.
"""

from __future__ import annotations

import mimetypes
import os
from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views import View

from applications.enums import CycleState, DossierState
from applications.models import Cycle
from applications.services.cycles import guard_problem
from award_portal.accounts.enums import ApplicantKind
from award_portal.documents.chinese import shown_day
from award_portal.documents.files import attachment_response
from award_portal.documents.office import office as office_letterhead
from award_portal.documents.pdf import render_pdf
from award_portal.privacy import mask
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ..enums import ContactKind, MeetingState, ObjectionState, Position, QuorumRule, Weighing
from ..forms.office import (
    ApprovalForm,
    FindingForm,
    GroupDecisionForm,
    MeetingForm,
    MemberAddForm,
    MemberEndForm,
    NoticeForm,
    OutcomeForm,
    PaperBallotForm,
    PaymentForm,
    PlaqueForm,
    PublicityForm,
    StepForm,
    WeighingForm,
    naive_datetime,
)
from ..models import (
    Approval,
    Attendance,
    Award,
    Ballot,
    Comment,
    CommentFile,
    CommentWeighing,
    Decision,
    GroupMember,
    Meeting,
    MemberConflict,
    Objection,
    PublicityNotice,
    ResultsNotice,
)
from ..permissions import can_read_candidates, group_member, is_office, oversees
from ..services.award import approval_record, approval_scan_open, plaque_deliver, prize_pay
from ..services.comment import (
    close_problems,
    comment_close,
    comment_file_open,
    comment_open,
    comment_weigh_after,
    entries_preview,
    notice_publish,
    notice_save,
)
from ..services.group import (
    ballot_close,
    ballot_voters,
    candidates_of,
    current_members,
    meeting_close,
    meeting_current,
    meeting_open,
    meeting_schedule,
    member_add,
    member_end,
    minutes_open,
    roster_closed,
    tally,
    vote_cast,
)
from ..services.publicity import (
    end_problem,
    group_decide,
    objection_decide,
    objection_file_open,
    objection_investigate,
    objection_open,
    publicity_end,
    publicity_period,
    publicity_publish,
)
from ..services.ranking import (
    candidate_document_open,
    candidates_submit,
    comments_holding,
    current_ranking,
    ranking_board,
    ranking_save,
)

MAX_ID = 2**63 - 1


def small_int(value) -> int | None:
    """A database id from a form: None unless a whole number that fits a database
    integer (a huge or non-numeric value is no id, never an error)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def masked_contact(kind: str, contact: str) -> str:
    """139****5678, or z***@example.com: enough to tell two people apart."""
    if kind == ContactKind.EMAIL and "@" in contact:
        name, domain = contact.split("@", 1)
        return f"{name[:1]}***@{domain}"
    return mask(contact, keep_start=3, keep_end=4)


def kind_label(kind: str) -> str:
    return str(ApplicantKind(kind).label) if kind in ApplicantKind.values else kind


def quorum_needed(rule: str, members: int) -> int:
    """The fewest members present that make the quorum (for the page's explanation)."""
    if rule == QuorumRule.TWO_THIRDS:
        return -(-2 * members // 3)
    return members // 2 + 1


def by_position(members) -> list:
    """Leader, deputies, members (Art. 7), each in the order they joined."""
    order = list(Position.values)
    return sorted(members, key=lambda m: (order.index(m.position), m.since, m.pk))


def refuse(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def pdf_download(pdf: bytes, filename: str) -> HttpResponse:
    """A document for the working group: a download, never kept by a shared cache or
    the browser's history."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def download_name(original: str, stored_name: str) -> str:
    """The uploader's name with the extension of the stored (detected) type."""
    stem = os.path.splitext(os.path.basename(original or ""))[0] or "file"
    return f"{stem}{os.path.splitext(stored_name)[1]}"


# --- access --------------------------------------------------------------------------------
class OfficePage(View):
    """The office acts; the auditor reads (a POST from anyone but the office is refused
    before anything is looked up or changed)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not oversees(request.user):
            raise PermissionDenied
        self.acting = is_office(request.user)
        if request.method not in ("GET", "HEAD") and not self.acting:
            raise PermissionDenied
        self.setup_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_objects(self, **kwargs) -> None:
        pass

    def render_page(self, **context):
        context.setdefault("acting", self.acting)
        context.setdefault("cycle", getattr(self, "cycle", None))
        return render(self.request, self.template_name, context)

    def confirm(self, *, title: str, lines: list[str], action: str, fields: dict, button: str):
        """The confirmation step of an action that cannot be undone: nothing has changed
        yet; the same form comes back with ``confirmed``."""
        return render(
            self.request,
            "publicity/office/confirm.html",
            {
                "cycle": getattr(self, "cycle", None),
                "title": title,
                "lines": lines,
                "action": action,
                "fields": fields,
                "button": button,
                "back": self.request.path,
            },
        )

    def confirmed(self) -> bool:
        return self.request.POST.get("confirmed") == "yes"


class RoundPage(OfficePage):
    def setup_objects(self, **kwargs) -> None:
        self.cycle = get_object_or_404(Cycle.objects.select_related("edition"), pk=kwargs["cycle"])


# --- 1. the notice of the review results ---------------------------------------------------
def kind_order(kind: str) -> int:
    """Organisations first, then individuals (the Measures' order)."""
    values = list(ApplicantKind.values)
    return values.index(kind) if kind in values else len(values)


def grouped(rows, key=lambda row: row["kind"]) -> list[tuple[str, list]]:
    """(kind label, rows) per applicant kind, organisations first."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return [(kind_label(kind), groups[kind]) for kind in sorted(groups, key=kind_order)]


class NoticeView(RoundPage):
    template_name = "publicity/office/notice.html"

    def notice(self) -> ResultsNotice | None:
        return ResultsNotice.objects.filter(cycle=self.cycle).select_related("document").first()

    def defaults(self) -> dict:
        # the notice is published in Chinese, whatever language the clerk reads
        with translation.override("zh-hans"):
            return self.default_texts()

    def default_texts(self) -> dict:
        return {
            "title": _("Review results of %(cycle)s for public comment") % {"cycle": self.cycle},
            "body": _(
                "Under Article 19 of the Measures, the results of the expert review of "
                "%(cycle)s are published for public comment. Anyone may comment on a listed "
                "applicant under their real name with a phone number or an e-mail address "
                "that can be verified; anonymous comments are not taken. Comments are kept "
                "confidential."
            )
            % {"cycle": self.cycle},
            "show_sector": True,
            "show_district": False,
            "show_score": False,
            "show_rank": True,
        }

    def page(self, form=None, flags=None, preview_only=False):
        notice = self.notice()
        if notice is not None and notice.is_published:
            entries = list(notice.entries.all())
            return self.render_page(
                notice=notice,
                published=True,
                flags={name: getattr(notice, name) for name in NoticeForm.FLAGS},
                groups=grouped(entries, key=lambda e: e.kind),
                problems=[],
            )
        if form is None:
            initial = self.defaults()
            if notice is not None:
                initial = {
                    name: getattr(notice, name) for name in ("title", "body", *NoticeForm.FLAGS)
                }
                initial["updated_at"] = notice.updated_at.isoformat()
            form = NoticeForm(initial=initial)
            flags = {name: initial[name] for name in NoticeForm.FLAGS}
        problems = []
        if self.cycle.state != CycleState.EXPERT_REVIEW:
            problems.append(
                _("The review results are published when the round's expert review is over.")
            )
        else:
            problem = guard_problem(
                self.cycle,
                "publish_results",
                today=timezone.localdate(),
                calendar=WorkdayCalendar.load(),
            )
            if problem:
                problems.append(problem)
        rows = entries_preview(self.cycle) if self.cycle.state == CycleState.EXPERT_REVIEW else []
        if not rows and self.cycle.state == CycleState.EXPERT_REVIEW:
            problems.append(_("No application has a review result to publish."))
        return self.render_page(
            notice=notice,
            published=False,
            form=form,
            flags=flags,
            groups=grouped(rows),
            problems=problems,
            preview_only=preview_only,
        )

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        action = request.POST.get("action")
        if action == "publish":
            return self.publish()
        form = NoticeForm(request.POST)
        if not form.is_valid():
            return self.page(form=form, flags={f: bool(request.POST.get(f)) for f in form.FLAGS})
        data = dict(form.cleaned_data)
        expected = data.pop("updated_at", "")
        if action == "preview":
            messages.info(request, _("A preview: nothing is saved yet."))
            return self.page(form=form, flags={f: data[f] for f in form.FLAGS}, preview_only=True)
        if action != "save":
            raise Http404
        try:
            notice_save(
                actor=request.user,
                cycle=self.cycle,
                data=data,
                expected_updated_at=parse_datetime(expected) if expected else None,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form=form, flags={f: data[f] for f in form.FLAGS})
        messages.success(request, _("The draft of the notice is saved."))
        return redirect("publicity:notice", cycle=self.cycle.pk)

    def publish(self):
        notice = self.notice()
        if not self.confirmed():
            if notice is None:
                messages.error(self.request, _("Draft the notice first."))
                return redirect("publicity:notice", cycle=self.cycle.pk)
            count = len(entries_preview(self.cycle))
            return self.confirm(
                title=_("Publish the review results?"),
                lines=[
                    _("Title: %(title)s") % {"title": notice.title},
                    _("%(n)s application(s) are listed; the list is frozen from now on.")
                    % {"n": count},
                    _(
                        "The public comment period opens; it runs at least %(n)s working days "
                        "from tomorrow."
                    )
                    % {"n": self.cycle.edition.comment_min_wd},
                    _("Every applicant listed is told by e-mail and in the portal."),
                ],
                action="publish",
                fields={},
                button=_("Publish now"),
            )
        try:
            notice_publish(actor=self.request.user, cycle=self.cycle, request=self.request)
        except ValidationError as error:
            refuse(self.request, error)
        else:
            messages.success(
                self.request, _("The review results are published; the public comment is open.")
            )
        return redirect("publicity:notice", cycle=self.cycle.pk)


# --- 2. comments ---------------------------------------------------------------------------
def with_latest(comments):
    for comment in comments:
        weighings = list(comment.weighings.all())
        comment.latest = weighings[-1] if weighings else None
        comment.masked = masked_contact(comment.contact_kind, comment.contact)
    return comments


class CommentListView(RoundPage):
    template_name = "publicity/office/comment_list.html"

    def get(self, request, cycle):
        notice = ResultsNotice.objects.filter(cycle=self.cycle).first()
        groups, total, waiting, verifying = [], 0, 0, 0
        if notice is not None and notice.is_published:
            comments: dict[int, list] = {}
            for comment in with_latest(
                notice.comments.prefetch_related(
                    "files",
                    Prefetch("weighings", queryset=CommentWeighing.objects.order_by("weighed_at")),
                ).order_by("received_at", "id")
            ):
                comments.setdefault(comment.dossier_id, []).append(comment)
                total += 1
                waiting += comment.latest is None
                verifying += bool(comment.latest and comment.latest.decision == Weighing.REFERRED)
            entries = list(notice.entries.all())
            for entry in entries:
                entry.comments = comments.get(entry.dossier_id, [])
            groups = grouped(entries, key=lambda e: e.kind)
        return self.render_page(
            notice=notice,
            groups=groups,
            total=total,
            waiting=waiting,
            verifying=verifying,
            problems=close_problems(self.cycle)
            if self.cycle.state == CycleState.PUBLIC_COMMENT
            else [],
        )

    def post(self, request, cycle):
        if request.POST.get("action") != "close":
            raise Http404
        if not self.confirmed():
            return self.confirm(
                title=_("Close the public comment?"),
                lines=[
                    _("No comment is taken after the close."),
                    _("The round moves on to the ranking and the working group's vote."),
                ],
                action="close",
                fields={},
                button=_("Close the public comment"),
            )
        try:
            comment_close(actor=request.user, cycle=self.cycle, request=request)
        except ValidationError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The public comment is closed."))
        return redirect("publicity:comments", cycle=self.cycle.pk)


class CommentPage(OfficePage):
    def setup_objects(self, **kwargs) -> None:
        self.comment = get_object_or_404(
            Comment.objects.select_related(
                "notice__cycle__edition", "dossier__organisation", "dossier__individual"
            ),
            pk=kwargs["pk"],
        )
        self.cycle = self.comment.notice.cycle


class CommentDetailView(CommentPage):
    """One comment in full. The office sees the contact (it must verify it); every
    opening is recorded."""

    template_name = "publicity/office/comment_detail.html"

    def can_weigh(self) -> bool:
        return (
            self.acting
            and self.cycle.state in (CycleState.PUBLIC_COMMENT, CycleState.GROUP_VOTE)
            and not hasattr(self.cycle, "candidate_list")
        )

    def page(self, form=None):
        comment = comment_open(actor=self.request.user, comment=self.comment, request=self.request)
        weighings = list(comment.weighings.select_related("weighed_by").order_by("weighed_at"))
        latest = weighings[-1].pk if weighings else 0
        return self.render_page(
            comment=comment,
            contact=comment.contact
            if self.acting
            else masked_contact(comment.contact_kind, comment.contact),
            files=list(comment.files.all()),
            weighings=weighings,
            form=form if form is not None else WeighingForm(initial={"after": latest}),
            can_weigh=self.can_weigh(),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        form = WeighingForm(request.POST)
        if not form.is_valid():
            return self.page(form=form)
        try:
            comment_weigh_after(
                actor=request.user,
                comment=self.comment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                after=form.cleaned_data["after"],
                request=request,
            )
        except ValidationError as error:
            refuse(request, error)
            return redirect("publicity:comment", pk=self.comment.pk)
        messages.success(
            request,
            _("Comment %(receipt)s is weighed.") % {"receipt": self.comment.receipt_number},
        )
        return redirect(
            reverse("publicity:comments", args=[self.cycle.pk]) + f"#d{self.comment.dossier_id}"
        )


class CommentFileView(CommentPage):
    def get(self, request, pk, file_pk):
        stored = get_object_or_404(CommentFile, pk=file_pk, comment=self.comment)
        comment_file_open(actor=request.user, stored=stored, request=request)
        return attachment_response(
            stored.file,
            filename=download_name(stored.original_name, stored.file.name),
            content_type=stored.content_type,
        )


# --- 3. ranking and the candidate list -------------------------------------------------------
class RankingView(RoundPage):
    """Per kind, the review's order with the comments and their weighing beside each
    candidate. The clerk moves candidates by typing places or with the up/down buttons
    (each press comes back to the page, unsaved), ticks who goes on the candidate list and
    gives a reason for every move, citing the comments' receipt numbers."""

    template_name = "publicity/office/ranking.html"

    def editable(self) -> bool:
        return (
            self.acting
            and self.cycle.state == CycleState.GROUP_VOTE
            and not hasattr(self.cycle, "candidate_list")
        )

    def board(self):
        stages, rows = ranking_board(self.cycle)
        for kind_rows in rows.values():
            for position, row in enumerate(kind_rows, start=1):
                row.place = position
                row.on_list = bool(row.entry and row.entry.on_list)
                row.reason = row.entry.reason if row.entry else ""
                for comment in row.comments:
                    weighings = list(comment.weighings.all())
                    comment.latest = weighings[-1] if weighings else None
        return stages, rows

    def page(self, stages, rows, *, unsaved=False, problems=()):
        candidates = getattr(self.cycle, "candidate_list", None)
        saved = any(current_ranking(self.cycle).values())
        held = comments_holding(self.cycle) if self.editable() else []
        return self.render_page(
            stages=stages,
            kinds=[(kind, kind_label(kind), kind_rows) for kind, kind_rows in rows.items()],
            editable=self.editable(),
            unsaved=unsaved,
            problems=problems,
            candidates=candidates,
            report=candidates.report if candidates else None,
            report_groups=report_context(candidates, set())["groups"] if candidates else [],
            any_rows=any(rows.values()),
            can_submit=self.editable() and saved and not unsaved and not held,
            held=held,
            quota={
                ApplicantKind.ORGANISATION: self.cycle.quota_organisation,
                ApplicantKind.INDIVIDUAL: self.cycle.quota_individual,
            },
        )

    def get(self, request, cycle):
        if hasattr(self.cycle, "candidate_list"):
            return self.page([], {})
        stages, rows = self.board()
        return self.page(stages, rows)

    def post(self, request, cycle):
        action = request.POST.get("action")
        if action == "submit":
            return self.submit()
        if not self.editable():
            messages.error(request, _("The ranking cannot be changed now."))
            return redirect("publicity:ranking", cycle=self.cycle.pk)
        stages, rows = self.board()
        problems = self.read_rows(rows)
        if problems:
            return self.page(stages, rows, unsaved=True, problems=problems)
        move = request.POST.get("move", "")
        if action == "save" and not move:
            order = {kind: [r.dossier.pk for r in kind_rows] for kind, kind_rows in rows.items()}
            try:
                ranking_save(
                    actor=request.user,
                    cycle=self.cycle,
                    order=order,
                    on_list={r.dossier.pk for kr in rows.values() for r in kr if r.on_list},
                    reasons={r.dossier.pk: r.reason for kr in rows.values() for r in kr},
                    request=request,
                )
            except ValidationError as error:
                return self.page(stages, rows, unsaved=True, problems=error.messages)
            messages.success(request, _("The ranking is saved."))
            return redirect("publicity:ranking", cycle=self.cycle.pk)
        if move:
            self.apply_move(rows, move)
        messages.info(request, _("Not saved yet: save the ranking to keep this order."))
        return self.page(stages, rows, unsaved=True)

    def read_rows(self, rows) -> list[str]:
        """Take the places, ticks and reasons from the form and put each kind in the
        order of the places typed. Returns what is wrong (nothing changed then)."""
        post = self.request.POST
        problems = []
        for kind, kind_rows in rows.items():
            shown = [small_int(v) for v in post.get(f"order_{kind}", "").split(",") if v]
            if sorted(filter(None, shown)) != sorted(r.dossier.pk for r in kind_rows):
                problems.append(
                    _("The list of candidates has changed since the page was opened. Reload it.")
                )
                continue
            by_id = {r.dossier.pk: r for r in kind_rows}
            kind_rows[:] = [by_id[pk] for pk in shown]
            places = []
            for row in kind_rows:
                pk = row.dossier.pk
                row.on_list = post.get(f"list_{pk}") == "on"
                row.reason = (post.get(f"reason_{pk}") or "").strip()[:4000]
                place = small_int(post.get(f"place_{pk}"))
                places.append(place)
            if any(p is None or p > len(kind_rows) for p in places) or len(set(places)) != len(
                places
            ):
                problems.append(
                    _("%(kind)s: give each candidate a different place from 1 to %(n)s.")
                    % {"kind": kind_label(kind), "n": len(kind_rows)}
                )
                continue
            typed = dict(zip(shown, places, strict=True))
            kind_rows.sort(key=lambda r, typed=typed: typed[r.dossier.pk])
            for position, row in enumerate(kind_rows, start=1):
                row.place = position
        return sorted(set(map(str, problems)))

    def apply_move(self, rows, move: str) -> None:
        pk_text, _sep, direction = move.partition(":")
        pk = small_int(pk_text)
        for kind_rows in rows.values():
            index = next((i for i, r in enumerate(kind_rows) if r.dossier.pk == pk), None)
            if index is None:
                continue
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(kind_rows):
                kind_rows[index], kind_rows[other] = kind_rows[other], kind_rows[index]
            for position, row in enumerate(kind_rows, start=1):
                row.place = position

    def submit(self):
        if not self.confirmed():
            return self.confirm(
                title=_("Submit the candidate list to the working group?"),
                lines=[
                    _("The ranking is frozen into the review report and the candidate list."),
                    _(
                        "Each ranked application is put on the candidate list or left off it, "
                        "as you ticked."
                    ),
                    _("The working group reads both documents before its meeting."),
                ],
                action="submit",
                fields={},
                button=_("Submit the candidate list"),
            )
        try:
            candidates = candidates_submit(
                actor=self.request.user, cycle=self.cycle, request=self.request
            )
        except ValidationError as error:
            refuse(self.request, error)
        else:
            messages.success(
                self.request,
                _("The review report (%(report)s) and the candidate list (%(list)s) are issued.")
                % {
                    "report": candidates.report_document.number,
                    "list": candidates.list_document.number,
                },
            )
        return redirect("publicity:ranking", cycle=self.cycle.pk)


def readable_round(request, cycle_pk: int) -> Cycle:
    """A round whose working-group documents the user may read; anyone else learns
    nothing of them (404)."""
    cycle = get_object_or_404(Cycle.objects.select_related("edition"), pk=cycle_pk)
    if not can_read_candidates(request.user, cycle):
        raise Http404
    return cycle


def recused_from(user, cycle) -> set[int]:
    member = group_member(user, cycle)
    if member is None:
        return set()
    return set(member.conflicts.values_list("dossier_id", flat=True))


def label_of(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def report_context(candidates, hidden: set[int]) -> dict:
    """The frozen report as the PDFs print it, labels in the active language (the JSON
    keeps codes), without the candidates in ``hidden``."""
    from review.enums import Aggregation, StageKind

    report = candidates.report
    ranking = []
    for row in report["ranking"]:
        if row.get("dossier") in hidden:
            continue
        comments = [
            {
                **comment,
                "latest_label": label_of(Weighing, comment["weighed"])
                if comment["weighed"]
                else "",
                "received": parse_date(comment["received"]),
                "weighings": [
                    {**w, "label": label_of(Weighing, w["decision"]), "on": parse_date(w["on"])}
                    for w in comment.get("weighings", [])
                ],
            }
            for comment in row["comments"]
        ]
        scores = [{**s, "label": label_of(StageKind, s["stage"])} for s in row.get("scores", [])]
        ranking.append({**row, "comments": comments, "scores": scores})
    kinds = [
        {
            "label": kind_label(kind),
            "received": report["received"].get(kind, 0),
            "not_qualified": report["not_qualified"].get(kind, 0),
            "withdrawn": report["withdrawn"].get(kind, 0),
            "reviewed": report["reviewed"].get(kind, 0),
            "quota": report["quota"].get(kind, 0),
        }
        for kind in ApplicantKind.values
    ]
    stages = [
        {
            **stage,
            "label": label_of(StageKind, stage["kind"]),
            "method_label": label_of(Aggregation, stage.get("method", ""))
            if stage.get("method")
            else stage["aggregation"],
            "starts_on": parse_date(stage["starts_on"]),
            "ends_on": parse_date(stage["ends_on"]),
        }
        for stage in report["stages"]
    ]
    return {
        "kinds": kinds,
        "stages": stages,
        "groups": grouped(ranking),
        "listed": grouped([row for row in ranking if row["on_list"]]),
        "comment_count": sum(len(row["comments"]) for row in ranking),
        "omitted": len(report["ranking"]) - len(ranking),
    }


class ReportPdfView(View):
    """The review report or the candidate list, rendered from the frozen report. A
    member recused from a candidate reads the documents without it (Art. 25)."""

    def get(self, request, cycle, document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        found = readable_round(request, cycle)
        if not hasattr(found, "candidate_list"):
            raise Http404
        candidates, official = candidate_document_open(
            actor=request.user, cycle=found, which=document, request=request
        )
        template = (
            "publicity/pdf/report.html"
            if document == "report"
            else "publicity/pdf/candidate_list.html"
        )
        with translation.override("zh-hans"):  # official documents are Chinese
            context = {
                "cycle": found,
                "document": official,
                "office": office_letterhead(),
                **report_context(candidates, recused_from(request.user, found)),
            }
            pdf = render_pdf(template=template, context=context)
        name = "review-report" if document == "report" else "candidate-list"
        return pdf_download(pdf, f"{name}-{found.pk}.pdf")


# --- 4. the working group's roster -------------------------------------------------------------
class RosterView(RoundPage):
    template_name = "publicity/office/roster.html"

    def page(self, add_form=None, end_forms=None):
        members = by_position(
            GroupMember.objects.filter(cycle=self.cycle).select_related("user", "added_by")
        )
        current = [m for m in members if m.until is None]
        end_forms = end_forms or {}
        for member in current:
            member.end_form = end_forms.get(member.pk) or MemberEndForm(
                prefix=f"e{member.pk}", initial={"until": timezone.localdate()}
            )
        return self.render_page(
            current=current,
            past=[m for m in members if m.until is not None],
            add_form=add_form
            or MemberAddForm(
                cycle=self.cycle, initial={"since": timezone.localdate(), "position": "member"}
            ),
            in_session=Meeting.objects.filter(cycle=self.cycle, state=MeetingState.OPEN).exists(),
            closed=roster_closed(self.cycle),
        )

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        if roster_closed(self.cycle):  # the page offered no change: a stale or forged form
            messages.error(
                request, _("The round is over: the record of its working group no longer changes.")
            )
            return redirect(request.path)
        action = request.POST.get("action")
        if action == "add":
            form = MemberAddForm(request.POST, cycle=self.cycle)
            if not form.is_valid():
                return self.page(add_form=form)
            try:
                member = member_add(
                    actor=request.user, cycle=self.cycle, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
                return self.page(add_form=form)
            messages.success(
                request, _("%(name)s is on the working group.") % {"name": member.user.display_name}
            )
        elif action == "end":
            member = get_object_or_404(
                GroupMember, pk=small_int(request.POST.get("member")) or 0, cycle=self.cycle
            )
            form = MemberEndForm(request.POST, prefix=f"e{member.pk}")
            if not form.is_valid():
                return self.page(end_forms={member.pk: form})
            try:
                member_end(
                    actor=request.user,
                    member=member,
                    until=form.cleaned_data["until"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
                return self.page(end_forms={member.pk: form})
            messages.success(
                request,
                _("The membership of %(name)s ends on %(date)s.")
                % {
                    "name": member.user.display_name,
                    "date": shown_day(form.cleaned_data["until"]),
                },
            )
        else:
            raise Http404
        return redirect("publicity:roster", cycle=self.cycle.pk)


# --- 5. the plenary meeting ------------------------------------------------------------------
def attendance_of(meeting: Meeting):
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("member__user"))
    order = list(Position.values)
    return sorted(rows, key=lambda a: (order.index(a.member.position), a.member.since, a.member.pk))


def decisions_by_kind(meeting: Meeting):
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("dossier", "ballot")
        .order_by("-yes", "dossier__number")
    )
    return grouped(decisions, key=lambda d: d.dossier.kind)


def recusals(cycle: Cycle):
    return list(
        MemberConflict.objects.filter(member__cycle=cycle)
        .select_related("member__user", "dossier")
        .order_by("member__id", "dossier__number")
    )


class MeetingView(RoundPage):
    """Schedule the plenary meeting (and change it until it opens), open it with the
    attendance, follow the ballots, close it; afterwards the tallies, the decided list
    and the minutes."""

    template_name = "publicity/office/meeting.html"

    def page(self, schedule_form=None, edit_form=None):
        meeting = meeting_current(self.cycle)
        members = by_position(current_members(self.cycle))
        context = {
            "meeting": meeting,
            "members": members,
            "earlier": Meeting.objects.filter(cycle=self.cycle, state=MeetingState.CLOSED)
            .exclude(pk=getattr(meeting, "pk", None))
            .order_by("-held_on"),
            "has_list": hasattr(self.cycle, "candidate_list"),
            "recusals": recusals(self.cycle),
        }
        can_schedule = (
            self.acting
            and self.cycle.state == CycleState.GROUP_VOTE
            and (
                meeting is None
                or (meeting.state == MeetingState.CLOSED and candidates_of(self.cycle).exists())
            )
        )
        context["schedule_form"] = (schedule_form or MeetingForm()) if can_schedule else None
        context["schedule_problem"] = (
            self.schedule_problem(meeting)
            if not can_schedule and (meeting is None or meeting.state == MeetingState.CLOSED)
            else ""
        )
        if meeting is not None and meeting.state == MeetingState.SCHEDULED:
            context["edit_form"] = edit_form or MeetingForm(
                initial={
                    "held_on": naive_datetime(meeting.held_on),
                    "place": meeting.place,
                    "agenda": meeting.agenda,
                    "quorum_rule": meeting.quorum_rule,
                    "decision_rule": meeting.decision_rule,
                }
            )
            context["needed"] = quorum_needed(meeting.quorum_rule, len(members))
        if meeting is not None and meeting.state != MeetingState.SCHEDULED:
            context["attendance"] = attendance_of(meeting)
            context["present"] = sum(1 for a in context["attendance"] if a.present)
            ballots = sorted(
                meeting.ballots.prefetch_related("candidates"),
                key=lambda b: (kind_order(b.kind), b.number),
            )
            present = [a.member for a in context["attendance"] if a.present]
            for ballot in ballots:
                voted = ballot_voters(ballot)
                ballot.voted = [m for m in present if m.pk in voted]
                ballot.waiting = [m for m in present if m.pk not in voted]
                ballot.kind_label = kind_label(ballot.kind)
            context["ballots"] = ballots
        if meeting is not None and meeting.state == MeetingState.CLOSED:
            context["decisions"] = decisions_by_kind(meeting)
        return self.render_page(**context)

    def schedule_problem(self, meeting) -> str:
        """Why no meeting can be scheduled now (the page says so instead of the form)."""
        if self.cycle.state in (CycleState.PUBLIC_COMMENT, CycleState.EXPERT_REVIEW):
            return _("The working group meets after the public comment has closed.")
        if self.cycle.state != CycleState.GROUP_VOTE:
            return _("The working group's vote on this round is over.")
        if meeting is not None:
            return _("Every candidate has been decided; no further meeting is needed.")
        return ""

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        action = request.POST.get("action")
        meeting = meeting_current(self.cycle)
        if action in ("schedule", "edit"):
            form = MeetingForm(request.POST)
            if not form.is_valid():
                return self.page(**{f"{action}_form": form})
            try:
                meeting_schedule(
                    actor=request.user,
                    cycle=self.cycle,
                    data=form.cleaned_data,
                    meeting=meeting if action == "edit" else None,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
                return self.page(**{f"{action}_form": form})
            messages.success(request, _("The meeting is scheduled; the members are told."))
        elif action == "open" and meeting is not None:
            ticked = set(request.POST.getlist("present"))
            present = {m.pk: str(m.pk) in ticked for m in current_members(self.cycle)}
            try:
                meeting_open(actor=request.user, meeting=meeting, present=present, request=request)
            except ValidationError as error:
                refuse(request, error)
            else:
                messages.success(
                    request, _("The meeting is in session; the first ballots are open.")
                )
        elif action == "close" and meeting is not None:
            if not self.confirmed():
                return self.confirm(
                    title=_("Close the meeting?"),
                    lines=[
                        _("No vote is taken after the close."),
                        _(
                            "Each candidate is recorded as proposed or not proposed, the minutes "
                            "are issued and the applicants are told."
                        ),
                        _("The tallies become visible to the working group."),
                    ],
                    action="close",
                    fields={},
                    button=_("Close the meeting"),
                )
            try:
                meeting_close(actor=request.user, meeting=meeting, request=request)
            except ValidationError as error:
                refuse(request, error)
            else:
                messages.success(request, _("The meeting is closed; the minutes are issued."))
        else:
            raise Http404
        return redirect("publicity:meeting", cycle=self.cycle.pk)


class BallotView(OfficePage):
    """One ballot during the session: who has voted (never how), the paper ballots of
    the members present, the close. The tallies appear when the meeting closes."""

    template_name = "publicity/office/ballot.html"

    def setup_objects(self, **kwargs) -> None:
        self.ballot = get_object_or_404(
            Ballot.objects.select_related("meeting__cycle__edition").prefetch_related("candidates"),
            pk=kwargs["pk"],
        )
        self.meeting = self.ballot.meeting
        self.cycle = self.meeting.cycle

    def forms(self, bound=None):
        voted = ballot_voters(self.ballot)
        candidates = list(self.ballot.candidates.order_by("number"))
        rows = []
        for attendance in attendance_of(self.meeting):
            if not attendance.present:
                continue
            member = attendance.member
            recused = set(member.conflicts.values_list("dossier_id", flat=True))
            own = [d for d in candidates if d.pk not in recused]
            form = None
            if member.pk not in voted and self.open_for_votes():
                form = (
                    bound
                    if bound is not None and bound.prefix == f"m{member.pk}"
                    else PaperBallotForm(prefix=f"m{member.pk}", candidates=own)
                )
            rows.append(
                {
                    "member": member,
                    "voted": member.pk in voted,
                    "recused": [d for d in candidates if d.pk in recused],
                    "form": form,
                }
            )
        return candidates, rows

    def open_for_votes(self) -> bool:
        return self.meeting.state == MeetingState.OPEN and self.ballot.closed_at is None

    def page(self, bound=None):
        candidates, rows = self.forms(bound)
        tallies = []
        if self.meeting.state == MeetingState.CLOSED and self.ballot.closed_at:
            names = {d.pk: d for d in candidates}
            tallies = [(names[t.dossier], t) for t in tally(self.ballot)]
        return self.render_page(
            ballot=self.ballot,
            meeting=self.meeting,
            kind=kind_label(self.ballot.kind),
            candidates=candidates,
            rows=rows,
            waiting=sum(1 for r in rows if not r["voted"]),
            open_for_votes=self.open_for_votes(),
            tallies=tallies,
            later=Ballot.objects.filter(
                meeting=self.meeting, kind=self.ballot.kind, number__gt=self.ballot.number
            ).order_by("number"),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        action = request.POST.get("action")
        if action == "paper":
            member = get_object_or_404(
                GroupMember,
                pk=small_int(request.POST.get("member")) or 0,
                cycle=self.cycle,
            )
            recused = set(member.conflicts.values_list("dossier_id", flat=True))
            form = PaperBallotForm(
                request.POST,
                prefix=f"m{member.pk}",
                candidates=[d for d in self.ballot.candidates.all() if d.pk not in recused],
            )
            if not form.is_valid():
                return self.page(bound=form)
            try:
                vote_cast(
                    actor=request.user,
                    ballot=self.ballot,
                    choices=form.choices(),
                    member=member,
                    request=request,
                )
            except ValidationError as error:
                refuse(request, error)
            else:
                messages.success(
                    request,
                    _("The paper ballot of %(name)s is recorded.")
                    % {"name": member.user.display_name},
                )
            return redirect("publicity:ballot", pk=self.ballot.pk)
        if action != "close":
            raise Http404
        try:
            runoff = ballot_close(actor=request.user, ballot=self.ballot, request=request)
        except ValidationError as error:
            refuse(request, error)
            return redirect("publicity:ballot", pk=self.ballot.pk)
        if runoff is not None:
            messages.warning(
                request,
                _("A second ballot is opened: %(reason)s") % {"reason": runoff.reason},
            )
            return redirect("publicity:ballot", pk=runoff.pk)
        messages.success(request, _("The ballot is closed."))
        return redirect("publicity:meeting", cycle=self.cycle.pk)


class MinutesPdfView(View):
    """会议纪要, generated from the record: attendance, quorum, per-candidate tallies of
    every ballot, the decided list and who recused."""

    def get(self, request, pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        meeting = get_object_or_404(
            Meeting.objects.select_related("cycle__edition", "minutes"), pk=pk
        )
        if not can_read_candidates(request.user, meeting.cycle) or meeting.minutes is None:
            raise Http404
        minutes_open(actor=request.user, meeting=meeting, request=request)
        # a member recused from a candidate reads the minutes without it (Art. 25)
        hidden = recused_from(request.user, meeting.cycle)
        with translation.override("zh-hans"):  # official documents are Chinese
            pdf = render_pdf(
                template="publicity/pdf/minutes.html", context=minutes_context(meeting, hidden)
            )
        return pdf_download(pdf, f"minutes-{meeting.pk}.pdf")


def minutes_context(meeting: Meeting, hidden: set[int] = frozenset()) -> dict:
    """The minutes as the record holds them; for a member recused from candidates
    (``hidden``), without their names, tallies or recusals (a line says so)."""
    cycle = meeting.cycle
    attendance = attendance_of(meeting)
    present = [a for a in attendance if a.present]
    ballots = []
    for ballot in sorted(
        meeting.ballots.prefetch_related("candidates"), key=lambda b: (kind_order(b.kind), b.number)
    ):
        names = {d.pk: d for d in ballot.candidates.all()}
        ballots.append(
            {
                "ballot": ballot,
                "kind": kind_label(ballot.kind),
                "rows": [
                    {"dossier": names[t.dossier], "tally": t, "recused": len(present) - t.eligible}
                    for t in sorted(tally(ballot), key=lambda t: (-t.yes, names[t.dossier].number))
                    if t.dossier not in hidden
                ],
                "hidden": sum(1 for pk in names if pk in hidden),
            }
        )
    decided = []
    for kind, quota in (
        (ApplicantKind.ORGANISATION, cycle.quota_organisation),
        (ApplicantKind.INDIVIDUAL, cycle.quota_individual),
    ):
        proposed = [
            d.dossier
            for d in Decision.objects.filter(meeting=meeting, proposed=True, dossier__kind=kind)
            .select_related("dossier")
            .order_by("-yes", "dossier__number")
        ]
        decided.append(
            {
                "kind": kind_label(kind),
                "quota": quota,
                "proposed": proposed,
                "vacant": max(quota - len(proposed), 0),
            }
        )
    candidates = {d.pk for b in ballots for d in b["ballot"].candidates.all()} - set(hidden)
    return {
        "hidden": bool(hidden & {d.pk for b in ballots for d in b["ballot"].candidates.all()}),
        "hidden_ids": set(hidden),
        "meeting": meeting,
        "cycle": cycle,
        "document": meeting.minutes,
        "office": office_letterhead(),
        "attendance": attendance,
        "present": len(present),
        "members": meeting.members_at_open,
        "ballots": ballots,
        "decided": decided,
        "recusals": [r for r in recusals(cycle) if r.dossier_id in candidates],
    }


# --- 6. publicity and objections --------------------------------------------------------------
class PublicityOfficeView(RoundPage):
    template_name = "publicity/office/publicity.html"

    def notice(self) -> PublicityNotice | None:
        return (
            PublicityNotice.objects.filter(cycle=self.cycle)
            .select_related("document")
            .prefetch_related("entries")
            .first()
        )

    def default_texts(self) -> dict:
        # the notice is published in Chinese, whatever language the clerk reads
        with translation.override("zh-hans"):
            return {
                "title": _("Publicity of the proposed winners of %(cycle)s")
                % {"cycle": self.cycle},
                "body": _(
                    "Under Article 22 of the Measures, the working group's proposed "
                    "winners are made public. Anyone who objects may file an objection "
                    "online within the period, under their real name (an organisation "
                    "with its sealed letter), stating the facts with evidence. Anonymous "
                    "or late objections are not taken."
                ),
            }

    def period(self):
        try:
            return publicity_period(self.cycle, published_on=timezone.localdate()), ""
        except ScheduleUnknown as error:
            return None, error.message

    def page(self, form=None, outcome_form=None):
        notice = self.notice()
        context = {"notice": notice}
        if notice is None:
            proposed = list(
                self.cycle.dossiers.filter(state=DossierState.PROPOSED).order_by("kind", "number")
            )
            period, pending = self.period()
            context.update(
                proposed=grouped(proposed, key=lambda d: d.kind),
                period=period,
                pending=pending,
                can_publish=self.acting and self.cycle.state == CycleState.GROUP_VOTE,
                form=form or PublicityForm(initial=self.default_texts()),
            )
        else:
            context.update(
                entries=grouped(
                    sorted(notice.entries.all(), key=lambda d: (d.kind, d.number or "")),
                    key=lambda d: d.kind,
                ),
                cancelled=list(
                    notice.objections.filter(group_decision__cancel=True).select_related(
                        "dossier", "group_decision"
                    )
                ),
                objections=list(
                    notice.objections.select_related("dossier").order_by("filed_at", "id")
                ),
                problem=end_problem(notice) if notice.ended_at is None else None,
                outcome_form=outcome_form or OutcomeForm(),
            )
        return self.render_page(**context)

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        action = request.POST.get("action")
        if action == "publish":
            form = PublicityForm(request.POST)
            if not form.is_valid():
                return self.page(form=form)
            if not self.confirmed():
                period, _pending = self.period()
                lines = [_("Title: %(title)s") % {"title": form.cleaned_data["title"]}]
                if period:
                    lines.append(
                        _(
                            "The publicity runs %(n)s working days, from %(first)s to %(last)s "
                            "24:00."
                        )
                        % {
                            "n": period.working_days,
                            "first": shown_day(period.first),
                            "last": shown_day(period.last),
                        }
                    )
                lines.append(_("The proposed winners are told by e-mail and in the portal."))
                return self.confirm(
                    title=_("Publish the proposed winners?"),
                    lines=lines,
                    action="publish",
                    fields=form.cleaned_data,
                    button=_("Publish now"),
                )
            try:
                publicity_publish(
                    actor=request.user,
                    cycle=self.cycle,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    request=request,
                )
            except ScheduleUnknown as error:
                messages.error(request, error.message)
            except ValidationError as error:
                refuse(request, error)
            else:
                messages.success(request, _("The proposed winners are publicised."))
        elif action == "end":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                return self.page(outcome_form=form)
            if not self.confirmed():
                return self.confirm(
                    title=_("End the publicity?"),
                    lines=[
                        _("Outcome: %(text)s") % {"text": form.cleaned_data["outcome"]},
                        _("The round then waits for the city government's approval."),
                    ],
                    action="end",
                    fields=form.cleaned_data,
                    button=_("End the publicity"),
                )
            try:
                publicity_end(
                    actor=request.user,
                    cycle=self.cycle,
                    outcome=form.cleaned_data["outcome"],
                    request=request,
                )
            except ValidationError as error:
                refuse(request, error)
            except PublicityNotice.DoesNotExist:
                raise Http404 from None
            else:
                messages.success(request, _("The publicity has ended."))
        else:
            raise Http404
        return redirect("publicity:publicity-office", cycle=self.cycle.pk)


class ObjectionPage(OfficePage):
    def setup_objects(self, **kwargs) -> None:
        self.objection = get_object_or_404(
            Objection.objects.select_related(
                "notice__cycle__edition", "dossier__organisation", "dossier__individual"
            ),
            pk=kwargs["pk"],
        )
        self.cycle = self.objection.notice.cycle


class ObjectionDetailView(ObjectionPage):
    """The objection, its investigation, the finding and, for a founded one, the
    working group's decision. The objector's ID number appears masked to everyone."""

    template_name = "publicity/office/objection.html"

    def members(self):
        members = by_position(current_members(self.cycle))
        recused = set(self.objection.dossier.member_conflicts.values_list("member", flat=True))
        return [m for m in members if m.pk not in recused], [m for m in members if m.pk in recused]

    def page(self, step_form=None, finding_form=None, group_form=None):
        objection = objection_open(
            actor=self.request.user, objection=self.objection, request=self.request
        )
        voting, recused = self.members()
        state = objection.state
        decision = getattr(objection, "group_decision", None)
        return self.render_page(
            objection=objection,
            phone=objection.phone if self.acting else mask(objection.phone),
            files=list(objection.files.all()),
            steps=list(objection.steps.select_related("recorded_by")),
            decision=decision,
            agreed=list(decision.agreed.select_related("user")) if decision else [],
            step_form=(step_form or StepForm())
            if self.acting and state in (ObjectionState.FILED, ObjectionState.INVESTIGATING)
            else None,
            finding_form=(finding_form or FindingForm())
            if self.acting and state == ObjectionState.INVESTIGATING
            else None,
            group_form=(
                group_form
                or GroupDecisionForm(members=voting, initial={"decided_on": timezone.localdate()})
            )
            if self.acting and state == ObjectionState.FOUNDED and decision is None
            else None,
            recused=recused,
            members_count=len(voting) + len(recused),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        action = request.POST.get("action")
        objection = self.objection
        try:
            if action == "step":
                form = StepForm(request.POST)
                if not form.is_valid():
                    return self.page(step_form=form)
                objection_investigate(
                    actor=request.user,
                    objection=objection,
                    text=form.cleaned_data["text"],
                    request=request,
                )
                messages.success(request, _("The step is recorded."))
            elif action == "finding":
                form = FindingForm(request.POST)
                if not form.is_valid():
                    return self.page(finding_form=form)
                objection_decide(
                    actor=request.user,
                    objection=objection,
                    founded=form.cleaned_data["founded"] == "yes",
                    finding=form.cleaned_data["finding"],
                    request=request,
                )
                messages.success(
                    request, _("The finding is recorded; the objector is told by SMS.")
                )
            elif action == "group":
                voting, _recused = self.members()
                form = GroupDecisionForm(request.POST, members=voting)
                if not form.is_valid():
                    return self.page(group_form=form)
                decision = group_decide(
                    actor=request.user,
                    objection=objection,
                    cancel=form.cleaned_data["cancel"] == "yes",
                    method=form.cleaned_data["method"],
                    agreed=form.agreed_members(),
                    decided_on=form.cleaned_data["decided_on"],
                    record=form.cleaned_data["record"],
                    request=request,
                )
                messages.success(
                    request,
                    _("The working group's decision is recorded: the candidacy is cancelled.")
                    if decision.cancel
                    else _(
                        "The working group's decision is recorded: the candidate stays on the list."
                    ),
                )
            else:
                raise Http404
        except ValidationError as error:
            refuse(request, error)
        return redirect("publicity:objection", pk=objection.pk)


class ObjectionFileView(ObjectionPage):
    def get(self, request, pk, which):
        found = objection_file_open(
            actor=request.user, objection=self.objection, which=which, request=request
        )
        if found is None:
            raise Http404
        field, original, content_type, _sha256 = found
        return attachment_response(
            field,
            filename=download_name(original, field.name),
            content_type=content_type
            or mimetypes.guess_type(field.name)[0]
            or "application/octet-stream",
        )


# --- 7. approval and awards ---------------------------------------------------------------
class ApprovalView(RoundPage):
    template_name = "publicity/office/approval.html"

    def candidates(self):
        return list(
            self.cycle.dossiers.filter(state=DossierState.PROPOSED).order_by("kind", "number")
        )

    def page(self, form=None):
        approval = (
            Approval.objects.filter(cycle=self.cycle)
            .select_related("recorded_by")
            .prefetch_related("exclusions__dossier")
            .first()
        )
        can_record = self.acting and approval is None and self.cycle.state == CycleState.APPROVAL
        return self.render_page(
            approval=approval,
            form=(form or ApprovalForm(**self.form_options())) if can_record else None,
            candidates=self.candidates() if approval is None else [],
        )

    def get(self, request, cycle):
        return self.page()

    def form_options(self) -> dict:
        notice = PublicityNotice.objects.filter(cycle=self.cycle).first()
        return {
            "candidates": self.candidates(),
            "earliest": notice.last_day if notice else None,
            "latest": timezone.localdate(),
        }

    def post(self, request, cycle):
        form = ApprovalForm(request.POST, request.FILES, **self.form_options())
        if not form.is_valid():
            return self.page(form=form)
        try:
            approval_record(
                actor=request.user,
                cycle=self.cycle,
                document_number=form.cleaned_data["document_number"],
                approved_on=form.cleaned_data["approved_on"],
                scan=form.cleaned_data["scan"],
                exclusions=form.exclusions(),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form=form)
        messages.success(request, _("The approval is recorded; the winners are awarded."))
        return redirect("publicity:awards", cycle=self.cycle.pk)


class ApprovalScanView(RoundPage):
    def get(self, request, cycle):
        approval = get_object_or_404(Approval, cycle=self.cycle)
        approval_scan_open(actor=request.user, approval=approval, request=request)
        return attachment_response(
            approval.scan,
            filename=download_name(approval.scan_name, approval.scan.name),
            content_type=mimetypes.guess_type(approval.scan.name)[0] or "application/octet-stream",
        )


class AwardsView(RoundPage):
    """The winners: certificates, plaques, prizes (paid from the next year's budget)."""

    template_name = "publicity/office/awards.html"

    def page(self, bound=None):
        awards = list(
            Award.objects.filter(cycle=self.cycle)
            .select_related("dossier", "certificate", "prize")
            .order_by("kind", "id")
        )
        today = timezone.localdate()
        for award in awards:
            award.status = award.status_on(today)
            award.plaque_form = (
                bound
                if bound is not None and bound.prefix == f"p{award.pk}"
                else PlaqueForm(prefix=f"p{award.pk}", initial={"delivered_on": today})
            )
            prize = getattr(award, "prize", None)
            award.payment_form = None
            if prize is not None and prize.paid_on is None:
                award.payment_form = (
                    bound
                    if bound is not None and bound.prefix == f"y{award.pk}"
                    else PaymentForm(prefix=f"y{award.pk}", initial={"paid_on": today})
                )
                award.payable = today >= date(prize.budget_year, 1, 1)
        vacancies = []
        for kind, quota in (
            (ApplicantKind.ORGANISATION, self.cycle.quota_organisation),
            (ApplicantKind.INDIVIDUAL, self.cycle.quota_individual),
        ):
            given = sum(1 for a in awards if a.kind == kind)
            if quota and given < quota:
                vacancies.append((kind_label(kind), quota - given))
        return self.render_page(awards=awards, vacancies=vacancies)

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        award = get_object_or_404(
            Award.objects.select_related("dossier"),
            pk=small_int(request.POST.get("award")) or 0,
            cycle=self.cycle,
        )
        action = request.POST.get("action")
        try:
            if action == "plaque":
                form = PlaqueForm(request.POST, prefix=f"p{award.pk}")
                if not form.is_valid():
                    return self.page(bound=form)
                plaque_deliver(
                    actor=request.user, award=award, request=request, **form.cleaned_data
                )
                messages.success(
                    request,
                    _("The plaque's delivery to %(name)s is recorded.")
                    % {"name": award.winner_name},
                )
            elif action == "pay":
                prize = getattr(award, "prize", None)
                if prize is None:
                    raise Http404
                form = PaymentForm(request.POST, prefix=f"y{award.pk}")
                if not form.is_valid():
                    return self.page(bound=form)
                prize_pay(
                    actor=request.user,
                    prize=prize,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                    request=request,
                )
                messages.success(
                    request,
                    _("The prize payment to %(name)s is recorded.") % {"name": award.winner_name},
                )
            else:
                raise Http404
        except ValidationError as error:
            refuse(request, error)
        return redirect("publicity:awards", cycle=self.cycle.pk)
