"""Scoring criteria as data (Art. 13): a versioned set of categories and items with their
points, and the band guidance shown beside each item while scoring."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from award_portal.accounts.enums import ApplicantKind

from ..enums import CriterionKind


class CriteriaSet(models.Model):
    """One version of a scoring table, e.g. GB/T 19580-2012 for organisations.

    Invariant: a set a review plan uses is locked (``locked_at``) and never changes; a
    new version is entered as a copy.
    """

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    applicant_kind = models.CharField(
        _("for applicants of kind"), max_length=20, choices=ApplicantKind.choices
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    locked_at = models.DateTimeField(_("in use since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["applicant_kind", "code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="review_criteria_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def total_points(self) -> int:
        return sum(c.points for c in self.criteria.all() if c.parent_id is None)


class Criterion(models.Model):
    """A category (no parent) or an item (with a parent). Scored rows are the leaves: the
    23 items of GB/T 19580, or the top-level rows of a rubric without items."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    points = models.PositiveSmallIntegerField(_("points"))
    kind = models.CharField(_("judged as"), max_length=10, choices=CriterionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="review_criterion_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class BandGuidance(models.Model):
    """What a band of percentages means for one kind of item (GB/Z 19579), in the office's
    own words; shown beside each item while scoring. Editable data."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="bands")
    kind = models.CharField(_("for items judged as"), max_length=10, choices=CriterionKind.choices)
    low = models.PositiveSmallIntegerField(_("from (%)"))
    high = models.PositiveSmallIntegerField(_("to (%)"))
    text_zh = models.TextField(_("guidance (Chinese)"))
    text_en = models.TextField(_("guidance (English)"), blank=True)

    class Meta:
        verbose_name = _("band guidance")
        verbose_name_plural = _("band guidance")
        ordering = ["criteria_set", "kind", "low"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "kind", "low"], name="review_band_once"
            ),
            models.CheckConstraint(
                condition=models.Q(high__gte=models.F("low")) & models.Q(high__lte=100),
                name="review_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.low}–{self.high}%"

    @property
    def text(self) -> str:
        if (get_language() or "").startswith("en") and self.text_en:
            return self.text_en
        return self.text_zh
