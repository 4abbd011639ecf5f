from django.db import models
from django.utils.translation import pgettext_lazy


class ContactKind(models.TextChoices):
    PHONE = "phone", pgettext_lazy("contact", "Mobile phone")
    EMAIL = "email", pgettext_lazy("contact", "E-mail")


class Weighing(models.TextChoices):
    """How the office weighed a public comment (Art. 20)."""

    TAKEN = "taken", pgettext_lazy("weighing", "Taken into account")
    NOT_RELEVANT = "not_relevant", pgettext_lazy("weighing", "Not relevant")
    REFERRED = "referred", pgettext_lazy("weighing", "Referred for verification")


class Position(models.TextChoices):
    """Art. 7."""

    LEADER = "leader", pgettext_lazy("working group", "Leader")
    DEPUTY = "deputy", pgettext_lazy("working group", "Deputy leader")
    MEMBER = "member", pgettext_lazy("working group", "Member")


class QuorumRule(models.TextChoices):
    MORE_THAN_HALF = "more_than_half", pgettext_lazy("quorum", "More than half of the members")
    TWO_THIRDS = "two_thirds", pgettext_lazy("quorum", "At least two thirds of the members")


class DecisionRule(models.TextChoices):
    HALF_OF_PRESENT = (
        "half_present",
        pgettext_lazy("decision rule", "Yes votes of more than half of the members present"),
    )
    HALF_OF_MEMBERS = (
        "half_members",
        pgettext_lazy("decision rule", "Yes votes of more than half of all members"),
    )
    TWO_THIRDS_OF_PRESENT = (
        "two_thirds_present",
        pgettext_lazy("decision rule", "Yes votes of at least two thirds of the members present"),
    )


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting", "Scheduled")
    OPEN = "open", pgettext_lazy("meeting", "In session")
    CLOSED = "closed", pgettext_lazy("meeting", "Closed")


class VoteChoice(models.TextChoices):
    YES = "yes", pgettext_lazy("vote", "In favour")
    NO = "no", pgettext_lazy("vote", "Against")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class ObjectorKind(models.TextChoices):
    ORGANISATION = "organisation", pgettext_lazy("objector", "Organisation")
    INDIVIDUAL = "individual", pgettext_lazy("objector", "Individual")


class ObjectionState(models.TextChoices):
    FILED = "filed", pgettext_lazy("objection", "Received")
    INVESTIGATING = "investigating", pgettext_lazy("objection", "Under investigation")
    FOUNDED = "founded", pgettext_lazy("objection", "Founded")
    UNFOUNDED = "unfounded", pgettext_lazy("objection", "Unfounded")


class GroupDecisionMethod(models.TextChoices):
    VOTE = "vote", pgettext_lazy("group decision", "Vote at a meeting")
    WRITTEN = "written", pgettext_lazy("group decision", "Written resolution")


class RevocationGround(models.TextChoices):
    """Art. 28 (any time) and Art. 29 (only within the edition's revocation window)."""

    FRAUD = "fraud", pgettext_lazy("revocation", "Fraud or improper means (Art. 28)")
    INCIDENT = (
        "incident",
        pgettext_lazy(
            "revocation",
            "A larger quality or safety accident, or a serious violation, after the award "
            "(Art. 29)",
        ),
    )


class RevocationState(models.TextChoices):
    OPENED = "opened", pgettext_lazy("revocation", "Opened: the winner may make a statement")
    ANSWERED = "answered", pgettext_lazy("revocation", "Statement received")
    PROPOSED = "proposed", pgettext_lazy("revocation", "Proposed to the city government")
    REVOKED = "revoked", pgettext_lazy("revocation", "Revoked: recovery under way")
    NOT_REVOKED = "not_revoked", pgettext_lazy("revocation", "Not revoked")
    CLOSED = "closed", pgettext_lazy("revocation", "Revoked: recovery complete, case closed")
