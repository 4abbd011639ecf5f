from django.db import models
from django.utils.translation import pgettext_lazy


class CycleState(models.TextChoices):
    """DESIGN §3.1. This app moves a cycle up to expert review; later stages belong to
    review/ and publicity/, which move it through this app's services."""

    DRAFT = "draft", pgettext_lazy("cycle", "Draft")
    ANNOUNCED = "announced", pgettext_lazy("cycle", "Call announced")
    QUALIFICATION = "qualification", pgettext_lazy("cycle", "Qualification check")
    EXPERT_REVIEW = "expert_review", pgettext_lazy("cycle", "Expert review")
    PUBLIC_COMMENT = "public_comment", pgettext_lazy("cycle", "Results under public comment")
    GROUP_VOTE = "group_vote", pgettext_lazy("cycle", "Ranking and the working group's vote")
    PUBLICITY = "publicity", pgettext_lazy("cycle", "Publicity of the proposed winners")
    APPROVAL = "approval", pgettext_lazy("cycle", "Awaiting the city government's approval")
    AWARDED = "awarded", pgettext_lazy("cycle", "Awarded")
    CANCELLED = "cancelled", pgettext_lazy("cycle", "Cancelled")


class DossierState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("dossier", "Received (awaiting qualification check)")
    SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("dossier", "Supplement requested")
    QUALIFIED = "qualified", pgettext_lazy("dossier", "Qualified")
    NOT_QUALIFIED = "not_qualified", pgettext_lazy("dossier", "Not qualified")
    UNDER_REVIEW = "under_review", pgettext_lazy("dossier", "Under expert review")
    REVIEWED = "reviewed", pgettext_lazy("dossier", "Expert review concluded")
    CANDIDATE = "candidate", pgettext_lazy("dossier", "On the candidate list")
    NOT_SHORTLISTED = "not_shortlisted", pgettext_lazy("dossier", "Not on the candidate list")
    PROPOSED = "proposed", pgettext_lazy("dossier", "Proposed for the award")
    NOT_PROPOSED = "not_proposed", pgettext_lazy("dossier", "Not proposed by the working group")
    CANCELLED_AFTER_OBJECTION = (
        "cancelled_after_objection",
        pgettext_lazy("dossier", "Candidacy cancelled after an objection"),
    )
    APPROVED = "approved", pgettext_lazy("dossier", "Approved by the city government")
    NOT_APPROVED = "not_approved", pgettext_lazy("dossier", "Not approved by the city government")
    AWARDED = "awarded", pgettext_lazy("dossier", "Awarded")
    REVOKED = "revoked", pgettext_lazy("dossier", "Award revoked")
    WITHDRAWN = "withdrawn", pgettext_lazy("dossier", "Withdrawn")


# Art. 15: the applicant may withdraw until the city government approves the award
WITHDRAWABLE_STATES = {
    DossierState.DRAFT,
    DossierState.SUBMITTED,
    DossierState.SUPPLEMENT_REQUESTED,
    DossierState.QUALIFIED,
    DossierState.UNDER_REVIEW,
    DossierState.REVIEWED,
    DossierState.CANDIDATE,
    DossierState.PROPOSED,
}

# every state after the qualification check (its outcome is final)
FINAL_QUALIFICATION_STATES = {
    DossierState.QUALIFIED,
    DossierState.NOT_QUALIFIED,
    DossierState.WITHDRAWN,
    DossierState.UNDER_REVIEW,
    DossierState.REVIEWED,
    DossierState.CANDIDATE,
    DossierState.NOT_SHORTLISTED,
    DossierState.PROPOSED,
    DossierState.NOT_PROPOSED,
    DossierState.CANCELLED_AFTER_OBJECTION,
    DossierState.APPROVED,
    DossierState.NOT_APPROVED,
    DossierState.AWARDED,
    DossierState.REVOKED,
}

# in the expert review: the round's review stages move them (review/ through the services
# of this app)
REVIEW_STATES = {DossierState.UNDER_REVIEW, DossierState.REVIEWED}
# a dossier in one of these states went through the whole expert review
AFTER_REVIEW_STATES = {
    DossierState.CANDIDATE,
    DossierState.NOT_SHORTLISTED,
    DossierState.PROPOSED,
    DossierState.NOT_PROPOSED,
    DossierState.CANCELLED_AFTER_OBJECTION,
    DossierState.APPROVED,
    DossierState.NOT_APPROVED,
    DossierState.AWARDED,
    DossierState.REVOKED,
}


