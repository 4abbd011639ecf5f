"""The words of this app's audit events, registered with the core's audit trail
(``award_portal.audit.labels``) so the trail reads in the reader's language.

A new event's keys are registered here in one line, e.g.
``register_details(keys={"ground": pgettext_lazy("audit detail", "Ground")})``."""

from django.utils.translation import pgettext_lazy

from award_portal.accounts.enums import ApplicantKind
from award_portal.audit.enums import Action
from award_portal.audit.labels import register_details, register_fields

from .enums import (
    ContactKind,
    DecisionRule,
    GroupDecisionMethod,
    Position,
    QuorumRule,
    RevocationGround,
    Weighing,
)
from .models import ResultsNotice
from .models.supervision import Rating

TALLY_OUTCOMES = {
    "proposed": pgettext_lazy("audit tally", "Proposed"),
    "not_proposed": pgettext_lazy("audit tally", "Not proposed"),
    "runoff": pgettext_lazy("audit tally", "To a second ballot"),
}

# What comes back after a revocation (Art. 28): the plaque, the certificate, the prize.
RECOVERY_ITEMS = {
    "plaque": pgettext_lazy("audit recovery", "Plaque"),
    "certificate": pgettext_lazy("audit recovery", "Certificate"),
    "prize": pgettext_lazy("audit recovery", "Prize money"),
}

ARCHIVE_ACTIONS = [
    Action.ARCHIVE_REQUESTED,
    Action.ARCHIVE_BUILT,
    Action.ARCHIVE_FAILED,
    Action.ARCHIVE_DOWNLOADED,
]


