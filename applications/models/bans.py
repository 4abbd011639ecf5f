"""Applicants barred from the award (Art. 12(4), 28). A ban follows the organisation's
unified social credit code or the person's ID number (its keyed hash), never a user
account: a new account of the same organisation or person is barred all the same."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from award_portal.accounts.enums import ApplicantKind
from award_portal.documents.chinese import shown_day


class BanSource(models.TextChoices):
    REVOCATION = (
        "revocation",
        pgettext_lazy("ban", "Title revoked for fraud or improper means (Art. 28)"),
    )
    OTHER_AWARD = (
        "other_award",
        pgettext_lazy("ban", "Fraud in another government award (Art. 12(4))"),
    )


class ApplicantBan(models.Model):
    """Barred from ``starts_on`` to ``ends_on`` (the last day, inclusive)."""

    kind = models.CharField(_("applicant kind"), max_length=20, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18, blank=True)
    source = models.CharField(_("ground"), max_length=20, choices=BanSource.choices)
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("document or decision"), max_length=100, blank=True)
    starts_on = models.DateField(_("barred from"))
    ends_on = models.DateField(_("barred until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-ends_on", "id"]
        indexes = [
            models.Index(fields=["uscc"], name="ban_uscc"),
            models.Index(fields=["id_number_hash"], name="ban_id_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="organisation", id_number_hash="") & ~models.Q(uscc="")
                    | models.Q(kind="individual", uscc="") & ~models.Q(id_number_hash="")
                ),
                name="ban_one_key",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="ban_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {shown_day(self.starts_on)}–{shown_day(self.ends_on)}"

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
