"""The working group (Art. 7), its plenary meeting and the vote on the proposed list
(Art. 21).

Votes are secret from the other members until the meeting closes; nobody votes twice or
after the close; a recused member neither votes on nor sees that candidate. The quorum
and the decision rule are the office's procedure for the round, frozen when the meeting
opens. The proposed list holds at most the round's quota per kind; a tie at the edge or
an over-quota result goes to a recorded second ballot.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from applications.services.dossiers import dossier_move
from applications.services.messaging import tell_applicants
from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_moment
from award_portal.documents.services import document_issue
from award_portal.notifications.services import notify

from .. import rules
from ..enums import MeetingState, Position, VoteChoice
from ..models import (
    Attendance,
    Ballot,
    Decision,
    GroupMember,
    Meeting,
    MemberConflict,
    Vote,
)
from ..permissions import group_member, is_office

FIRST = 1


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def current_members(cycle: Cycle):
    return GroupMember.objects.filter(cycle=cycle, until__isnull=True).select_related("user")


ROSTER_CLOSED = (CycleState.AWARDED, CycleState.CANCELLED)


def roster_closed(cycle: Cycle) -> bool:
    """The round is over: its roster is the record of who sat, and no longer changes."""
    return cycle.state in ROSTER_CLOSED


def _roster_may_change(cycle: Cycle) -> None:
    if roster_closed(cycle):
        raise ValidationError(
            _("The round is over: the record of its working group no longer changes.")
        )
    if Meeting.objects.filter(cycle=cycle, state=MeetingState.OPEN).exists():
        raise ValidationError(_("The roster cannot change while the meeting is in session."))


# --- roster --------------------------------------------------------------------------------
@transaction.atomic
def member_add(
    *,
    actor,
    cycle: Cycle,
    user: User,
    position: str,
    department: str,
    since: date,
    request: HttpRequest | None = None,
) -> GroupMember:
    """Put a working-group account on the round's roster (dated)."""
    _require_office(actor)
    # the round first, as every service of the group locks it: roster changes, the
    # meeting's opening and declarations follow one another (two leaders cannot be
    # added at once)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _roster_may_change(cycle)
    if user.role != Role.WORKING_GROUP or not user.is_active:
        raise ValidationError(_("Only an active working-group account can be a member."))
    if position not in Position.values:
        raise ValidationError(_("Choose the position."))
    if not (department or "").strip():
        raise ValidationError(_("Give the member's department and post."))
    if (
        position == Position.LEADER
        and current_members(cycle).filter(position=Position.LEADER).exists()
    ):
        raise ValidationError(
            _("The group has a leader; record the change of leader by ending the current one.")
        )
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(
                cycle=cycle,
                user=user,
                position=position,
                department=department.strip(),
                since=since,
                added_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is a member already.") % {"name": user.display_name}
        ) from None
    audit_record(
        action=Action.GROUP_CHANGED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "added": user.username,
            "position": position,
            "department": member.department,
            "since": str(since),
        },
    )
    notify(
        user=user,
        title=_("You are on the working group of %(cycle)s") % {"cycle": cycle.name},
        body=_("Position: %(position)s.") % {"position": member.get_position_display()},
        url=reverse("publicity:group-home"),
    )
    return member


@transaction.atomic
def member_end(
    *, actor, member: GroupMember, until: date, request: HttpRequest | None = None
) -> GroupMember:
    _require_office(actor)
    # the round, then the membership: the order every service of the group locks them in
    _roster_may_change(Cycle.objects.select_for_update().get(pk=member.cycle_id))
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.until is not None:
        raise ValidationError(_("This membership has ended already."))
    if until < member.since:
        raise ValidationError(_("A membership cannot end before it began."))
    member.until = until
    member.save(update_fields=["until"])
    audit_record(
        action=Action.GROUP_CHANGED,
        actor=actor,
        target=member.cycle,
        request=request,
        details={"ended": member.user.username, "until": str(until)},
    )
    return member


