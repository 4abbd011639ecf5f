"""The words of this app's audit events, registered with the core's audit trail
(``award_portal.audit.labels``) so the trail reads in the reader's language."""

from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from award_portal.audit.enums import Action
from award_portal.audit.labels import register_details, register_fields

from .declarations import ITEMS
from .enums import CheckOutcome, CycleState, District, DossierState, FileKind, Sector
from .models import BanSource, Cycle, Dossier, Individual, MobiliserProfile, Organisation
from .models.applicants import MobiliserScope

CYCLE_TRANSITIONS = {
    "announce": pgettext_lazy("audit transition", "Announce the call"),
    "close_applications": pgettext_lazy("audit transition", "Close applications"),
    "start_expert_review": pgettext_lazy("audit transition", "Start the expert review"),
    "publish_results": pgettext_lazy("audit transition", "Publish the review results"),
    "close_comment": pgettext_lazy("audit transition", "Close the public comment"),
    "start_publicity": pgettext_lazy("audit transition", "Start the publicity"),
    "end_publicity": pgettext_lazy("audit transition", "End the publicity"),
    "record_approval": pgettext_lazy("audit transition", "Record the government's approval"),
    "cancel": pgettext_lazy("audit transition", "Cancel the round"),
}

DOSSIER_TRANSITIONS = {
    "submit": pgettext_lazy("audit transition", "Submit"),
    "request_supplement": pgettext_lazy("audit transition", "Request a supplement"),
    "resubmit": pgettext_lazy("audit transition", "Resubmit after the supplement"),
    "qualify": pgettext_lazy("audit transition", "Find qualified"),
    "disqualify": pgettext_lazy("audit transition", "Find not qualified"),
    "start_review": pgettext_lazy("audit transition", "Start the expert review"),
    "conclude_review": pgettext_lazy("audit transition", "Conclude the expert review"),
    "shortlist": pgettext_lazy("audit transition", "Put on the candidate list"),
    "leave_off_shortlist": pgettext_lazy("audit transition", "Leave off the candidate list"),
    "propose": pgettext_lazy("audit transition", "Propose for the award"),
    "not_propose": pgettext_lazy("audit transition", "Not propose for the award"),
    "cancel_after_objection": pgettext_lazy(
        "audit transition", "Cancel the candidacy after an objection"
    ),
    "approve": pgettext_lazy("audit transition", "Approve"),
    "not_approve": pgettext_lazy("audit transition", "Not approve"),
    "confer": pgettext_lazy("audit transition", "Confer the award"),
    "withdraw": pgettext_lazy("audit transition", "Withdraw"),
    "revoke": pgettext_lazy("audit transition", "Revoke the title"),
}

# Object permissions an audit row names when it grants or revokes access.
PERMISSIONS = {
    "applications.view_dossier": pgettext_lazy("audit permission", "View the dossier"),
    "applications.change_dossier": pgettext_lazy("audit permission", "Edit the dossier"),
}


