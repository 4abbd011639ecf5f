"""What the working group's pages read (Art. 7, 21, 25): the rounds a member is on the
roster of, the candidates with their summaries, the meeting and its ballots.

Every read starts from the member's current membership of one round: a round the user
is not on the roster of, a dossier that is not a candidate of it, and a candidate the
member declared a conflict with are all "not there" (the views answer 404 alike). A
summary never includes a file of the dossier, trade secret or not, nor the applicant's
personal data (resident ID, phone, contacts), nor who commented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Prefetch

from applications.models import Cycle, Dossier
from award_portal.accounts.enums import ApplicantKind, Role
from review.models import PanelComment, StageResult

from .enums import MeetingState
from .models import (
    Attendance,
    Ballot,
    Comment,
    CommentWeighing,
    Decision,
    GroupMember,
    Meeting,
    RankingEntry,
    Vote,
)
from .services.group import tally


def memberships_of(user) -> list[GroupMember]:
    """The user's current places on working-group rosters, the newest round first."""
    if not user.is_authenticated or user.role != Role.WORKING_GROUP:
        return []
    return list(
        GroupMember.objects.filter(user=user, until__isnull=True)
        .select_related("cycle__edition", "cycle__candidate_list")
        .order_by("-cycle__announcement_date", "-cycle_id")
    )


def membership_of(user, cycle_id: int) -> GroupMember | None:
    return next((m for m in memberships_of(user) if m.cycle_id == cycle_id), None)


def recused_ids(member: GroupMember) -> set[int]:
    return set(member.conflicts.values_list("dossier_id", flat=True))


def meeting_of(cycle: Cycle) -> Meeting | None:
    """The meeting the group works towards: the one not closed yet, else the latest."""
    meetings = Meeting.objects.filter(cycle=cycle).order_by("-held_on", "-id")
    return meetings.exclude(state=MeetingState.CLOSED).first() or meetings.first()


def is_present(meeting: Meeting, member: GroupMember) -> bool:
    return Attendance.objects.filter(meeting=meeting, member=member, present=True).exists()


@dataclass
class BallotState:
    ballot: Ballot
    voted_at: object = None  # when the member's votes were recorded
    may_vote: bool = False


def ballots_for(member: GroupMember, meeting: Meeting | None) -> list[BallotState]:
    """The meeting's open ballots and where the member stands on each (never how anyone
    voted)."""
    if meeting is None or meeting.state != MeetingState.OPEN:
        return []
    present = is_present(meeting, member)
    recorded = dict(
        Vote.objects.filter(ballot__meeting=meeting, member=member)
        .values("ballot")
        .annotate(at=Min("cast_at"))
        .values_list("ballot", "at")
    )
    states = []
    for ballot in meeting.ballots.filter(closed_at__isnull=True).order_by("kind", "number"):
        voted_at = recorded.get(ballot.pk)
        states.append(
            BallotState(ballot=ballot, voted_at=voted_at, may_vote=present and voted_at is None)
        )
    return states


def round_context(member: GroupMember) -> dict:
    """What waits for a member in one round: the documents, the meeting, the ballots
    open to it and, once the meeting has closed, the result."""
    cycle = member.cycle
    meeting = meeting_of(cycle)
    return {
        "member": member,
        "cycle": cycle,
        "candidate_list": getattr(cycle, "candidate_list", None),
        "meeting": meeting,
        "ballots": ballots_for(member, meeting),
        "present": meeting is not None
        and meeting.state != MeetingState.SCHEDULED
        and is_present(meeting, member),
        "result": meeting_result(meeting, member),
    }


@dataclass
class CandidateRow:
    entry: RankingEntry
    recused: bool
    comments: int = 0
    conflict_refused: str = ""  # why a conflict can no longer be declared with it

    @property
    def dossier(self) -> Dossier:
        return self.entry.dossier


def candidates_for(member: GroupMember) -> list[tuple[str, list[CandidateRow]]]:
    """The candidate list submitted to the group, per kind in the office's order; a
    candidate the member declared a conflict with is a row marked recused (its template
    shows nothing else of it)."""
    cycle = member.cycle
    rows: dict[str, list[CandidateRow]] = {}
    if not hasattr(cycle, "candidate_list"):
        return []
    recused = recused_ids(member)
    counts = dict(
        Comment.objects.filter(notice__cycle=cycle)
        .values("dossier")
        .annotate(n=Count("id"))
        .values_list("dossier", "n")
    )
    entries = (
        RankingEntry.objects.filter(cycle=cycle, superseded_at__isnull=True, on_list=True)
        .select_related("dossier__organisation", "dossier__individual")
        .order_by("kind", "position")
    )
    for entry in entries:
        rows.setdefault(entry.kind, []).append(
            CandidateRow(
                entry=entry,
                recused=entry.dossier_id in recused,
                comments=counts.get(entry.dossier_id, 0),
            )
        )
    return [(kind, rows[kind]) for kind in ApplicantKind.values if kind in rows]


def candidate_entry(member: GroupMember, dossier_id: int) -> RankingEntry | None:
    """The candidate's entry on the list, or None when the member may not see it (not a
    candidate of the round, or the member declared a conflict with it)."""
    if not hasattr(member.cycle, "candidate_list"):
        return None
    if dossier_id in recused_ids(member):
        return None
    return (
        RankingEntry.objects.filter(
            cycle=member.cycle,
            dossier_id=dossier_id,
            superseded_at__isnull=True,
            on_list=True,
        )
        .select_related("dossier__organisation", "dossier__individual", "dossier__cycle")
        .first()
    )


