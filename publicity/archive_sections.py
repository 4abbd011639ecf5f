"""The sections of a round's archive that record the award itself, in the order of the
Measures: the round, every dossier (files, receipts, checks, notices), the qualification,
the expert review, public comment, the working group, publicity and objections, the
approval, the awards with their certificates, and the round's audit trail."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from award_portal.documents.spreadsheets import csv_cell

from .archive import Entry, archive_section, file_path, record, safe_name, stored_file, table


def dossier_folder(dossier) -> str:
    return f"dossiers/{safe_name(dossier.number or f'draft-{dossier.pk}')}"


def received_dossiers(cycle):
    """The dossiers the office received (a draft never submitted is not on record)."""
    from applications.models import Dossier

    return Dossier.objects.filter(cycle=cycle, received_at__isnull=False)


@archive_section("round", order=10)
def round_section(cycle) -> Iterator[Entry]:
    from applications.models import Cycle
    from award_portal.documents.models import OfficialDocument
    from award_portal.rules.models import RulebookEdition

    yield record("round/round.json", cycle)
    yield table("round/edition.csv", RulebookEdition.objects.filter(pk=cycle.edition_id))
    dossiers = [str(pk) for pk in received_dossiers(cycle).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(Cycle, received_dossiers(cycle).model)
    documents = OfficialDocument.objects.filter(
        Q(subject_type=types[Cycle], subject_id=str(cycle.pk))
        | Q(subject_type=types[received_dossiers(cycle).model], subject_id__in=dossiers)
    )
    yield table("round/official_documents.csv", documents)


@archive_section("dossiers", order=20)
def dossier_section(cycle) -> Iterator[Entry]:
    """Per dossier: its record, its applicant, every file as received (superseded ones
    too), every receipt as frozen, the checklist findings and the supplement notices."""
    from applications.models import (
        DossierFile,
        Individual,
        Organisation,
        Receipt,
        SupplementNotice,
    )

    dossiers = list(received_dossiers(cycle).order_by("pk"))
    yield table("dossiers/dossiers.csv", received_dossiers(cycle))
    yield table(
        "dossiers/organisations.csv",
        Organisation.objects.filter(dossiers__in=received_dossiers(cycle)).distinct(),
    )
    yield table(
        "dossiers/individuals.csv",
        Individual.objects.filter(dossiers__in=received_dossiers(cycle)).distinct(),
    )
    files: dict[int, list] = {}
    for upload in DossierFile.objects.filter(dossier__in=received_dossiers(cycle)).order_by(
        "dossier", "pk"
    ):
        files.setdefault(upload.dossier_id, []).append(upload)
    receipts: dict[int, list] = {}
    for receipt in Receipt.objects.filter(dossier__in=received_dossiers(cycle)).select_related(
        "document"
    ):
        receipts.setdefault(receipt.dossier_id, []).append(receipt)
    notices: dict[int, list] = {}
    for notice in SupplementNotice.objects.filter(dossier__in=received_dossiers(cycle)):
        notices.setdefault(notice.dossier_id, []).append(notice.number)
    for dossier in dossiers:
        folder = dossier_folder(dossier)
        yield record(f"{folder}/dossier.json", dossier)
        yield table(
            f"{folder}/files.csv", DossierFile.objects.filter(dossier=dossier).order_by("pk")
        )
        for upload in files.get(dossier.pk, []):
            sub = "files-confidential" if upload.trade_secret else "files"
            yield stored_file(
                file_path(f"{folder}/{sub}", upload.pk, upload.original_name, upload.file.name),
                upload.file,
            )
        for receipt in receipts.get(dossier.pk, []):
            yield record(
                f"{folder}/receipts/receipt-{receipt.sequence}.json",
                {
                    "document": receipt.document.number,
                    "sequence": receipt.sequence,
                    "kind": receipt.kind,
                    "received_at": receipt.received_at,
                    "received_by": receipt.received_by_id,
                    "notice": receipt.notice_id,
                    "applicant": receipt.applicant,
                    "answers": receipt.answers,
                    "supplement_notes": receipt.supplement_notes,
                    "files": receipt.files,
                },
            )
            yield Entry(
                f"{folder}/receipts/receipt-{receipt.sequence}.pdf",
                _dossier_pdf(dossier, "receipt", receipt.sequence),
            )
        for number in sorted(notices.get(dossier.pk, [])):
            yield Entry(
                f"{folder}/notices/supplement-notice-{number}.pdf",
                _dossier_pdf(dossier, "notice", number),
            )
        if dossier.decision_document_id:
            yield Entry(f"{folder}/decision.pdf", _dossier_pdf(dossier, "decision"))


def _dossier_pdf(dossier, document: str, number: int | None = None):
    """The official document as the applicant downloads it (rendered when written)."""

    def render() -> bytes:
        from applications.views.documents import dossier_pdf

        return dossier_pdf(dossier, document, number)[0]

    return render


@archive_section("qualification", order=30)
def qualification_section(cycle) -> Iterator[Entry]:
    from applications.models import CheckItem, SupplementNotice

    dossiers = received_dossiers(cycle)
    yield table(
        "qualification/decisions.csv",
        dossiers,
        ["id", "number", "state", "decided_at", "decided_by_id", "decision_reasons"],
    )
    yield table("qualification/check_items.csv", CheckItem.objects.filter(dossier__in=dossiers))
    yield table(
        "qualification/supplement_notices.csv",
        SupplementNotice.objects.filter(dossier__in=dossiers),
    )


@archive_section("review", order=40)
def review_section(cycle) -> Iterator[Entry]:
    """The plan, panels and assignments, conflicts, every score sheet with its item
    scores and comments, the aggregated results, on-site visits and defences."""
    from review import models as r

    on_cycle = {"dossier__cycle": cycle}
    yield table("review/plan.csv", r.ReviewPlan.objects.filter(cycle=cycle))
    yield table("review/stages.csv", r.ReviewStage.objects.filter(plan__cycle=cycle))
    yield table("review/engagement.csv", r.Engagement.objects.filter(cycle=cycle))
    yield table("review/panels.csv", r.Panel.objects.filter(stage__plan__cycle=cycle))
    yield table(
        "review/panel_members.csv", r.PanelMember.objects.filter(panel__stage__plan__cycle=cycle)
    )
    yield table("review/panel_dossiers.csv", r.PanelDossier.objects.filter(**on_cycle))
    yield table("review/assignments.csv", r.Assignment.objects.filter(**on_cycle))
    yield table(
        "review/conflict_declarations.csv", r.ConflictDeclaration.objects.filter(**on_cycle)
    )
    yield table("review/conflict_flags.csv", r.ConflictFlag.objects.filter(**on_cycle))
    sheets = {"sheet__assignment__dossier__cycle": cycle}
    yield table(
        "review/score_sheets.csv", r.ScoreSheet.objects.filter(assignment__dossier__cycle=cycle)
    )
    yield table("review/item_scores.csv", r.ItemScore.objects.filter(**sheets))
    yield table("review/category_comments.csv", r.CategoryComment.objects.filter(**sheets))
    yield table("review/sheet_returns.csv", r.SheetReturn.objects.filter(**sheets))
    yield table("review/aggregated_results.csv", r.StageResult.objects.filter(**on_cycle))
    results = {"result__dossier__cycle": cycle}
    yield table("review/aggregated_items.csv", r.ResultItem.objects.filter(**results))
    yield table("review/panel_comments.csv", r.PanelComment.objects.filter(**results))
    yield table("review/onsite_visits.csv", r.OnsiteVisit.objects.filter(**on_cycle))
    findings = r.OnsiteFinding.objects.filter(visit__dossier__cycle=cycle)
    yield table("review/onsite_findings.csv", findings)
    for finding in findings.order_by("pk"):
        if finding.attachment:
            yield stored_file(
                file_path("review/onsite_findings", finding.pk, "", finding.attachment.name),
                finding.attachment,
            )
    yield table("review/defence_slots.csv", r.DefenceSlot.objects.filter(**on_cycle))
    yield table("review/feedback_reports.csv", r.FeedbackReport.objects.filter(**on_cycle))
    yield table("review/conduct_ratings.csv", r.ConductRating.objects.filter(**on_cycle))


@archive_section("comment", order=50)
def comment_section(cycle) -> Iterator[Entry]:
    """The notice of the results, every comment (contacts masked), its files and how
    the office weighed it (Art. 19–20)."""
    from .models import Comment, CommentFile, CommentWeighing, NoticeEntry, ResultsNotice

    notice = ResultsNotice.objects.filter(cycle=cycle).first()
    if notice is None:
        return
    yield record("comment/results_notice.json", notice)
    if notice.is_published:
        yield Entry("comment/results_notice.pdf", _public_pdf("results_pdf", notice))
    yield table("comment/notice_entries.csv", NoticeEntry.objects.filter(notice=notice))
    yield table("comment/comments.csv", Comment.objects.filter(notice=notice))
    yield table("comment/weighings.csv", CommentWeighing.objects.filter(comment__notice=notice))
    files = CommentFile.objects.filter(comment__notice=notice).order_by("pk")
    yield table("comment/comment_files.csv", files)
    for upload in files:
        yield stored_file(
            file_path("comment/files", upload.pk, upload.original_name, upload.file.name),
            upload.file,
        )


@archive_section("group", order=60)
def group_section(cycle) -> Iterator[Entry]:
    """The ranking, the candidate list, the roster and conflicts, meetings with their
    attendance, ballots, the votes (secret: never tied to the member) and decisions, and
    the minutes."""
    from .models import (
        Attendance,
        Ballot,
        Decision,
        GroupMember,
        Meeting,
        MemberConflict,
        RankingEntry,
        Vote,
    )

    yield table("group/ranking.csv", RankingEntry.objects.filter(cycle=cycle))
    yield table("group/members.csv", GroupMember.objects.filter(cycle=cycle))
    yield table("group/member_conflicts.csv", MemberConflict.objects.filter(member__cycle=cycle))
    meetings = Meeting.objects.filter(cycle=cycle).select_related("minutes")
    yield table("group/meetings.csv", meetings)
    yield table("group/attendance.csv", Attendance.objects.filter(meeting__cycle=cycle))
    yield table("group/ballots.csv", Ballot.objects.filter(meeting__cycle=cycle))
    yield Entry("group/votes.csv", lambda: _secret_votes(Vote, cycle))
    yield table("group/decisions.csv", Decision.objects.filter(meeting__cycle=cycle))
    for meeting in meetings.order_by("pk"):
        if meeting.minutes_id:
            yield Entry(f"group/minutes-{meeting.pk}.pdf", _minutes_pdf(meeting))


def _secret_votes(vote_model, cycle) -> bytes:
    """Every vote with its ballot, candidate and choice, in a fixed order that says
    nothing of who cast it or when (Art. 21: the vote is secret)."""
    rows = sorted(
        vote_model.objects.filter(ballot__meeting__cycle=cycle).values_list(
            "ballot_id", "dossier_id", "choice", "on_paper"
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ballot_id", "dossier_id", "choice", "on_paper"])
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _minutes_pdf(meeting):
    def render() -> bytes:
        from award_portal.documents.pdf import render_pdf

        from .views.office import minutes_context

        return render_pdf(template="publicity/pdf/minutes.html", context=minutes_context(meeting))

    return render


@archive_section("publicity", order=70)
def publicity_section(cycle) -> Iterator[Entry]:
    """The publicity notice, every objection (the objector's phone masked, the ID number
    only masked), its files and sealed letter, the investigation and the decisions."""
    from .models import GroupDecision, InvestigationStep, Objection, ObjectionFile
    from .models import PublicityNotice as Notice

    notice = Notice.objects.filter(cycle=cycle).first()
    if notice is None:
        return
    yield record(
        "publicity/publicity_notice.json",
        {
            **{f: getattr(notice, f) for f in ("title", "body", "first_day", "last_day")},
            "working_days": notice.working_days,
            "document": str(notice.document),
            "ended_at": notice.ended_at,
            "outcome": notice.outcome,
            "listed": list(notice.entries.values_list("number", flat=True)),
        },
    )
    yield Entry("publicity/publicity_notice.pdf", _public_pdf("publicity_pdf", notice))
    objections = Objection.objects.filter(notice=notice).order_by("pk")
    yield table("publicity/objections.csv", objections)
    yield table(
        "publicity/investigation.csv", InvestigationStep.objects.filter(objection__notice=notice)
    )
    yield table(
        "publicity/group_decisions.csv", GroupDecision.objects.filter(objection__notice=notice)
    )
    files = ObjectionFile.objects.filter(objection__notice=notice).order_by("pk")
    yield table("publicity/objection_files.csv", files)
    for upload in files:
        yield stored_file(
            file_path("publicity/files", upload.pk, upload.original_name, upload.file.name),
            upload.file,
        )
    for objection in objections:
        if objection.sealed_letter:
            yield stored_file(
                file_path(
                    "publicity/sealed_letters",
                    objection.pk,
                    objection.sealed_letter_name,
                    objection.sealed_letter.name,
                ),
                objection.sealed_letter,
            )


@archive_section("approval", order=80)
def approval_section(cycle) -> Iterator[Entry]:
    from .models import Approval, ApprovalExclusion

    approval = Approval.objects.filter(cycle=cycle).first()
    if approval is None:
        return
    yield record("approval/approval.json", approval)
    yield table("approval/exclusions.csv", ApprovalExclusion.objects.filter(approval=approval))
    if approval.scan:
        extension = os.path.splitext(approval.scan.name)[1]
        yield stored_file(f"approval/scan{extension}", approval.scan)


@archive_section("awards", order=90)
def award_section(cycle) -> Iterator[Entry]:
    """The awards and prizes, and every certificate as the PDF the winner holds."""
    from .models import Award, Prize

    awards = Award.objects.filter(cycle=cycle).select_related("cycle__edition", "certificate")
    yield table("awards/awards.csv", awards)
    yield table("awards/prizes.csv", Prize.objects.filter(award__cycle=cycle))
    for award in awards.order_by("pk"):
        yield Entry(
            f"awards/certificates/{safe_name(award.certificate_number)}.pdf",
            _certificate_pdf(award),
        )


@archive_section("supervision", order=95)
def supervision_section(cycle) -> Iterator[Entry]:
    """After the award: the prize-fund report schedule, every report with its lines, its
    submitted versions and its evidence files (Art. 24), and the follow-up visits with
    their findings (Art. 33)."""
    from .models import (
        FollowUpVisit,
        FundEvidence,
        FundLine,
        FundReport,
        FundReportVersion,
        FundSchedule,
        VisitFinding,
    )

    yield table("supervision/fund_schedule.csv", FundSchedule.objects.filter(cycle=cycle))
    yield table("supervision/fund_reports.csv", FundReport.objects.filter(award__cycle=cycle))
    yield table("supervision/fund_lines.csv", FundLine.objects.filter(report__award__cycle=cycle))
    yield table(
        "supervision/fund_report_versions.csv",
        FundReportVersion.objects.filter(report__award__cycle=cycle),
    )
    evidence = FundEvidence.objects.filter(report__award__cycle=cycle).order_by("pk")
    yield table("supervision/fund_evidence.csv", evidence)
    for upload in evidence:
        yield stored_file(
            file_path(
                "supervision/fund_evidence", upload.pk, upload.original_name, upload.file.name
            ),
            upload.file,
        )
    yield table("supervision/visits.csv", FollowUpVisit.objects.filter(award__cycle=cycle))
    yield table(
        "supervision/visit_findings.csv", VisitFinding.objects.filter(visit__award__cycle=cycle)
    )


@archive_section("revocation", order=97)
def revocation_section(cycle) -> Iterator[Entry]:
    """Titles of the round taken back (Art. 28, 29): each case with its evidence and the
    winner's statement, the government's decision scan, the recovery, the bans, and the
    public notice as the PDF that was published."""
    from applications.models import ApplicantBan

    from .models import PrizeRecovery, RevocationCase, RevocationFile

    cases = RevocationCase.objects.filter(award__cycle=cycle).order_by("pk")
    yield table("revocation/cases.csv", cases)
    files = RevocationFile.objects.filter(case__award__cycle=cycle).order_by("pk")
    yield table("revocation/files.csv", files)
    for upload in files:
        yield stored_file(
            file_path("revocation/files", upload.pk, upload.original_name, upload.file.name),
            upload.file,
        )
    yield table("revocation/recoveries.csv", PrizeRecovery.objects.filter(case__award__cycle=cycle))
    # the bans the round's revocations for fraud brought (Art. 28); the ID number's hash
    # is never written (``SECRET_FIELDS``)
    yield table(
        "revocation/bans.csv",
        ApplicantBan.objects.filter(pk__in=cases.exclude(ban=None).values("ban")).order_by("pk"),
    )
    for case in cases:
        if case.decision_scan:
            extension = os.path.splitext(case.decision_scan.name)[1]
            yield stored_file(
                f"revocation/{safe_name(case.number)}-decision{extension}", case.decision_scan
            )
        if case.notice_id:
            yield Entry(f"revocation/{safe_name(case.number)}-notice.pdf", _revocation_pdf(case))


def _revocation_pdf(case):
    def render() -> bytes:
        from django.utils import translation

        from award_portal.documents.pdf import render_pdf

        from .views.revocation import notice_context

        with translation.override("zh-hans"):
            return render_pdf(
                template="publicity/revocation/notice_pdf.html",
                context=notice_context(case, official=True),
            )

    return render


def _public_pdf(name: str, notice):
    def render() -> bytes:
        from .views import public

        return getattr(public, name)(notice)

    return render


def _certificate_pdf(award):
    def render() -> bytes:
        from award_portal.documents.pdf import render_pdf

        from .views.public import certificate_context

        return render_pdf(
            template="publicity/pdf/certificate.html",
            context=certificate_context(award),
            stylesheets=("css/certificate.css",),
        )

    return render


@archive_section("audit", order=1000)
def audit_section(cycle) -> Iterator[Entry]:
    yield Entry("audit/events.csv", lambda: _audit_csv(cycle))


def round_events(cycle):
    """The audit events about the round: those on the round itself, on its dossiers,
    and on any record that belongs to the round by a ``cycle`` or ``dossier`` field."""
    from applications.models import Cycle, Dossier
    from award_portal.audit.models import AuditEvent

    types = AuditEvent.objects.exclude(target_type=None).values_list("target_type", flat=True)
    condition = Q()
    for content_type in ContentType.objects.filter(pk__in=types.distinct()):
        model = content_type.model_class()
        if model is None:
            continue
        names = {f.name for f in model._meta.get_fields()}
        if model is Cycle:
            rows = Cycle.objects.filter(pk=cycle.pk)
        elif model is Dossier:
            rows = Dossier.objects.filter(cycle=cycle)
        elif "cycle" in names:
            rows = model.objects.filter(cycle=cycle)
        elif "dossier" in names:
            rows = model.objects.filter(dossier__cycle=cycle)
        else:
            continue
        # the target's id is text: compare in the database, never a list of ids
        ids = rows.annotate(text_id=Cast("pk", CharField())).values("text_id")
        condition |= Q(target_type=content_type, target_id__in=ids)
    if not condition:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(condition).select_related("target_type")


def _audit_csv(cycle) -> bytes:
    from award_portal.audit.formatting import export_header, export_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", *export_header()])
    events = round_events(cycle).order_by("occurred_at", "id")
    for event, row in zip(events, export_rows(events), strict=True):
        writer.writerow([event.pk, *[csv_cell(v) for v in row]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
