"""The office's review procedure for one round (实施细则, Art. 8(1), 18): which stages in
which order, their dates, panel sizes, aggregation, the dispersion that calls for a
consensus discussion, who advances, and the stage weights. Entered before the review
starts and frozen once it starts."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import AdvanceRule, Aggregation, StageKind, StageState
from .criteria import CriteriaSet


class ReviewPlan(models.Model):
    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="review_plan"
    )
    criteria_organisation = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria for organisations"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criteria_individual = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria for individuals"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    load_limit = models.PositiveSmallIntegerField(
        _("at most dossiers per expert and stage"),
        default=8,
        validators=[MinValueValidator(1)],
    )
    conflict_lookback_years = models.PositiveSmallIntegerField(
        _("former employment counts as a conflict for (years)"),
        default=3,
        help_text=_("Defaults to the edition's look-back of the exclusions."),
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review plan")
        verbose_name_plural = _("review plans")

    def __str__(self) -> str:
        return f"{self.cycle} · {_('review plan')}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def criteria_for(self, kind: str) -> CriteriaSet | None:
        return self.criteria_organisation if kind == "organisation" else self.criteria_individual


class ReviewStage(models.Model):
    plan = models.ForeignKey(ReviewPlan, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("A working day; sheets are due by 24:00."))
    min_panel_size = models.PositiveSmallIntegerField(
        _("minimum panel size"), default=3, validators=[MinValueValidator(1)]
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.CONSENSUS
    )
    trim_k = models.PositiveSmallIntegerField(
        _("drop k highest and k lowest"),
        default=1,
        help_text=_("Trimmed mean only: needs at least 2k+1 sheets."),
    )
    dispersion_threshold = models.PositiveSmallIntegerField(
        _("consensus discussion when members differ by more than (percentage points)"),
        default=30,
        validators=[MaxValueValidator(100)],
    )
    advance_rule = models.CharField(
        _("who advances to the next stage"),
        max_length=20,
        choices=AdvanceRule.choices,
        default=AdvanceRule.ALL,
    )
    advance_n = models.PositiveSmallIntegerField(_("top N per kind"), null=True, blank=True)
    advance_threshold = models.DecimalField(
        _("score threshold (percent of the maximum)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    weight = models.PositiveSmallIntegerField(
        _("weight in the composite score (%)"), validators=[MaxValueValidator(100)]
    )
    state = models.CharField(
        _("status"), max_length=10, choices=StageState.choices, default=StageState.PLANNED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review stage")
        verbose_name_plural = _("review stages")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="review_stage_position_once"),
            models.UniqueConstraint(fields=["plan", "kind"], name="review_stage_kind_once"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="review_stage_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_open(self) -> bool:
        return self.state == StageState.OPEN
