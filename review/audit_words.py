"""The words of this app's audit events, registered with the core's audit trail
(``award_portal.audit.labels``) so the trail reads in the reader's language."""

from django.utils.translation import pgettext_lazy

from award_portal.audit.enums import Action
from award_portal.audit.labels import register_details, register_fields

from .enums import (
    Aggregation,
    ConflictType,
    CriterionKind,
    FindingStatus,
    FlagSource,
    RatingDirection,
    StageKind,
)
from .models import (
    BandGuidance,
    CriteriaSet,
    Criterion,
    Engagement,
    Expert,
    ReviewAgency,
    ReviewPlan,
    ReviewStage,
)

# Why the system took an expert's access or recused the expert (stored as these codes).
REASONS = {
    "declared": pgettext_lazy("audit reason", "Conflict declared by the expert"),
    "confirmed by the office": pgettext_lazy("audit reason", "Conflict confirmed by the office"),
    "removed from the panel": pgettext_lazy("audit reason", "Removed from the panel"),
    "dossier moved": pgettext_lazy("audit reason", "Dossier moved to another panel"),
    "stage closed": pgettext_lazy("audit reason", "Review stage closed"),
}

EXPORTS = {
    "recusal_register": pgettext_lazy("audit export", "Register of recusals"),
    "scores": pgettext_lazy("audit export", "Scores"),
    "ranking": pgettext_lazy("audit export", "Ranking of the review"),
}

PERMISSIONS = {
    "review.review_assignment": pgettext_lazy("audit permission", "Review the assigned dossier"),
}


def register() -> None:
    register_details(
        keys={
            "stage": pgettext_lazy("audit detail", "Review stage"),
            "stages": pgettext_lazy("audit detail", "Review stages"),
            "agency": pgettext_lazy("audit detail", "Review agency"),
            "agency_name": pgettext_lazy("audit detail", "Review agency"),
            "former_employers": pgettext_lazy("audit detail", "Former employers"),
            "expert": pgettext_lazy("audit detail", "Expert"),
            "expert_name": pgettext_lazy("audit detail", "Expert's name"),
            "source": pgettext_lazy("audit detail", "Source"),
            "conflict": pgettext_lazy("audit detail", "Conflict of interest"),
            "type": pgettext_lazy("audit detail", "Type of conflict"),
            "export": pgettext_lazy("audit detail", "Export"),
            "version": pgettext_lazy("audit detail", "Version"),
            "slot": pgettext_lazy("audit detail", "Defence slot"),
            "starts_at": pgettext_lazy("audit detail", "Starts at"),
            "minutes": pgettext_lazy("audit detail", "Length (minutes)"),
            "room": pgettext_lazy("audit detail", "Room"),
            "video_link": pgettext_lazy("audit detail", "Video link"),
            "confirmation_cleared": pgettext_lazy("audit detail", "Earlier confirmation cleared"),
            "basis": pgettext_lazy("audit detail", "Basis"),
            "result": pgettext_lazy("audit detail", "Stage result"),
            "direction": pgettext_lazy("audit detail", "Who rated whom"),
            "panel": pgettext_lazy("audit detail", "Panel"),
            "panel_name": pgettext_lazy("audit detail", "Panel name"),
            "name": pgettext_lazy("audit detail", "Name"),
            "timeliness": pgettext_lazy("audit detail", "Timeliness"),
            "confidentiality": pgettext_lazy("audit detail", "Confidentiality"),
            "integrity": pgettext_lazy("audit detail", "Integrity"),
            "misconduct": pgettext_lazy("audit detail", "Misconduct reported"),
            "case": pgettext_lazy("audit detail", "Misconduct case"),
            "visit": pgettext_lazy("audit detail", "On-site visit"),
            "date": pgettext_lazy("audit detail", "Date"),
            "place": pgettext_lazy("audit detail", "Place"),
            "team": pgettext_lazy("audit detail", "Visiting experts"),
            "moved": pgettext_lazy("audit detail", "Date or place moved"),
            "finding": pgettext_lazy("audit detail", "Finding"),
            "status": pgettext_lazy("audit detail", "Status"),
            "onsite_finding": pgettext_lazy("audit detail", "On-site finding"),
            "leader": pgettext_lazy("audit detail", "Panel leader"),
            "leader_name": pgettext_lazy("audit detail", "Panel leader's name"),
            "accepted": pgettext_lazy("audit detail", "Accepted"),
            "removed": pgettext_lazy("audit detail", "Expert removed"),
            "criteria": pgettext_lazy("audit detail", "Criteria sets"),
            "load_limit": pgettext_lazy("audit detail", "Dossiers per expert at most"),
            "conflict_lookback_years": pgettext_lazy("audit detail", "Conflict look-back (years)"),
            "position": pgettext_lazy("audit detail", "Order"),
            "results": pgettext_lazy("audit detail", "Results"),
            "advanced": pgettext_lazy("audit detail", "Dossiers advanced"),
            "rated": pgettext_lazy("audit detail", "Items scored"),
            "total": pgettext_lazy("audit detail", "Total"),
            "method": pgettext_lazy("audit detail", "Method"),
            "score": pgettext_lazy("audit detail", "Score"),
            "sheets": pgettext_lazy("audit detail", "Score sheets"),
            "dispersed": pgettext_lazy("audit detail", "Scores widely dispersed"),
            "kept": pgettext_lazy("audit detail", "Scores kept"),
            "assignment": pgettext_lazy("audit detail", "Assignment"),
            "stamped": pgettext_lazy("audit detail", "Watermarked"),
            "stamp": pgettext_lazy("audit detail", "Watermark"),
            "copied_from": pgettext_lazy("audit detail", "Copied from"),
            "links_closed": pgettext_lazy("audit detail", "Notification links closed"),
        },
        values={
            "stage": StageKind,
            "stages": StageKind,
            "type": ConflictType,
            "source": FlagSource,
            "export": EXPORTS,
            "direction": RatingDirection,
            "status": FindingStatus,
            "method": Aggregation,
            "perms": PERMISSIONS,
        },
    )
    register_details(
        keys={"advanced": pgettext_lazy("audit detail", "Advances to the next stage")},
        actions=[Action.REVIEW_CONCLUDED],
    )
    register_details(values={"reason": REASONS}, actions=[Action.RECUSED, Action.REVOKE])
    register_details(
        keys={"rating": pgettext_lazy("audit detail", "Conduct rating")},
        actions=[Action.MISCONDUCT_CLOSED],
    )
    register_fields(ReviewAgency, actions=[Action.AGENCY_SAVED])
    register_fields(Engagement, actions=[Action.ENGAGEMENT_SAVED])
    register_details(
        keys={"contract_scan": pgettext_lazy("audit detail", "Scan of the contract")},
        actions=[Action.ENGAGEMENT_SAVED],
    )
    register_fields(Expert, actions=[Action.EXPERT_SAVED])
    register_fields(CriteriaSet, Criterion, BandGuidance, actions=[Action.CRITERIA_SAVED])
    register_details(
        keys={
            **dict(CriterionKind.choices),
            "source": pgettext_lazy("audit detail", "Copy of"),
            "copied_from": pgettext_lazy("audit detail", "Copied from"),
        },
        actions=[Action.CRITERIA_SAVED],
    )
    register_fields(ReviewPlan, ReviewStage, actions=[Action.PLAN_SAVED])
    register_details(
        keys={"contract_scan": pgettext_lazy("audit detail", "Scan of the contract")},
        values={"file": {"contract_scan": pgettext_lazy("audit detail", "Scan of the contract")}},
        actions=[Action.FILE_DOWNLOADED],
    )
