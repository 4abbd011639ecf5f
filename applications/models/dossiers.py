import os
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from award_portal.accounts.enums import ApplicantKind

from ..enums import CheckOutcome, DossierState, FileKind, Sector
from .applicants import Individual, Organisation
from .cycles import Cycle


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One application of one applicant to one cycle (Art. 15)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="dossiers")
    kind = models.CharField(_("applicant kind"), max_length=20, choices=ApplicantKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    individual = models.ForeignKey(
        Individual, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    state = FSMField(
        _("status"), default=DossierState.DRAFT, choices=DossierState.choices, protected=True
    )
    declarations = models.JSONField(_("declarations"), default=dict, blank=True)
    category_summaries = models.JSONField(
        _("self-evaluation by category"), default=dict, blank=True
    )
    achievements = models.TextField(_("statement of achievements"), blank=True)
    pledge_accepted_at = models.DateTimeField(_("truthfulness pledge"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["received_at", "id"]
        permissions = [("check_dossier", _("Can run the qualification check"))]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation"], name="dossier_org_once"),
            models.UniqueConstraint(fields=["cycle", "individual"], name="dossier_person_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=ApplicantKind.ORGANISATION,
                        organisation__isnull=False,
                        individual__isnull=True,
                    )
                    | models.Q(
                        kind=ApplicantKind.INDIVIDUAL,
                        individual__isnull=False,
                        organisation__isnull=True,
                    )
                ),
                name="dossier_one_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("applications:dossier-detail", args=[self.pk])

    @property
    def applicant_name(self) -> str:
        return str(self.organisation or self.individual)

    @transition(field=state, source=DossierState.DRAFT, target=DossierState.SUBMITTED)
    def submit(self):
        self.received_at = timezone.now()

    @transition(
        field=state, source=DossierState.SUBMITTED, target=DossierState.SUPPLEMENT_REQUESTED
    )
    def request_supplement(self):
        pass

    @transition(
        field=state, source=DossierState.SUPPLEMENT_REQUESTED, target=DossierState.SUBMITTED
    )
    def resubmit(self):
        self.received_at = timezone.now()  # the clock restarts from complete materials

    @transition(field=state, source=DossierState.SUBMITTED, target=DossierState.QUALIFIED)
    def qualify(self, *, by, reasons: str):
        self.decided_at, self.decided_by, self.decision_reasons = timezone.now(), by, reasons

    @transition(
        field=state,
        source=[DossierState.SUBMITTED, DossierState.SUPPLEMENT_REQUESTED],
        target=DossierState.NOT_QUALIFIED,
    )
    def disqualify(self, *, by, reasons: str):
        self.decided_at, self.decided_by, self.decision_reasons = timezone.now(), by, reasons

    @transition(
        field=state,
        source=[
            DossierState.DRAFT,
            DossierState.SUBMITTED,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.QUALIFIED,
        ],
        target=DossierState.WITHDRAWN,
    )
    def withdraw(self):
        pass


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


def _upload_to(instance, filename: str) -> str:
    # the stored name never comes from the user (the service passes "upload" plus the
    # extension of the detected type): no path tricks, no clashes
    extension = os.path.splitext(filename)[1][:8]
    return f"dossiers/{instance.dossier_id}/{secrets.token_hex(16)}{extension}"


class DossierFile(models.Model):
    """An uploaded file, in private storage (never under a public URL)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    trade_secret = models.BooleanField(
        _("contains trade or technical secrets (Art. 30)"), default=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class CheckItem(models.Model):
    """The office's finding on one checklist item of one dossier (Art. 16)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="check_items")
    code = models.CharField(max_length=20)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CheckOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "code"], name="check_item_once")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.code} {self.outcome}"


class SupplementNotice(models.Model):
    """补正材料通知书: ONE notice listing everything to supplement (一次性告知, Art. 16).
    A further notice needs a recorded reason."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notices")
    number = models.PositiveSmallIntegerField()
    items = models.JSONField()  # [{"code", "article", "text", "note"}]
    reply_working_days = models.PositiveSmallIntegerField(_("reply within (working days)"))
    reply_due = models.DateField(_("reply due"))
    reason_for_another = models.TextField(_("reason for another notice"), blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="notice_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.number}"


class Invitation(models.Model):
    """A mobilising department invites an organisation of its sector (Art. 9)."""

    mobiliser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    sector = models.CharField(max_length=1, choices=Sector.choices)
    email = models.EmailField(_("e-mail address"))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.organisation_name} <{self.email}>"
