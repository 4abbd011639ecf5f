from django.db import models
from django.utils.translation import pgettext_lazy


class ProcurementMethod(models.TextChoices):
    """政府采购方式 (Government Procurement Law art. 26), Art. 17."""

    OPEN_TENDER = "open_tender", pgettext_lazy("procurement", "Open tender")
    COMPETITIVE_CONSULTATION = (
        "competitive_consultation",
        pgettext_lazy("procurement", "Competitive consultation"),
    )
    COMPETITIVE_NEGOTIATION = (
        "competitive_negotiation",
        pgettext_lazy("procurement", "Competitive negotiation"),
    )
    SINGLE_SOURCE = "single_source", pgettext_lazy("procurement", "Single source")
    REQUEST_FOR_QUOTATION = "rfq", pgettext_lazy("procurement", "Request for quotation")
    OTHER = "other", pgettext_lazy("procurement", "Other")


class StageKind(models.TextChoices):
    """Art. 18: material review, on-site review, presentation and defence."""

    MATERIAL = "material", pgettext_lazy("review stage", "Material review")
    ONSITE = "onsite", pgettext_lazy("review stage", "On-site review")
    DEFENCE = "defence", pgettext_lazy("review stage", "Presentation and defence")


class StageState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("review stage", "Planned")
    OPEN = "open", pgettext_lazy("review stage", "Open")
    CLOSED = "closed", pgettext_lazy("review stage", "Closed")


class Aggregation(models.TextChoices):
    CONSENSUS = "consensus", pgettext_lazy("aggregation", "Consensus agreed by the panel")
    MEAN = "mean", pgettext_lazy("aggregation", "Mean of the members' scores")
    TRIMMED_MEAN = (
        "trimmed_mean",
        pgettext_lazy("aggregation", "Trimmed mean (drop the k highest and k lowest)"),
    )


class AdvanceRule(models.TextChoices):
    ALL = "all", pgettext_lazy("advance", "All dossiers advance")
    TOP_N = "top_n", pgettext_lazy("advance", "The top N of each applicant kind advance")
    THRESHOLD = "threshold", pgettext_lazy("advance", "Dossiers at or above a score advance")


class CriterionKind(models.TextChoices):
    """How an item is judged: GB/Z 19579 ADLI for processes, LeTCI for results; a plain
    rubric for individuals."""

    PROCESS = "process", pgettext_lazy("criterion", "Process (ADLI)")
    RESULT = "result", pgettext_lazy("criterion", "Result (LeTCI)")
    RUBRIC = "rubric", pgettext_lazy("criterion", "Rubric")


class MemberState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("panel member", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("panel member", "Accepted")
    DECLINED = "declined", pgettext_lazy("panel member", "Declined")
    REMOVED = "removed", pgettext_lazy("panel member", "Removed")


class AssignmentState(models.TextChoices):
    """DESIGN §3.2: offered → declared → scoring → submitted | recused."""

    OFFERED = "offered", pgettext_lazy("assignment", "Awaiting conflict declaration")
    DECLARED = "declared", pgettext_lazy("assignment", "No conflict declared")
    SCORING = "scoring", pgettext_lazy("assignment", "Scoring")
    SUBMITTED = "submitted", pgettext_lazy("assignment", "Score sheet submitted")
    RECUSED = "recused", pgettext_lazy("assignment", "Recused")
    WITHDRAWN = "withdrawn", pgettext_lazy("assignment", "Assignment withdrawn")


OPEN_ASSIGNMENT_STATES = {
    AssignmentState.OFFERED,
    AssignmentState.DECLARED,
    AssignmentState.SCORING,
    AssignmentState.SUBMITTED,
}


class ConflictType(models.TextChoices):
    """Art. 25: a reviewer with an interest in the applicant recuses."""

    EMPLOYMENT = (
        "employment",
        pgettext_lazy("conflict", "Current or former employment with the applicant"),
    )
    CONSULTING = "consulting", pgettext_lazy("conflict", "Consulting or advisory work")
    SHAREHOLDING = "shareholding", pgettext_lazy("conflict", "Shareholding or other interest")
    FAMILY = "family", pgettext_lazy("conflict", "Family relation")
    COMPETITOR = "competitor", pgettext_lazy("conflict", "Competitor")
    SUPPLIER = "supplier", pgettext_lazy("conflict", "Supplier or customer")
    OTHER = "other", pgettext_lazy("conflict", "Other")


class FlagSource(models.TextChoices):
    EMPLOYER = "employer", pgettext_lazy("conflict flag", "The expert's employer is the applicant")
    FORMER_EMPLOYER = (
        "former_employer",
        pgettext_lazy("conflict flag", "The expert worked for the applicant"),
    )
    SAME_EMPLOYER = (
        "same_employer",
        pgettext_lazy("conflict flag", "The applicant works at the expert's employer"),
    )
    APPLICANT_NAMED = "applicant_named", pgettext_lazy("conflict flag", "Named by the applicant")


class FlagState(models.TextChoices):
    OPEN = "open", pgettext_lazy("conflict flag", "Awaiting the office")
    CONFIRMED = "confirmed", pgettext_lazy("conflict flag", "Conflict confirmed")
    CLEARED = "cleared", pgettext_lazy("conflict flag", "No conflict")


class SheetState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("score sheet", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("score sheet", "Submitted")


class FindingStatus(models.TextChoices):
    VERIFIED = "verified", pgettext_lazy("onsite", "Verified")
    NOT_VERIFIED = "not_verified", pgettext_lazy("onsite", "Not verified")
    NEW_EVIDENCE = "new_evidence", pgettext_lazy("onsite", "New evidence")


class RatingDirection(models.TextChoices):
    """Art. 26: two-way feedback."""

    ON_PANEL = "on_panel", pgettext_lazy("conduct", "The applicant on the panel")
    ON_APPLICANT = "on_applicant", pgettext_lazy("conduct", "The panel leader on the applicant")


class CaseState(models.TextChoices):
    OPEN = "open", pgettext_lazy("misconduct", "Open")
    CLOSED = "closed", pgettext_lazy("misconduct", "Closed")
