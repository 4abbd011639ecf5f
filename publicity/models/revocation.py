"""Revocation of a title (Art. 28, 29): the case, its evidence, the winner's statement,
the proposal to the city government, the government's decision, the public notice and
the recovery of the plaque, the certificate and (for fraud) the prize money.

Flow (DESIGN §3.2): opened → answered → proposed → revoked | not_revoked; revoked →
closed once everything due is recovered. A case may go from opened to proposed only
after the statement period has passed without a statement (checked by the service).
"""

import os
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..enums import RevocationGround, RevocationState


def revocation_upload_to(instance, filename: str) -> str:
    extension = os.path.splitext(filename)[1][:8]
    return f"publicity/revocations/{secrets.token_hex(16)}{extension}"


class RevocationCase(ConcurrentTransitionMixin, models.Model):
    award = models.ForeignKey(
        "publicity.Award", on_delete=models.PROTECT, related_name="revocation_cases"
    )
    number = models.CharField(_("case no."), max_length=20, unique=True)
    ground = models.CharField(_("ground"), max_length=10, choices=RevocationGround.choices)
    facts = models.TextField(_("facts"))
    incident_on = models.DateField(_("date of the incident or violation"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    statement_working_days = models.PositiveSmallIntegerField(_("period for a statement"))
    statement_due = models.DateField(_("statement due by (24:00)"))
    statement = models.TextField(_("winner's statement"), blank=True)
    statement_at = models.DateTimeField(null=True, blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.TextField(_("proposal to the city government"), blank=True)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    decision_number = models.CharField(_("document number"), max_length=100, blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_scan = models.FileField(upload_to=revocation_upload_to, max_length=200, blank=True)
    decision_scan_name = models.CharField(max_length=255, blank=True)
    decision_scan_sha256 = models.CharField(max_length=64, blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.OneToOneField(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_published_at = models.DateTimeField(null=True, blank=True)
    ban = models.OneToOneField(
        "applications.ApplicantBan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocation_case",
    )
    # what must come back: the plaque if it was delivered, the certificate, and for fraud
    # the prize money that was paid (Art. 28)
    plaque_due = models.BooleanField(default=False)
    plaque_recovered_on = models.DateField(_("plaque recovered on"), null=True, blank=True)
    certificate_recovered_on = models.DateField(
        _("certificate recovered on"), null=True, blank=True
    )
    prize_due_yuan = models.PositiveIntegerField(_("prize money to recover (yuan)"), default=0)
    recovery_completed_on = models.DateField(_("recovery completed on"), null=True, blank=True)
    state = FSMField(
        _("status"),
        default=RevocationState.OPENED,
        choices=RevocationState.choices,
        protected=True,
    )

    class Meta:
        verbose_name = _("revocation case")
        verbose_name_plural = _("revocation cases")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @transition(field=state, source=RevocationState.OPENED, target=RevocationState.ANSWERED)
    def answer(self):
        pass

    @transition(
        field=state,
        source=[RevocationState.OPENED, RevocationState.ANSWERED],
        target=RevocationState.PROPOSED,
    )
    def propose(self):
        pass

    @transition(field=state, source=RevocationState.PROPOSED, target=RevocationState.REVOKED)
    def revoke(self):
        pass

    @transition(field=state, source=RevocationState.PROPOSED, target=RevocationState.NOT_REVOKED)
    def keep(self):
        pass

    @transition(field=state, source=RevocationState.REVOKED, target=RevocationState.CLOSED)
    def close(self):
        pass

    @property
    def is_public(self) -> bool:
        return self.state in (RevocationState.REVOKED, RevocationState.CLOSED)

    @property
    def is_fraud(self) -> bool:
        return self.ground == RevocationGround.FRAUD

    @property
    def is_open(self) -> bool:
        return self.state in (
            RevocationState.OPENED,
            RevocationState.ANSWERED,
            RevocationState.PROPOSED,
        )


class RevocationFile(models.Model):
    """Evidence the office gathered, or a file the winner attached to its statement."""

    case = models.ForeignKey(RevocationCase, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=revocation_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what the file shows"), max_length=200, blank=True)
    from_winner = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class PrizeRecovery(models.Model):
    """One amount of prize money paid back (Art. 28 追缴奖金)."""

    case = models.ForeignKey(RevocationCase, on_delete=models.PROTECT, related_name="recoveries")
    amount_yuan = models.PositiveIntegerField(_("amount (yuan)"))
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount_yuan}"