def conflict_refusals(member: GroupMember) -> tuple[str, dict[int, str]]:
    """Why the member may no longer declare a conflict (Art. 25): for the whole round
    (the group no longer deliberates), and per candidate (its vote has been held, or the
    member has voted on it). A conflict declared after the vote would change a tally
    already counted, so it goes to the office instead. Empty when declaring is open."""
    cycle = member.cycle
    if cycle.state != CycleState.GROUP_VOTE:
        return (
            _(
                "The working group's vote on this round is over; a conflict can no longer be "
                "declared here. Tell the coordination office about it."
            ),
            {},
        )
    refused: dict[int, str] = {}
    held = _(
        "The vote on this candidate has been held; a conflict can no longer be declared "
        "here. Tell the coordination office about it."
    )
    for dossier_id in Ballot.candidates.through.objects.filter(
        ballot__meeting__cycle=cycle, ballot__closed_at__isnull=False
    ).values_list("dossier_id", flat=True):
        refused[dossier_id] = held
    voted = _(
        "You have voted on this candidate already; tell the coordination office about the conflict."
    )
    for dossier_id in Vote.objects.filter(member=member).values_list("dossier_id", flat=True):
        refused.setdefault(dossier_id, voted)
    return "", refused


@transaction.atomic
def conflict_declare(
    *, actor, cycle: Cycle, dossier: Dossier, note: str, request: HttpRequest | None = None
) -> MemberConflict:
    """A member declares a conflict with a candidate (Art. 25): recused from its vote and
    from everything of it, at once. Only while the group deliberates and before the vote
    on that candidate (``conflict_refusals``)."""
    member = group_member(actor, cycle)
    if member is None:
        raise PermissionDenied
    if dossier.cycle_id != cycle.pk:
        raise PermissionDenied
    if not (note or "").strip():
        raise ValidationError(_("Describe the conflict."))
    # only before the vote on it: a vote already cast, or a tally already counted, would
    # stand while the member is no longer eligible. The round's row is locked first, as
    # the ballot's close and a vote lock it (their ballot query joins it), so a
    # declaration and a close never pass each other.
    Cycle.objects.select_for_update().get(pk=cycle.pk)
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    for_round, per_candidate = conflict_refusals(member)
    if for_round or dossier.pk in per_candidate:
        raise ValidationError(for_round or per_candidate[dossier.pk])
    conflict, created = MemberConflict.objects.get_or_create(
        member=member, dossier=dossier, defaults={"note": note.strip()}
    )
    if created:
        audit_record(
            action=Action.MEMBER_RECUSED,
            actor=actor,
            target=dossier,
            request=request,
            details={"member": member.pk, "note": conflict.note},
        )
    return conflict