@dataclass
class Summary:
    entry: RankingEntry
    results: list[StageResult] = field(default_factory=list)
    composite: Decimal | None = None
    panel_comments: list[PanelComment] = field(default_factory=list)
    last_result: StageResult | None = None
    comments: list[dict] = field(default_factory=list)

    @property
    def dossier(self) -> Dossier:
        return self.entry.dossier


def candidate_summary(entry: RankingEntry) -> Summary:
    """The review's figures per stage and the composite, the panel's strengths and
    opportunities of the last stage, and each public comment's text with how the office
    weighed it (the latest weighing counts). Nothing else of the dossier."""
    dossier = entry.dossier
    results = list(
        StageResult.objects.filter(
            dossier=dossier, stage__plan__cycle_id=entry.cycle_id, superseded_at__isnull=True
        )
        .select_related("stage")
        .order_by("stage__position")
    )
    last = results[-1] if results else None
    panel_comments = (
        list(
            PanelComment.objects.filter(result=last)
            .select_related("criterion")
            .order_by("criterion__position", "criterion_id")
        )
        if last is not None
        else []
    )
    comments = []
    for comment in (
        Comment.objects.filter(dossier=dossier, notice__cycle_id=entry.cycle_id)
        .prefetch_related(
            Prefetch("weighings", queryset=CommentWeighing.objects.order_by("weighed_at", "id"))
        )
        .order_by("received_at", "id")
    ):
        weighings = list(comment.weighings.all())
        latest = weighings[-1] if weighings else None
        comments.append(
            {
                "receipt": comment.receipt_number,
                "received_at": comment.received_at,
                "text": comment.text,
                "weighed": latest.get_decision_display() if latest else "",
                "reason": latest.reason if latest else "",
            }
        )
    return Summary(
        entry=entry,
        results=results,
        composite=entry.composite,
        panel_comments=[c for c in panel_comments if c.strengths or c.opportunities],
        last_result=last,
        comments=comments,
    )


@dataclass
class TallyRow:
    dossier: Dossier
    recused: bool
    yes: int = 0
    no: int = 0
    abstain: int = 0
    eligible: int = 0
    carried: bool = False
    outcome: str = ""  # proposed / not_proposed / runoff
    position: int | None = None  # on the candidate list, told for a recused row only


@dataclass
class BallotResult:
    ballot: Ballot
    rows: list[TallyRow]


def meeting_result(meeting: Meeting, member: GroupMember) -> dict | None:
    """After the close, and only then: every ballot's tallies and the decided list. The
    member's own recused candidates are rows without figures or name, told by their place
    on the candidate list."""
    if meeting is None or meeting.state != MeetingState.CLOSED:
        return None
    recused = recused_ids(member)
    decisions = {
        d.dossier_id: d
        for d in Decision.objects.filter(meeting=meeting).select_related(
            "dossier__organisation", "dossier__individual"
        )
    }
    # a recused row is named by its place on the candidate list, never by its name
    positions = dict(
        RankingEntry.objects.filter(
            cycle=meeting.cycle, superseded_at__isnull=True, dossier_id__in=recused
        ).values_list("dossier_id", "position")
    )
    ballots = []
    for ballot in meeting.ballots.prefetch_related("candidates").order_by("kind", "number"):
        names = {
            d.pk: d for d in ballot.candidates.select_related("organisation", "individual").all()
        }
        rows = []
        for item in sorted(tally(ballot), key=lambda t: (-t.yes, names[t.dossier].number or "")):
            decision = decisions.get(item.dossier)
            if decision is not None and decision.ballot_id == ballot.pk:
                outcome = "proposed" if decision.proposed else "not_proposed"
            else:
                outcome = "runoff"
            rows.append(
                TallyRow(
                    dossier=names[item.dossier],
                    recused=item.dossier in recused,
                    yes=item.yes,
                    no=item.no,
                    abstain=item.abstain,
                    eligible=item.eligible,
                    carried=item.carried,
                    outcome=outcome,
                    position=positions.get(item.dossier),
                )
            )
        ballots.append(BallotResult(ballot=ballot, rows=rows))
    decided: dict[str, list] = {kind: [] for kind in ApplicantKind.values}
    for decision in sorted(decisions.values(), key=lambda d: (-d.yes, d.dossier.number or "")):
        if decision.proposed:
            decided[decision.dossier.kind].append(
                {
                    "dossier": decision.dossier,
                    "recused": decision.dossier_id in recused,
                    "position": positions.get(decision.dossier_id),
                }
            )
    cycle = meeting.cycle
    quota = {
        ApplicantKind.ORGANISATION: cycle.quota_organisation,
        ApplicantKind.INDIVIDUAL: cycle.quota_individual,
    }
    lists = [
        {
            "kind": kind,
            "label": ApplicantKind(kind).label,
            "rows": decided[kind],
            "vacant": max((quota[kind] or 0) - len(decided[kind]), 0),
        }
        for kind in ApplicantKind.values
        if decided[kind] or any(b.ballot.kind == kind for b in ballots)
    ]
    return {"ballots": ballots, "decided": lists}
