"""Score sheets (one per assignment), the panel's result per dossier and stage, the
on-site visit and the defence slot.

Raw sheets are kept forever: a returned sheet is re-opened (the return is logged), a
re-opened stage result is superseded by a new row, never overwritten.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.documents.chinese import shown_day, shown_moment

from ..enums import Aggregation, FindingStatus, SheetState
from .agencies import Expert, finding_upload_to
from .criteria import Criterion
from .panels import Assignment, Panel
from .plans import ReviewStage


class ScoreSheet(models.Model):
    """An expert's sheet for one assignment. ``total`` is computed from the item rows by
    the service on every save, never typed."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    state = models.CharField(
        _("status"), max_length=10, choices=SheetState.choices, default=SheetState.DRAFT
    )
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"{self.assignment} · {self.total}"


class ItemScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("percentage"), validators=[MaxValueValidator(100)])
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="review_item_score_once"),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="review_item_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.percent}%"


class CategoryComment(models.Model):
    """优势 and 改进机会 per category, written by one expert on one sheet."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="comments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("strengths"), blank=True)
    opportunities = models.TextField(_("opportunities for improvement"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="review_comment_once")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.criterion_id}"


class SheetReturn(models.Model):
    """The panel leader sent a submitted sheet back to its expert, with a reason."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="returns")
    returned_by = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    total_before = models.DecimalField(max_digits=7, decimal_places=2)
    returned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["returned_at", "id"]

    def __str__(self) -> str:
        return f"{self.sheet_id} ← {self.returned_by_id}"


class StageResult(models.Model):
    """The panel's result for one dossier in one stage, confirmed by the panel leader
    (组长负责制). Figures are computed from the stored sheets when it is confirmed and
    kept as they were; re-opening supersedes the row and a new one is written."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="results")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="results")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="review_results"
    )
    method = models.CharField(_("aggregation"), max_length=20, choices=Aggregation.choices)
    sheets = models.PositiveSmallIntegerField(_("sheets"))
    score = models.DecimalField(_("stage score"), max_digits=7, decimal_places=2)
    maximum = models.PositiveSmallIntegerField(_("maximum"))
    mean_total = models.DecimalField(max_digits=7, decimal_places=2)
    sd_total = models.DecimalField(max_digits=7, decimal_places=2)
    range_total = models.DecimalField(max_digits=7, decimal_places=2)
    dispersed = models.BooleanField(_("members differed beyond the threshold"), default=False)
    confirmed_by = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.TextField(blank=True)
    advanced = models.BooleanField(_("advanced to the next stage"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        ordering = ["stage", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "dossier"],
                condition=models.Q(superseded_at__isnull=True),
                name="review_result_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} · {self.stage} · {self.score}"

    @property
    def percent(self):
        return self.score * 100 / self.maximum if self.maximum else 0


class ResultItem(models.Model):
    """The stage result per item: the agreed percentage (consensus) or the aggregate of
    the kept sheets, with the members' mean, deviation and range beside it."""

    result = models.ForeignKey(StageResult, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    members_mean = models.DecimalField(max_digits=5, decimal_places=2)
    members_sd = models.DecimalField(max_digits=5, decimal_places=2)
    members_range = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason for departing from the members' mean"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "criterion"], name="review_result_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.criterion_id} {self.percent}"


class PanelComment(models.Model):
    """The panel's agreed strengths and opportunities per category for one dossier and
    stage, written by the leader; the feedback report is made of these."""

    result = models.ForeignKey(StageResult, on_delete=models.CASCADE, related_name="comments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("strengths"), blank=True)
    opportunities = models.TextField(_("opportunities for improvement"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "criterion"], name="review_panel_comment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.criterion_id}"


class OnsiteVisit(models.Model):
    """On-site review of one dossier (Art. 18), scheduled by the panel leader."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="visits")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="visits")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="onsite_visits"
    )
    visit_date = models.DateField(_("date of the visit"))
    place = models.CharField(_("place"), max_length=200)
    team = models.ManyToManyField(Expert, verbose_name=_("team"), related_name="visits")
    items_to_verify = models.ManyToManyField(
        Criterion, verbose_name=_("items to verify"), related_name="+", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    scheduled_by = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "dossier"], name="review_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {shown_day(self.visit_date)}"


class OnsiteFinding(models.Model):
    visit = models.ForeignKey(OnsiteVisit, on_delete=models.PROTECT, related_name="findings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("finding"), max_length=20, choices=FindingStatus.choices)
    note = models.TextField(_("what was seen"))
    attachment = models.FileField(upload_to=finding_upload_to, max_length=200, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    attachment_content_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.criterion_id} {self.status}"


class DefenceSlot(models.Model):
    """An applicant's presentation and defence (陈述答辩): when, where, how long."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="slots")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="defence_slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    room = models.CharField(_("room"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "dossier"], name="review_slot_once"),
            models.CheckConstraint(
                condition=~models.Q(room="", video_link=""), name="review_slot_has_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {shown_moment(self.starts_at)}"
