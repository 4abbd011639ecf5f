"""Ranking and the candidate list (Art. 20); the working group, its plenary meeting and
the vote on the proposed winners (Art. 7, 21)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.documents.chinese import shown_day

from ..enums import DecisionRule, MeetingState, Position, QuorumRule, VoteChoice


class RankingEntry(models.Model):
    """The office's ranking per applicant kind. Starts from the review's composite score;
    a move records its reason (citing the comments). Append-only rows: a new ranking
    supersedes the previous one (``superseded_at``)."""

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="ranking_entries"
    )
    kind = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(_("rank"))
    review_position = models.PositiveSmallIntegerField(_("rank by the review"))
    composite = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    on_list = models.BooleanField(_("on the candidate list"), default=False)
    reason = models.TextField(_("reason for the change"), blank=True)
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ranked_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(superseded_at__isnull=True),
                name="publicity_ranking_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} {self.dossier_id}"


class CandidateList(models.Model):
    """The 评审工作报告 and the 审议候选名单 submitted to the working group (frozen)."""

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="candidate_list"
    )
    report = models.JSONField()
    report_document = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    list_document = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.list_document)


class GroupMember(models.Model):
    """A member of the round's working group (Art. 7). Changes are dated: a member who
    leaves keeps the row with ``until``."""

    cycle = models.ForeignKey(
        "applications.Cycle", on_delete=models.PROTECT, related_name="group_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_memberships"
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    department = models.CharField(_("department and post"), max_length=200)
    since = models.DateField(_("member since"))
    until = models.DateField(_("member until"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("working-group member")
        verbose_name_plural = _("working-group members")
        ordering = ["cycle", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user"],
                condition=models.Q(until__isnull=True),
                name="publicity_member_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_position_display()})"


class MemberConflict(models.Model):
    """A member's declared conflict with a candidate (Art. 25): recused from that
    candidate's vote; sees nothing of it."""

    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="conflicts")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="member_conflicts"
    )
    note = models.TextField(_("nature of the conflict"))
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "dossier"], name="publicity_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.dossier_id}"


class Meeting(models.Model):
    """The plenary meeting (全体成员会议) that decides the proposed list (Art. 21). The
    quorum and decision rule are the office's procedure, frozen when the meeting opens."""

    cycle = models.ForeignKey(
        "applications.Cycle", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"))
    quorum_rule = models.CharField(
        _("quorum"), max_length=20, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF
    )
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=20,
        choices=DecisionRule.choices,
        default=DecisionRule.HALF_OF_PRESENT,
    )
    state = models.CharField(
        _("status"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    members_at_open = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.OneToOneField(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("working-group meeting")
        verbose_name_plural = _("working-group meetings")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.cycle} {shown_day(self.held_on)}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="publicity_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.present}"


class Ballot(models.Model):
    """One round of voting at the meeting: the first ballot, or a recorded second ballot
    after a tie or an over-quota result."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="ballots")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    candidates = models.ManyToManyField("applications.Dossier", related_name="+")
    reason = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "number"], name="publicity_ballot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.kind} #{self.number}"


class Vote(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="votes")
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    on_paper = models.BooleanField(_("paper ballot recorded by the office"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "member", "dossier"], name="publicity_vote_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.member_id} {self.dossier_id}"


class Decision(models.Model):
    """The meeting's decision per candidate, from the closed ballot's tally."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    yes = models.PositiveSmallIntegerField()
    no = models.PositiveSmallIntegerField()
    abstain = models.PositiveSmallIntegerField()
    recused = models.PositiveSmallIntegerField()
    present = models.PositiveSmallIntegerField()
    carried = models.BooleanField()
    proposed = models.BooleanField(_("on the proposed list"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "dossier"], name="publicity_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.yes}/{self.no}/{self.abstain}"
