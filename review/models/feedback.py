"""After the review (Art. 26): the feedback report to each applicant and the two-way
conduct feedback, with misconduct cases the office must close."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import CaseState, RatingDirection
from .panels import Panel


class FeedbackReport(models.Model):
    """The report released to the applicant: strengths, opportunities and the band reached
    per category, frozen when released; never the experts' names or raw sheets."""

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.PROTECT, related_name="feedback_report"
    )
    content = models.JSONField()
    document = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.document)


def _rating(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class ConductRating(models.Model):
    """One side's rating of the other's discipline (双向监督反馈). Seen by the office and
    the auditor only."""

    direction = models.CharField(_("direction"), max_length=20, choices=RatingDirection.choices)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="ratings")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="conduct_ratings"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    timeliness = _rating(_("timeliness"))
    confidentiality = _rating(_("confidentiality"))
    integrity = _rating(_("integrity (no requests for favours)"))
    comments = models.TextField(_("comments"), blank=True)
    misconduct = models.BooleanField(_("reports misconduct"), default=False)
    misconduct_report = models.TextField(_("what happened"), blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "panel", "dossier"], name="review_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(misconduct=False) | ~models.Q(misconduct_report=""),
                name="review_misconduct_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.panel_id} {self.dossier_id}"


class MisconductCase(models.Model):
    rating = models.OneToOneField(ConductRating, on_delete=models.PROTECT, related_name="case")
    state = models.CharField(
        _("status"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN
    )
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.rating} {self.state}"