def register() -> None:
    register_details(
        keys={
            # awards and approval
            "approved_on": pgettext_lazy("audit detail", "Approved on"),
            "excluded": pgettext_lazy("audit detail", "Excluded"),
            "certificate": pgettext_lazy("audit detail", "Certificate number"),
            "certificate_document": pgettext_lazy("audit detail", "Certificate document number"),
            "valid_until": pgettext_lazy("audit detail", "Valid until"),
            "prize": pgettext_lazy("audit detail", "Prize (yuan)"),
            "on": pgettext_lazy("audit detail", "Delivered on"),
            "received_by": pgettext_lazy("audit detail", "Received by"),
            "paid_on": pgettext_lazy("audit detail", "Paid on"),
            "amount": pgettext_lazy("audit detail", "Amount (yuan)"),
            "reference": pgettext_lazy("audit detail", "Payment reference"),
            "approval": pgettext_lazy("audit detail", "Approval document"),
            "award": pgettext_lazy("audit detail", "Award"),
            # comments, objections, publicity
            "entries": pgettext_lazy("audit detail", "Entries"),
            "first_day": pgettext_lazy("audit detail", "First day"),
            "last_day": pgettext_lazy("audit detail", "Last day"),
            "earliest_close": pgettext_lazy("audit detail", "Earliest close"),
            "decision": pgettext_lazy("audit detail", "Decision"),
            "dossier": pgettext_lazy("audit detail", "Dossier"),
            "check": pgettext_lazy("audit detail", "Verification"),
            "contact_kind": pgettext_lazy("audit detail", "Sent by"),
            "contact": pgettext_lazy("audit detail", "Sent to"),
            "purpose": pgettext_lazy("audit detail", "Purpose"),
            "objection": pgettext_lazy("audit detail", "Objection"),
            "founded": pgettext_lazy("audit detail", "Objection founded"),
            "cancel": pgettext_lazy("audit detail", "Candidacy cancelled"),
            "agreed": pgettext_lazy("audit detail", "Members in agreement"),
            # ranking and the working group
            "order": pgettext_lazy("audit detail", "Order"),
            "on_list": pgettext_lazy("audit detail", "On the candidate list"),
            "report": pgettext_lazy("audit detail", "Ranking report"),
            "list": pgettext_lazy("audit detail", "Candidate list"),
            "added": pgettext_lazy("audit detail", "Member added"),
            "ended": pgettext_lazy("audit detail", "Membership ended"),
            "department": pgettext_lazy("audit detail", "Department"),
            "meeting": pgettext_lazy("audit detail", "Meeting"),
            "held_on": pgettext_lazy("audit detail", "Held on"),
            "quorum": pgettext_lazy("audit detail", "Quorum"),
            "present": pgettext_lazy("audit detail", "Members present"),
            "members": pgettext_lazy("audit detail", "Members"),
            "ballot": pgettext_lazy("audit detail", "Ballot"),
            "member": pgettext_lazy("audit detail", "Member"),
            "paper": pgettext_lazy("audit detail", "Paper ballot"),
            "candidates": pgettext_lazy("audit detail", "Candidates"),
            "tallies": pgettext_lazy("audit detail", "Tallies"),
            "proposed": pgettext_lazy("audit detail", "Proposed"),
            "runoff": pgettext_lazy("audit detail", "Second ballot for"),
            "note": pgettext_lazy("audit detail", "Note"),
            # supervision after the award
            "interval_months": pgettext_lazy("audit detail", "Interval (months)"),
            "due_working_days": pgettext_lazy("audit detail", "Due within (working days)"),
            "correction_working_days": pgettext_lazy(
                "audit detail", "Correction within (working days)"
            ),
            "reports": pgettext_lazy("audit detail", "Reports"),
            "lines": pgettext_lazy("audit detail", "Lines"),
            "late": pgettext_lazy("audit detail", "Late"),
            "other": pgettext_lazy("audit detail", "Spent on other uses"),
            "rating": pgettext_lazy("audit detail", "Rating"),
            "due": pgettext_lazy("audit detail", "Due"),
            "fund_evidence": pgettext_lazy("audit detail", "Evidence file"),
            "planned_on": pgettext_lazy("audit detail", "Planned on"),
            "by": pgettext_lazy("audit detail", "Visiting department"),
            "visited_on": pgettext_lazy("audit detail", "Visited on"),
            "award_year_stated": pgettext_lazy("audit detail", "Year of the award stated"),
            "title_on_products": pgettext_lazy("audit detail", "Title used on products"),
            "findings": pgettext_lazy("audit detail", "Findings"),
            "closed_on": pgettext_lazy("audit detail", "Closed on"),
        },
        values={
            "contact_kind": ContactKind,
            "position": Position,
            "quorum": QuorumRule,
            "rating": Rating,
        },
    )
    register_details(values={"decision": Weighing}, actions=[Action.COMMENT_WEIGHED])
    register_details(values={"decision": DecisionRule}, actions=[Action.MEETING_SAVED])
    register_details(
        keys={"position": pgettext_lazy("audit detail", "Position in the group")},
        actions=[Action.GROUP_CHANGED],
    )
    register_details(values={"method": GroupDecisionMethod}, actions=[Action.GROUP_DECIDED])
    register_details(
        keys={
            "dossier": pgettext_lazy("audit detail", "Dossier"),
            "recused": pgettext_lazy("audit detail", "Recused"),
            "yes": pgettext_lazy("audit detail", "In favour"),
            "no": pgettext_lazy("audit detail", "Against"),
            "abstain": pgettext_lazy("audit detail", "Abstentions"),
            "eligible": pgettext_lazy("audit detail", "Eligible votes"),
            "carried": pgettext_lazy("audit detail", "Carried"),
            "outcome": pgettext_lazy("audit detail", "Outcome"),
            "kind": pgettext_lazy("audit detail", "Applicant kind"),
        },
        values={"outcome": TALLY_OUTCOMES, "kind": ApplicantKind},
        actions=[Action.MEETING_SAVED, Action.BALLOT_OPENED],
    )
    register_details(
        keys={
            **dict(ApplicantKind.choices),
            "reasons": pgettext_lazy("audit detail", "Reasons by dossier"),
        },
        actions=[Action.RANKING_SAVED],
    )
    register_details(
        keys={"outcome": pgettext_lazy("audit detail", "Outcome of the publicity")},
        actions=[Action.PUBLICITY_ENDED],
    )
    register_details(
        keys={
            "rank": pgettext_lazy("audit detail", "Rank"),
            "yes": pgettext_lazy("audit detail", "In favour"),
            "no": pgettext_lazy("audit detail", "Against"),
        },
        actions=[Action.DOSSIER_TRANSITION],
    )
    register_details(
        keys={"minutes": pgettext_lazy("audit detail", "Minutes")},
        actions=[Action.MEETING_CLOSED],
    )
    register_fields(ResultsNotice, actions=[Action.NOTICE_SAVED])
    _register_revocation()
    _register_archive_and_statistics()