# --- the meeting ---------------------------------------------------------------------------
@transaction.atomic
def meeting_schedule(
    *,
    actor,
    cycle: Cycle,
    data: dict,
    meeting: Meeting | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Schedule (or change before it opens) the plenary meeting and its procedure."""
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.GROUP_VOTE:
        raise ValidationError(_("The working group meets after the public comment has closed."))
    if meeting is None:
        if Meeting.objects.filter(cycle=cycle).exclude(state=MeetingState.CLOSED).exists():
            raise ValidationError(_("A meeting of this round is scheduled already."))
        meeting = Meeting(cycle=cycle, scheduled_by=actor)
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state != MeetingState.SCHEDULED:
            raise ValidationError(_("The meeting has opened; its procedure is frozen."))
    for name in ("held_on", "place", "agenda", "quorum_rule", "decision_rule"):
        if name in data:
            setattr(meeting, name, data[name])
    meeting.full_clean(exclude=["cycle", "scheduled_by", "minutes"])
    meeting.save()
    audit_record(
        action=Action.MEETING_SAVED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "meeting": meeting.pk,
            "held_on": meeting.held_on.isoformat(),
            "quorum": meeting.quorum_rule,
            "decision": meeting.decision_rule,
        },
    )
    for member in current_members(cycle):
        notify(
            user=member.user,
            title=_("Plenary meeting of the working group: %(when)s")
            % {"when": shown_moment(meeting.held_on)},
            body=_("Place: %(place)s. Please read the report and the candidate list before it.")
            % {"place": meeting.place},
            url=reverse("publicity:group-home"),
        )
    return meeting


def candidates_of(cycle: Cycle):
    return (
        Dossier.objects.filter(cycle=cycle, state=DossierState.CANDIDATE)
        .select_related("organisation", "individual")
        .order_by("kind", "number")
    )


@transaction.atomic
def meeting_open(
    *, actor, meeting: Meeting, present: dict[int, bool], request: HttpRequest | None = None
) -> Meeting:
    """Open the meeting with its attendance: the procedure freezes, the quorum is checked,
    the first ballot opens for every candidate.

    Side effects, in order: attendance rows; refused without a quorum; the meeting open
    with the number of members frozen; the first ballot per kind; one
    ``publicity.meeting_opened`` event.
    """
    _require_office(actor)
    meeting = Meeting.objects.select_for_update().select_related("cycle").get(pk=meeting.pk)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError(_("The meeting has opened already."))
    members = list(current_members(meeting.cycle))
    if not members:
        raise ValidationError(_("The working group has no members."))
    if not hasattr(meeting.cycle, "candidate_list"):
        raise ValidationError(_("Submit the candidate list to the working group first."))
    count = sum(1 for m in members if present.get(m.pk))
    if not rules.quorum_met(meeting.quorum_rule, members=len(members), present=count):
        raise ValidationError(
            _("No quorum: %(present)s of %(members)s members are present; the rule is “%(rule)s”.")
            % {"present": count, "members": len(members), "rule": meeting.get_quorum_rule_display()}
        )
    for member in members:
        Attendance.objects.create(
            meeting=meeting, member=member, present=bool(present.get(member.pk))
        )
    meeting.state = MeetingState.OPEN
    meeting.opened_at = timezone.now()
    meeting.members_at_open = len(members)
    meeting.save()
    for kind in ApplicantKind.values:
        candidates = list(candidates_of(meeting.cycle).filter(kind=kind))
        if candidates:
            ballot = Ballot.objects.create(meeting=meeting, number=FIRST, kind=kind)
            ballot.candidates.set(candidates)
    audit_record(
        action=Action.MEETING_OPENED,
        actor=actor,
        target=meeting.cycle,
        request=request,
        details={"present": count, "members": len(members)},
    )
    return meeting


def open_ballots(meeting: Meeting):
    return meeting.ballots.filter(closed_at__isnull=True).prefetch_related("candidates")


def _present_member(meeting: Meeting, member: GroupMember) -> bool:
    return Attendance.objects.filter(meeting=meeting, member=member, present=True).exists()


@transaction.atomic
def vote_cast(
    *,
    actor,
    ballot: Ballot,
    choices: dict[int, str],
    member: GroupMember | None = None,
    request: HttpRequest | None = None,
) -> list[Vote]:
    """Record one member's votes on a ballot: in the portal by the member, or the member's
    paper ballot by the office (``member`` given). All of the member's votes of the ballot
    at once; nobody votes twice or after the close; a recused member does not vote on
    that candidate.

    Side effects, in order: the ballot locked; the votes; one ``publicity.vote_cast``
    event without the choices (the vote is secret until the close; the rows hold it).
    """
    ballot = Ballot.objects.select_for_update().select_related("meeting__cycle").get(pk=ballot.pk)
    meeting = ballot.meeting
    on_paper = member is not None
    if on_paper:
        _require_office(actor)
    else:
        member = group_member(actor, meeting.cycle)
        if member is None:
            raise PermissionDenied
    if meeting.state != MeetingState.OPEN or ballot.closed_at is not None:
        raise ValidationError(_("Voting is closed."))
    if not _present_member(meeting, member):
        raise ValidationError(_("Only members recorded as present vote."))
    if Vote.objects.filter(ballot=ballot, member=member).exists():
        raise ValidationError(_("This member's votes on this ballot are recorded already."))
    recused = set(member.conflicts.values_list("dossier_id", flat=True))
    candidates = {d.pk for d in ballot.candidates.all()} - recused
    if set(choices) != candidates:
        raise ValidationError(_("Vote on every candidate of the ballot (and only on them)."))
    if any(choice not in VoteChoice.values for choice in choices.values()):
        raise ValidationError(_("Choose in favour, against or abstain."))
    try:
        with transaction.atomic():
            votes = [
                Vote.objects.create(
                    ballot=ballot,
                    member=member,
                    dossier_id=dossier_id,
                    choice=choice,
                    on_paper=on_paper,
                    recorded_by=actor,
                )
                for dossier_id, choice in sorted(choices.items())
            ]
    except IntegrityError:  # the same member's other click, a moment ago
        raise ValidationError(
            _("This member's votes on this ballot are recorded already.")
        ) from None
    audit_record(
        action=Action.VOTE_CAST,
        actor=actor,
        target=meeting.cycle,
        request=request,
        details={
            "ballot": ballot.pk,
            "member": member.pk,
            "paper": on_paper,
            "candidates": len(votes),
        },
    )
    return votes


def tally(ballot: Ballot) -> list[rules.Tally]:
    """The counts per candidate; ``eligible`` is the members present and not recused."""
    meeting = ballot.meeting
    present = list(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("member", flat=True)
    )
    conflicts = {}
    for member_id, dossier_id in MemberConflict.objects.filter(member__in=present).values_list(
        "member", "dossier"
    ):
        conflicts.setdefault(dossier_id, set()).add(member_id)
    counts = {
        row["dossier"]: row
        for row in Vote.objects.filter(ballot=ballot)
        .values("dossier")
        .annotate(
            yes=Count("id", filter=Q(choice=VoteChoice.YES)),
            no=Count("id", filter=Q(choice=VoteChoice.NO)),
            abstain=Count("id", filter=Q(choice=VoteChoice.ABSTAIN)),
        )
    }
    tallies = []
    for dossier in ballot.candidates.all():
        row = counts.get(dossier.pk, {"yes": 0, "no": 0, "abstain": 0})
        eligible = len(set(present) - conflicts.get(dossier.pk, set()))
        tallies.append(
            rules.Tally(
                dossier=dossier.pk,
                yes=row["yes"],
                no=row["no"],
                abstain=row["abstain"],
                eligible=eligible,
                carried=rules.carried(
                    meeting.decision_rule,
                    yes=row["yes"],
                    members=meeting.members_at_open,
                    present=eligible,
                ),
            )
        )
    return tallies


def _quota(cycle: Cycle, kind: str) -> int:
    return (
        cycle.quota_organisation if kind == ApplicantKind.ORGANISATION else cycle.quota_individual
    )


@transaction.atomic
def ballot_close(*, actor, ballot: Ballot, request: HttpRequest | None = None) -> Ballot | None:
    """Close a ballot and apply the rules: the carried candidates within the quota are
    decided; a tie at the edge opens a recorded second ballot among the tied (returned).
    """
    _require_office(actor)
    ballot = Ballot.objects.select_for_update().select_related("meeting__cycle").get(pk=ballot.pk)
    if ballot.closed_at is not None:
        raise ValidationError(_("This ballot is closed already."))
    meeting = ballot.meeting
    present_ids = set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("member", flat=True)
    )
    present = len(present_ids)
    # a member recused from every candidate of the ballot has nothing to vote on
    candidates = set(ballot.candidates.values_list("pk", flat=True))
    recused: dict[int, set[int]] = {}
    for member_id, dossier_id in MemberConflict.objects.filter(
        member__in=present_ids, dossier__in=candidates
    ).values_list("member", "dossier"):
        recused.setdefault(member_id, set()).add(dossier_id)
    expected = {m for m in present_ids if candidates - recused.get(m, set())}
    voted = set(Vote.objects.filter(ballot=ballot).values_list("member", flat=True))
    if expected - voted:
        raise ValidationError(
            _("%(n)s member(s) present have not voted yet; record their paper ballots or wait.")
            % {"n": len(expected - voted)}
        )
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=["closed_at"])
    tallies = tally(ballot)
    already = set(
        Decision.objects.filter(
            meeting=meeting, proposed=True, dossier__kind=ballot.kind
        ).values_list("dossier", flat=True)
    )
    outcome = rules.decide(tallies, quota=_quota(meeting.cycle, ballot.kind) - len(already))
    runoff = None
    if outcome.runoff:
        runoff = Ballot.objects.create(
            meeting=meeting,
            number=ballot.number + 1,
            kind=ballot.kind,
            reason=_("%(n)s candidates tied with %(yes)s votes in favour for %(slots)s place(s).")
            % {
                "n": len(outcome.runoff),
                "yes": next(t.yes for t in tallies if t.dossier == outcome.runoff[0]),
                "slots": outcome.runoff_slots,
            },
        )
        runoff.candidates.set(outcome.runoff)
    for item in tallies:
        if item.dossier in outcome.runoff:
            continue
        Decision.objects.create(
            meeting=meeting,
            ballot=ballot,
            dossier_id=item.dossier,
            yes=item.yes,
            no=item.no,
            abstain=item.abstain,
            recused=present - item.eligible,
            present=item.eligible,
            carried=item.carried,
            proposed=item.dossier in outcome.proposed,
        )
    audit_record(
        action=Action.BALLOT_OPENED if runoff else Action.MEETING_SAVED,
        actor=actor,
        target=meeting.cycle,
        request=request,
        details={
            "ballot": ballot.pk,
            "kind": ballot.kind,
            "tallies": [t.__dict__ for t in tallies],
            "proposed": outcome.proposed,
            "runoff": outcome.runoff,
        },
    )
    return runoff


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    """Close the meeting: every ballot closed; each candidate moves to ``proposed`` or
    ``not_proposed``; the minutes (会议纪要) are issued; the applicants are told.
    """
    _require_office(actor)
    meeting = Meeting.objects.select_for_update().select_related("cycle").get(pk=meeting.pk)
    if meeting.state != MeetingState.OPEN:
        raise ValidationError(_("The meeting is not in session."))
    if meeting.ballots.filter(closed_at__isnull=True).exists():
        raise ValidationError(_("Close every ballot first."))
    decisions = list(meeting.decisions.select_related("dossier"))
    for decision in decisions:
        dossier_move(
            dossier=decision.dossier,
            name="propose" if decision.proposed else "not_propose",
            actor=actor,
            details={"meeting": meeting.pk, "yes": decision.yes, "no": decision.no},
        )
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = timezone.now()
    meeting.minutes = document_issue(
        kind="minutes",
        title=_("Minutes of the plenary meeting of the working group on %(cycle)s")
        % {"cycle": meeting.cycle.name},
        subject=meeting,
    )
    meeting.save()
    audit_record(
        action=Action.MEETING_CLOSED,
        actor=actor,
        target=meeting.cycle,
        request=request,
        details={
            "minutes": meeting.minutes.number,
            "proposed": [d.dossier_id for d in decisions if d.proposed],
        },
    )
    for decision in decisions:
        tell_applicants(
            decision.dossier,
            template="group_decided",
            context={"decision": decision, "meeting": meeting},
            url=reverse("applications:dossier-detail", args=[decision.dossier_id]),
            folder="publicity/email",
        )
    return meeting


def votes_visible_to(user, meeting: Meeting) -> bool:
    """Votes are secret from members until the meeting closes; the office records paper
    ballots and sees who has voted, the counts only after the close as well."""
    return meeting.state == MeetingState.CLOSED


# --- the office's meeting pages --------------------------------------------------------------
def meeting_current(cycle: Cycle) -> Meeting | None:
    """The meeting the office works on: the one not closed yet, else the latest."""
    meetings = Meeting.objects.filter(cycle=cycle).order_by("-held_on", "-id")
    return meetings.exclude(state=MeetingState.CLOSED).first() or meetings.first()


def ballot_voters(ballot: Ballot) -> set[int]:
    """The members (GroupMember ids) whose votes on the ballot are recorded: who has
    voted, never how."""
    return set(Vote.objects.filter(ballot=ballot).values_list("member", flat=True).distinct())


def minutes_open(*, actor, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    """The minutes (会议纪要) are opened by the office, the auditor or a member of the
    round's working group; only a closed meeting has minutes.

    Side effects: one ``file.downloaded`` event naming the document.
    """
    from ..permissions import can_read_candidates

    if not can_read_candidates(actor, meeting.cycle):
        raise PermissionDenied
    if meeting.minutes is None:
        raise ValidationError(_("The minutes are issued when the meeting closes."))
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=meeting.cycle,
        request=request,
        details={"document": meeting.minutes.number, "kind": meeting.minutes.kind},
    )
    return meeting