def register() -> None:
    checklist = {
        code: (
            item.article if code[:3] != "16." else format_lazy("{}（{}）", item.article, item.text)
        )
        for code, item in ITEMS.items()
    }
    register_details(
        keys={
            "mobiliser": pgettext_lazy("audit detail", "Mobilising department"),
            "invited_by": pgettext_lazy("audit detail", "Invited by"),
            "edition": pgettext_lazy("audit detail", "Rulebook edition"),
            "transition": pgettext_lazy("audit detail", "Step"),
            "from": pgettext_lazy("audit detail", "From"),
            "to": pgettext_lazy("audit detail", "To"),
            "number": pgettext_lazy("audit detail", "Application number"),
            "receipt": pgettext_lazy("audit detail", "Receipt"),
            "received_at": pgettext_lazy("audit detail", "Received at"),
            "files": pgettext_lazy("audit detail", "Files"),
            "new_files": pgettext_lazy("audit detail", "New files"),
            "clock_due": pgettext_lazy("audit detail", "Qualification check due"),
            "notice": pgettext_lazy("audit detail", "Notice"),
            "notes": pgettext_lazy("audit detail", "Notes"),
            "document": pgettext_lazy("audit detail", "Document number"),
            "items": pgettext_lazy("audit detail", "Items"),
            "item": pgettext_lazy("audit detail", "Item"),
            "reply_due": pgettext_lazy("audit detail", "Reply due"),
            "reason_for_another": pgettext_lazy("audit detail", "Reason for another notice"),
            "qualified": pgettext_lazy("audit detail", "Qualified"),
            "reasons": pgettext_lazy("audit detail", "Reasons"),
            "file": pgettext_lazy("audit detail", "File"),
            "title": pgettext_lazy("audit detail", "Title"),
            "sha256": pgettext_lazy("audit detail", "SHA-256 checksum"),
            "size": pgettext_lazy("audit detail", "Size (bytes)"),
            "trade_secret": pgettext_lazy("audit detail", "Trade secret"),
            "answers_item": pgettext_lazy("audit detail", "Answers the item"),
            "supersedes": pgettext_lazy("audit detail", "Supersedes file"),
            "user": pgettext_lazy("audit detail", "User"),
            "perms": pgettext_lazy("audit detail", "Permissions"),
            "scope": pgettext_lazy("audit detail", "Scope"),
            "mobiliser_scope": pgettext_lazy("audit detail", "Mobilising scope"),
            "sector": pgettext_lazy("audit detail", "Sector"),
            "district": pgettext_lazy("audit detail", "District"),
        },
        values={
            "perms": PERMISSIONS,
            "mobiliser_scope": MobiliserScope,
            "sector": Sector,
            "district": District,
        },
    )
    register_fields(Cycle, actions=[Action.CYCLE_CHANGED, Action.CYCLE_CREATED])
    register_details(
        values={"transition": CYCLE_TRANSITIONS, "from": CycleState, "to": CycleState},
        actions=[Action.CYCLE_TRANSITION],
    )
    register_details(
        values={"transition": DOSSIER_TRANSITIONS, "from": DossierState, "to": DossierState},
        actions=[Action.DOSSIER_TRANSITION, Action.DOSSIER_WITHDRAWN],
    )
    register_fields(Organisation, Individual, MobiliserProfile, actions=[Action.PROFILE_SAVED])
    register_details(
        keys={
            "year": pgettext_lazy("audit detail", "Revenue/profit of the year"),
            "id_number": pgettext_lazy("audit detail", "ID number"),
        },
        actions=[Action.PROFILE_SAVED],
    )
    register_fields(Dossier, actions=[Action.DOSSIER_DRAFT_SAVED])
    register_details(
        keys={"kind": pgettext_lazy("audit detail", "File kind")},
        values={"kind": FileKind},
        actions=[Action.FILE_UPLOADED, Action.FILE_REMOVED],
    )
    register_details(
        values={"items": checklist, "item": checklist},
        actions=[Action.SUPPLEMENT_REQUESTED, Action.CHECKLIST_SAVED],
    )
    register_details(keys=checklist, actions=[Action.DOSSIER_RESUBMITTED])
    register_details(
        values={"from": CheckOutcome, "to": CheckOutcome},
        actions=[Action.CHECKLIST_SAVED],
    )
    # a ban on applying (Art. 12(4), 28): its ground, whom it bars (the credit code or
    # the masked ID number), the period and the document it rests on
    register_details(
        keys={
            "source": pgettext_lazy("audit detail", "Ground of the ban"),
            "key": pgettext_lazy("audit detail", "Credit code or ID number"),
            "from": pgettext_lazy("audit detail", "Barred from"),
            "until": pgettext_lazy("audit detail", "Barred until"),
            "reference": pgettext_lazy("audit detail", "Document or decision"),
            "dossier": pgettext_lazy("audit detail", "Application number"),
        },
        values={"source": BanSource},
        actions=[Action.BAN_RECORDED],
    )
