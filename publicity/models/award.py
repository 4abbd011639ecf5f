"""The award (Art. 3, 5, 23, 31, 32): the certificate with a verification number, the
plaque, and the prize for an organisation, paid from the next year's budget."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def certificate_number() -> str:
    """Unguessable and easy to read aloud: 16 characters from a 32-letter alphabet without
    look-alikes (80 bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class Award(models.Model):
    """One winner. Valid from the approval to ``valid_until`` (the edition's
    ``title_valid_years``); "expired" is computed from the dates, never a flag."""

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.PROTECT, related_name="award"
    )
    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="awards")
    kind = models.CharField(max_length=20)
    winner_name = models.CharField(_("winner"), max_length=200)
    award_year = models.PositiveSmallIntegerField(_("award year"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    certificate_number = models.CharField(
        _("certificate no."), max_length=19, unique=True, default=certificate_number
    )
    certificate = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    plaque_delivered_on = models.DateField(_("plaque delivered on"), null=True, blank=True)
    plaque_received_by = models.CharField(_("received by"), max_length=100, blank=True)
    # issue 10 (revocation) sets these
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-award_year", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.winner_name} {self.award_year}"

    def status_on(self, day) -> str:
        if self.revoked_on is not None and self.revoked_on <= day:
            return "revoked"
        if day > self.valid_until:
            return "expired"
        if day < self.valid_from:
            return "pending"
        return "valid"


class Prize(models.Model):
    """The organisation's prize (Art. 23), in the budget of the year after the award
    (Art. 5)."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="prize")
    amount_yuan = models.PositiveIntegerField(_("amount (yuan)"))
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.award_id} {self.amount_yuan}"
