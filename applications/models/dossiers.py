import os
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from award_portal.accounts.enums import ApplicantKind

from ..enums import CheckOutcome, District, DossierState, FileKind, Sector
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
    # the application number people quote (2026-Z-003), given at the first receipt
    number = models.CharField(_("application number"), max_length=32, null=True, blank=True)  # noqa: DJ001
    serial = models.PositiveSmallIntegerField(null=True, blank=True)
    declarations = models.JSONField(_("declarations"), default=dict, blank=True)
    category_summaries = models.JSONField(
        _("self-evaluation by category"), default=dict, blank=True
    )
    achievements = models.TextField(_("statement of achievements"), blank=True)
    # Art. 25: experts or organisations the applicant considers conflicted, as
    # [{"name", "organisation", "reason"}]; the review blocks them until the office decides
    named_conflicts = models.JSONField(
        _("experts you consider conflicted"), default=list, blank=True
    )
    pledge_accepted_at = models.DateTimeField(_("truthfulness pledge"), null=True, blank=True)
    # the time of the FIRST receipt; never changes (each receipt keeps its own time)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reasons = models.TextField(_("reasons"), blank=True)
    decision_document = models.OneToOneField(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
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
            models.UniqueConstraint(fields=["cycle", "kind", "serial"], name="dossier_serial_once"),
            models.UniqueConstraint(fields=["number"], name="dossier_number_once"),
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
        return f"{self.number or _('draft')} {self.applicant_name}"

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
        """The first receipt's time stays; the supplement gets a receipt of its own and
        the office's clock restarts from it."""

    @property
    def found_qualified(self) -> bool:
        """The qualification check's conclusion, whatever happened to the dossier since:
        only a negative conclusion leaves it in ``not_qualified`` (a dossier found not
        qualified cannot be withdrawn or move on)."""
        return self.decided_at is not None and self.state != DossierState.NOT_QUALIFIED

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

    @transition(field=state, source=DossierState.QUALIFIED, target=DossierState.UNDER_REVIEW)
    def start_review(self):
        """The round entered its expert review (Art. 18)."""

    @transition(field=state, source=DossierState.UNDER_REVIEW, target=DossierState.REVIEWED)
    def conclude_review(self):
        """The dossier has its final review result: it completed every stage, or did not
        advance to the next one."""

    # Art. 20-23: publicity/ moves the dossier through ``services.dossiers``
    @transition(field=state, source=DossierState.REVIEWED, target=DossierState.CANDIDATE)
    def shortlist(self):
        """On the candidate list the office proposes to the working group (Art. 20)."""

    @transition(field=state, source=DossierState.REVIEWED, target=DossierState.NOT_SHORTLISTED)
    def leave_off_shortlist(self):
        pass

    @transition(field=state, source=DossierState.CANDIDATE, target=DossierState.PROPOSED)
    def propose(self):
        """The working group put it on the proposed list (Art. 21)."""

    @transition(field=state, source=DossierState.CANDIDATE, target=DossierState.NOT_PROPOSED)
    def not_propose(self):
        pass

    @transition(
        field=state,
        source=DossierState.PROPOSED,
        target=DossierState.CANCELLED_AFTER_OBJECTION,
    )
    def cancel_after_objection(self):
        """The working group upheld an objection (Art. 22)."""

    @transition(field=state, source=DossierState.PROPOSED, target=DossierState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=DossierState.PROPOSED, target=DossierState.NOT_APPROVED)
    def not_approve(self):
        pass

    @transition(field=state, source=DossierState.APPROVED, target=DossierState.AWARDED)
    def confer(self):
        """The award is conferred (``award`` is the reverse accessor of the Award row)."""

    @transition(field=state, source=DossierState.AWARDED, target=DossierState.REVOKED)
    def revoke(self):
        """The city government revoked the title (Art. 28, 29)."""

    @transition(
        field=state,
        source=[
            DossierState.DRAFT,
            DossierState.SUBMITTED,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.QUALIFIED,
            DossierState.UNDER_REVIEW,
            DossierState.REVIEWED,
            DossierState.CANDIDATE,
            DossierState.PROPOSED,
        ],
        target=DossierState.WITHDRAWN,
    )
    def withdraw(self, *, reason: str = ""):
        self.withdrawn_at, self.withdrawal_reason = timezone.now(), reason


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
    # set when the office receives the file; from then on it is frozen, never deleted
    receipt = models.ForeignKey(
        "Receipt",
        verbose_name=_("received with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_files",
    )
    # a file added during a supplement may replace a received one; both are kept
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    answers_item = models.CharField(_("answers the notice item"), max_length=20, blank=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_received(self) -> bool:
        return self.receipt_id is not None

    @property
    def download_extension(self) -> str:
        """The extension of the detected type, never the uploader's (``tool.exe`` holding
        a PDF is served as ``.pdf``)."""
        return os.path.splitext(self.file.name)[1]


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
    document = models.OneToOneField(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="notice_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.number}"


class ReceiptKind(models.TextChoices):
    SUBMISSION = "submission", pgettext_lazy("receipt", "Application")
    SUPPLEMENT = "supplement", pgettext_lazy("receipt", "Supplement")


class Receipt(models.Model):
    """One receipt of materials (Art. 15–16): the first submission or a supplement.

    Append-only: it freezes, at its own time, the applicant's data, the answers and the
    file list as the office received them. The dossier page, the checks and every PDF
    of a received dossier read the latest receipt, never the live profile.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="receipts")
    sequence = models.PositiveSmallIntegerField(_("receipt no."))
    kind = models.CharField(_("kind"), max_length=20, choices=ReceiptKind.choices)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        SupplementNotice,
        verbose_name=_("answers the notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    document = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.JSONField(_("applicant as received"))
    answers = models.JSONField(_("answers as received"))
    supplement_notes = models.JSONField(_("notes on the notice items"), default=dict)
    files = models.JSONField(_("files as received"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="receipt_sequence_once")
        ]

    def __str__(self) -> str:
        return self.document.number if self.document_id else f"{self.dossier_id}/{self.sequence}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("a receipt never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a receipt is never deleted")


class Invitation(models.Model):
    """A mobilising department invites an organisation or a person to apply (Art. 9).

    Tied to the e-mail address, not to a browser: whoever registers or saves a profile
    with that address takes the invitation up, on any device, after any log-in.
    """

    mobiliser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    kind = models.CharField(
        _("invited as"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.ORGANISATION,
    )
    sector = models.CharField(_("sector"), max_length=1, choices=Sector.choices, blank=True)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    email = models.EmailField(_("e-mail address"))
    organisation_name = models.CharField(_("name"), max_length=200)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "mobiliser",
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} <{self.email}>"


class MemberInvitation(models.Model):
    """An organisation's administrator asks a colleague to act for it. Nobody is bound
    without consent: the colleague accepts (or declines) while logged in."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="member_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="member_invitation_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.email}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None