class Sector(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, top level (门类)."""

    A = "A", pgettext_lazy("sector", "Agriculture, forestry, animal husbandry and fishery")
    B = "B", pgettext_lazy("sector", "Mining")
    C = "C", pgettext_lazy("sector", "Manufacturing")
    D = "D", pgettext_lazy("sector", "Electricity, heat, gas and water production and supply")
    E = "E", pgettext_lazy("sector", "Construction")
    F = "F", pgettext_lazy("sector", "Wholesale and retail trade")
    G = "G", pgettext_lazy("sector", "Transport, storage and postal services")
    H = "H", pgettext_lazy("sector", "Accommodation and catering")
    I = (  # noqa: E741 - the standard's letter
        "I",
        pgettext_lazy(
            "sector", "Information transmission, software and information technology services"
        ),
    )
    J = "J", pgettext_lazy("sector", "Finance")
    K = "K", pgettext_lazy("sector", "Real estate")
    L = "L", pgettext_lazy("sector", "Leasing and business services")
    M = "M", pgettext_lazy("sector", "Scientific research and technical services")
    N = (
        "N",
        pgettext_lazy("sector", "Water conservancy, environment and public facilities management"),
    )
    O = "O", pgettext_lazy("sector", "Resident services, repair and other services")  # noqa: E741 - the standard's letter
    P = "P", pgettext_lazy("sector", "Education")
    Q = "Q", pgettext_lazy("sector", "Health and social work")
    R = "R", pgettext_lazy("sector", "Culture, sports and entertainment")
    S = (
        "S",
        pgettext_lazy("sector", "Public administration, social security and social organisations"),
    )
    T = "T", pgettext_lazy("sector", "International organisations")


class Ownership(models.TextChoices):
    STATE = "state", pgettext_lazy("ownership", "State-owned")
    COLLECTIVE = "collective", pgettext_lazy("ownership", "Collective")
    PRIVATE = "private", pgettext_lazy("ownership", "Private")
    FOREIGN = "foreign", pgettext_lazy("ownership", "Foreign-invested")
    HMT = "hmt", pgettext_lazy("ownership", "Hong Kong, Macao or Taiwan invested")
    OTHER = "other", pgettext_lazy("ownership", "Other")


class District(models.TextChoices):
    """Where in Erenhot an organisation is registered (Art. 2, 10(1))."""

    URBAN = "urban", pgettext_lazy("district", "Urban area (subdistricts)")
    GERILEAODU = "gerileaodu", pgettext_lazy("district", "Gerileaodu Sumu")
    ZONE = "border_zone", pgettext_lazy("district", "Border Economic Cooperation Zone")


class MemberRole(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("member", "Administrator")
    MEMBER = "member", pgettext_lazy("member", "Member")


class Category(models.TextChoices):
    """GB/T 19580-2012 卓越绩效评价准则, its seven categories (Art. 13)."""

    LEADERSHIP = "4.1", pgettext_lazy("gb19580", "4.1 Leadership")
    STRATEGY = "4.2", pgettext_lazy("gb19580", "4.2 Strategy")
    CUSTOMERS = "4.3", pgettext_lazy("gb19580", "4.3 Customers and markets")
    RESOURCES = "4.4", pgettext_lazy("gb19580", "4.4 Resources")
    PROCESSES = "4.5", pgettext_lazy("gb19580", "4.5 Process management")
    MEASUREMENT = "4.6", pgettext_lazy("gb19580", "4.6 Measurement, analysis and improvement")
    RESULTS = "4.7", pgettext_lazy("gb19580", "4.7 Results")


class FileKind(models.TextChoices):
    SELF_EVALUATION = "self_evaluation", pgettext_lazy("file", "Self-evaluation report")
    EVIDENCE = "evidence", pgettext_lazy("file", "Evidence")
    STAMPED_FORM = "stamped_form", pgettext_lazy("file", "Stamped application form")


class CheckOutcome(models.TextChoices):
    PASS = "pass", pgettext_lazy("check", "Pass")
    FAIL = "fail", pgettext_lazy("check", "Fail")
    SUPPLEMENT = "supplement", pgettext_lazy("check", "Needs supplement")