def _register_revocation() -> None:
    """Revocation (Art. 28, 29) and the recovery that follows."""
    register_details(
        keys={
            "award": pgettext_lazy("audit detail", "Certificate number"),
            "dossier": pgettext_lazy("audit detail", "Application number"),
            "ground": pgettext_lazy("audit detail", "Ground of the revocation"),
            "incident_on": pgettext_lazy("audit detail", "Date of the incident or violation"),
            "statement_due": pgettext_lazy("audit detail", "Statement due by (24:00)"),
            "files": pgettext_lazy("audit detail", "Evidence files (SHA-256)"),
        },
        values={"ground": RevocationGround},
        actions=[Action.REVOCATION_OPENED],
    )
    register_details(
        keys={
            "length": pgettext_lazy("audit detail", "Length of the statement (characters)"),
            "file": pgettext_lazy("audit detail", "Attached file (SHA-256)"),
        },
        actions=[Action.REVOCATION_STATEMENT],
    )
    register_details(
        keys={
            "proposed_on": pgettext_lazy("audit detail", "Proposed on"),
            "statement": pgettext_lazy("audit detail", "Statement received"),
        },
        actions=[Action.REVOCATION_PROPOSED],
    )
    register_details(
        keys={
            "revoke": pgettext_lazy("audit detail", "Title revoked"),
            "document": pgettext_lazy("audit detail", "Number of the decision"),
            "decided_on": pgettext_lazy("audit detail", "Date of the decision"),
            "sha256": pgettext_lazy("audit detail", "Scan of the decision (SHA-256)"),
            "notice": pgettext_lazy("audit detail", "Notice of the revocation"),
            "ban_until": pgettext_lazy("audit detail", "Barred from applying until"),
            "prize_due": pgettext_lazy("audit detail", "Prize money to recover (yuan)"),
            "fund_reminders_cancelled": pgettext_lazy(
                "audit detail", "Prize-fund report reminders cancelled"
            ),
            "links_closed": pgettext_lazy("audit detail", "Notification links closed"),
        },
        actions=[Action.REVOCATION_DECIDED],
    )
    register_details(
        keys={
            "item": pgettext_lazy("audit detail", "Recovered"),
            "on": pgettext_lazy("audit detail", "Received back on"),
            "amount": pgettext_lazy("audit detail", "Amount paid back (yuan)"),
            "left": pgettext_lazy("audit detail", "Still to recover (yuan)"),
        },
        values={"item": RECOVERY_ITEMS},
        actions=[Action.RECOVERY_RECORDED],
    )
    register_details(
        keys={
            "completed_on": pgettext_lazy("audit detail", "Recovery completed on"),
            "prize_recovered": pgettext_lazy("audit detail", "Prize money recovered (yuan)"),
        },
        actions=[Action.REVOCATION_CLOSED],
    )
    # the application moved to "revoked", and a private file of the case opened
    register_details(
        keys={"decision": pgettext_lazy("audit detail", "Number of the decision")},
        actions=[Action.DOSSIER_TRANSITION],
    )
    register_details(
        keys={"case": pgettext_lazy("audit detail", "Revocation case")},
        actions=[Action.DOSSIER_TRANSITION, Action.FILE_DOWNLOADED],
    )


def _register_archive_and_statistics() -> None:
    """The round's archive (Art. 27) and the export of the statistics (Art. 6)."""
    register_details(
        keys={
            "archive": pgettext_lazy("audit detail", "Archive no."),
            "replaced": pgettext_lazy("audit detail", "Stalled archive replaced"),
            "entries": pgettext_lazy("audit detail", "Files in the archive"),
            "missing": pgettext_lazy("audit detail", "Files missing"),
            "trade_secrets_withheld": pgettext_lazy(
                "audit detail", "Trade-secret files left out of the copy"
            ),
            "error": pgettext_lazy("audit detail", "Error (as the system reported it)"),
        },
        actions=ARCHIVE_ACTIONS,
    )
    register_details(
        keys={"rounds": pgettext_lazy("audit detail", "Rounds exported (record numbers)")},
        actions=[Action.STATISTICS_EXPORTED],
    )
