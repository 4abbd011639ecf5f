"""Supervision after the award: the prize fund's use (Art. 24) and follow-up visits
(Art. 32, 33).

The fund-report schedule is the office's procedure (DESIGN §3: entered per round as
data, with defaults), not a number of the Measures. Each report covers a period of the
title's validity and is due a number of working days after the period ends (a stored
``Deadline``, so the core reminder sweep reminds and flags it). A submitted report is
frozen as a numbered version; a correction asked by the office is made on the same
report and submitted again, and every earlier version stays.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from award_portal.documents.chinese import shown_day


def _private(prefix: str, filename: str) -> str:
    import os

    extension = os.path.splitext(filename)[1][:8]
    return f"{prefix}/{secrets.token_hex(16)}{extension}"


def evidence_upload_to(instance, filename: str) -> str:
    return _private("publicity/fund", filename)


class FundCategory(models.TextChoices):
    """The uses Art. 24 names, in its words, and "other", which the office examines."""

    QUALITY = "quality", pgettext_lazy("fund use", "Continuous quality improvement")
    INNOVATION = "innovation", pgettext_lazy("fund use", "Innovation and quality problem-solving")
    TRAINING = "training", pgettext_lazy("fund use", "Staff training")
    REWARDS = "rewards", pgettext_lazy("fund use", "Rewards for staff with excellent quality work")
    LABORATORY = "laboratory", pgettext_lazy("fund use", "Laboratory building")
    PROMOTION = (
        "promotion",
        pgettext_lazy("fund use", "Publicity of advanced experience and results"),
    )
    OTHER = "other", pgettext_lazy("fund use", "Other (examined by the office)")


class FundReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("fund report state", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("fund report state", "Submitted, awaiting evaluation")
    CORRECTION = "correction", pgettext_lazy("fund report state", "Correction requested")
    EVALUATED = "evaluated", pgettext_lazy("fund report state", "Evaluated")


class Rating(models.TextChoices):
    """专项财政资金绩效评价 and visits: 优 / 良 / 中 / 差."""

    EXCELLENT = "excellent", pgettext_lazy("rating", "Excellent")
    GOOD = "good", pgettext_lazy("rating", "Good")
    FAIR = "fair", pgettext_lazy("rating", "Fair")
    POOR = "poor", pgettext_lazy("rating", "Poor")


class VisitState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("visit state", "Planned")
    RECORDED = "recorded", pgettext_lazy("visit state", "Recorded")


class FundSchedule(models.Model):
    """The round's report schedule: one report every ``interval_months`` of the title's
    validity, the last one (ending with the title) the final report; each due
    ``due_working_days`` working days after its period ends."""

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="fund_schedule"
    )
    interval_months = models.PositiveSmallIntegerField(_("one report every (months)"), default=12)
    due_working_days = models.PositiveSmallIntegerField(
        _("due (working days after the period)"), default=20
    )
    correction_working_days = models.PositiveSmallIntegerField(
        _("time for a correction (working days)"), default=10
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.cycle_id} / {self.interval_months}"


class FundReport(models.Model):
    """One report of one winner for one period."""

    award = models.ForeignKey("publicity.Award", on_delete=models.PROTECT, related_name="reports")
    sequence = models.PositiveSmallIntegerField()
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    final = models.BooleanField(_("final report"), default=False)
    deadline = models.ForeignKey(
        "workdays.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=FundReportState.choices, default=FundReportState.DRAFT
    )
    summary = models.TextField(_("summary of the use"), blank=True)
    version = models.PositiveSmallIntegerField(default=0)  # submitted versions so far
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    correction_note = models.TextField(_("what to correct"), blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    other_examined = models.TextField(_("examination of the other uses"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["award_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["award", "sequence"], name="fund_report_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.award} #{self.sequence}"

    @property
    def due_date(self):
        return self.deadline.due_date if self.deadline_id else None

    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal("0"))

    def other_total(self) -> Decimal:
        return sum(
            (line.amount for line in self.lines.all() if line.category == FundCategory.OTHER),
            Decimal("0"),
        )

    @property
    def editable(self) -> bool:
        return self.state in (FundReportState.DRAFT, FundReportState.CORRECTION)


class FundLine(models.Model):
    report = models.ForeignKey(FundReport, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("use"), max_length=16, choices=FundCategory.choices)
    description = models.CharField(_("what the money was spent on"), max_length=300)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"


class FundReportVersion(models.Model):
    """A submitted report as received: lines, total, files; never changed."""

    report = models.ForeignKey(FundReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)
    lines = models.JSONField(default=list)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    files = models.JSONField(default=list)
    correction_note = models.TextField(blank=True)  # what the office had asked, if anything

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="fund_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class FundEvidence(models.Model):
    """An evidence file (invoice, contract, photo) in private storage. Once part of a
    submitted version it is never removed."""

    report = models.ForeignKey(FundReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    submitted = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class FollowUpVisit(models.Model):
    """A visit to a winner (定期寻访, Art. 33), planned and then recorded, with the Art. 32
    checks as yes/no findings."""

    award = models.ForeignKey("publicity.Award", on_delete=models.PROTECT, related_name="visits")
    planned_on = models.DateField(_("planned for"))
    department = models.CharField(_("visiting department"), max_length=200)
    state = models.CharField(
        _("state"), max_length=16, choices=VisitState.choices, default=VisitState.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visitors = models.CharField(_("visitors"), max_length=300, blank=True)
    production = models.TextField(_("production and operation"), blank=True)
    quality_management = models.TextField(_("quality management"), blank=True)
    title_use = models.TextField(_("use of the title"), blank=True)
    award_year_stated = models.BooleanField(_("the award year is stated"), null=True)
    title_on_products = models.BooleanField(
        _("the title is used on product advertising or packaging"), null=True
    )
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.award} {shown_day(self.planned_on)}"


class VisitFinding(models.Model):
    """Something to put right, followed until the office closes it."""

    visit = models.ForeignKey(FollowUpVisit, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("finding"))
    article = models.CharField(max_length=20, blank=True)  # "32" for the title's misuse
    opened_on = models.DateField(_("found on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was put right"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opened_on", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
