from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _wd(label, help_text=""):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1)], help_text=help_text
    )


class RulebookEdition(models.Model):
    """Every number of the award's Measures, for the period the Measures were in force.

    Invariants: the effective ranges of one award never overlap; an edition a cycle uses
    is locked (``locked_at``) and never changes again; a new edition starts as a copy.
    """

    award = models.CharField(
        _("award"),
        max_length=64,
        default="erenhot-mayor-quality-award",
        help_text=_("Editions of one award may not overlap in time."),
    )
    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Empty: until replaced.")
    )
    # Art. 3
    cycle_years = models.PositiveSmallIntegerField(
        _("years between rounds"), validators=[MinValueValidator(1)]
    )
    quota_organisation = models.PositiveSmallIntegerField(_("organisation awards per round"))
    quota_individual = models.PositiveSmallIntegerField(_("individual awards per round"))
    vacancy_allowed = models.BooleanField(_("a slot may stay vacant"), default=True)
    title_valid_years = models.PositiveSmallIntegerField(
        _("title valid (years)"), validators=[MinValueValidator(1)]
    )
    individual_track_enabled = models.BooleanField(_("individuals may apply"), default=True)
    # Art. 10-11
    organisation_min_operating_years = models.PositiveSmallIntegerField(
        _("minimum years of operation (organisations)")
    )
    organisation_no_loss_years = models.PositiveSmallIntegerField(
        _("years without operating loss (for-profit organisations)")
    )
    individual_min_quality_years = models.PositiveSmallIntegerField(
        _("minimum years of quality work in the city (individuals)")
    )
    top_manager_clean_years = models.PositiveSmallIntegerField(
        _("years without major incident for a top manager's organisation")
    )
    exclusion_lookback_years = models.PositiveSmallIntegerField(
        _("look-back of the exclusions (years)")
    )
    # Art. 14-22, in working days
    announcement_min_wd = _wd(_("announcement period, at least (working days)"))
    qualification_max_wd = _wd(_("qualification check, at most (working days)"))
    review_max_wd = _wd(_("expert review, at most (working days)"))
    comment_min_wd = _wd(_("public comment, at least (working days)"))
    publicity_wd = _wd(_("publicity (working days)"))
    # Art. 23, 28, 29
    prize_organisation_yuan = models.PositiveIntegerField(_("prize for an organisation (yuan)"))
    prize_individual_yuan = models.PositiveIntegerField(_("prize for an individual (yuan)"))
    fraud_ban_years = models.PositiveSmallIntegerField(_("ban after fraud (years)"))
    revocation_window_years = models.PositiveSmallIntegerField(
        _("revocation for incidents within (years after the award)")
    )

    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    locked_at = models.DateTimeField(_("in use since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    NUMBER_FIELDS = [
        "cycle_years",
        "quota_organisation",
        "quota_individual",
        "vacancy_allowed",
        "title_valid_years",
        "individual_track_enabled",
        "organisation_min_operating_years",
        "organisation_no_loss_years",
        "individual_min_quality_years",
        "top_manager_clean_years",
        "exclusion_lookback_years",
        "announcement_min_wd",
        "qualification_max_wd",
        "review_max_wd",
        "comment_min_wd",
        "publicity_wd",
        "prize_organisation_yuan",
        "prize_individual_yuan",
        "fraud_ban_years",
        "revocation_window_years",
    ]

    class Meta:
        verbose_name = _("rulebook edition")
        verbose_name_plural = _("rulebook editions")
        ordering = ["award", "-effective_from"]
        permissions = [("plan_cycle", _("Can compute and export a cycle plan"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="rules_edition_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )
