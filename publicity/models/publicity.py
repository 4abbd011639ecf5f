"""Publicity of the proposed winners, objections, the group's decisions on them (Art. 22),
and the city government's approval."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from award_portal.documents.chinese import shown_day

from ..enums import GroupDecisionMethod, ObjectionState, ObjectorKind
from .comment import ContactCheck


def _private(prefix: str, filename: str) -> str:
    import os

    extension = os.path.splitext(filename)[1][:8]
    return f"{prefix}/{secrets.token_hex(16)}{extension}"


def objection_upload_to(instance, filename: str) -> str:
    return _private("publicity/objections", filename)


def approval_upload_to(instance, filename: str) -> str:
    return _private("publicity/approvals", filename)


class PublicityNotice(models.Model):
    """公示: the decided list, public for exactly the edition's ``publicity_wd`` working
    days (Art. 22), from ``first_day`` 00:00 to ``last_day`` 24:00."""

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="publicity_notice"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the notice"))
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until (24:00)"))
    working_days = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    document = models.OneToOneField(
        "documents.OfficialDocument", on_delete=models.PROTECT, related_name="+"
    )
    entries = models.ManyToManyField("applications.Dossier", related_name="publicity_notices")
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("publicity notice")
        verbose_name_plural = _("publicity notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class Objection(ConcurrentTransitionMixin, models.Model):
    """An objection to a publicised candidate. Never anonymous; the objector's identity is
    personal data (the ID number encrypted and masked)."""

    notice = models.ForeignKey(PublicityNotice, on_delete=models.PROTECT, related_name="objections")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="objections"
    )
    receipt_number = models.CharField(_("receipt no."), max_length=32, unique=True)
    objector_kind = models.CharField(_("objector"), max_length=20, choices=ObjectorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    id_number_encrypted = models.TextField(blank=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    facts = models.TextField(_("facts and reasons"))
    sealed_letter = models.FileField(upload_to=objection_upload_to, max_length=200, blank=True)
    sealed_letter_name = models.CharField(max_length=255, blank=True)
    sealed_letter_sha256 = models.CharField(max_length=64, blank=True)
    contact_check = models.OneToOneField(
        ContactCheck, on_delete=models.PROTECT, related_name="objection"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    state = FSMField(
        _("status"), default=ObjectionState.FILED, choices=ObjectionState.choices, protected=True
    )
    finding = models.TextField(_("finding and reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    objector_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return self.receipt_number

    @transition(field=state, source=ObjectionState.FILED, target=ObjectionState.INVESTIGATING)
    def investigate(self):
        pass

    @transition(field=state, source=ObjectionState.INVESTIGATING, target=ObjectionState.FOUNDED)
    def find_founded(self, *, by, finding: str):
        self.decided_by, self.decided_at, self.finding = by, timezone.now(), finding

    @transition(field=state, source=ObjectionState.INVESTIGATING, target=ObjectionState.UNFOUNDED)
    def find_unfounded(self, *, by, finding: str):
        self.decided_by, self.decided_at, self.finding = by, timezone.now(), finding


class ObjectionFile(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=objection_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by_office = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.original_name


class InvestigationStep(models.Model):
    """What the office did to verify an objection (调查核实), append-only."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="steps")
    text = models.TextField(_("step taken and evidence gathered"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} {shown_day(self.recorded_at)}"


class GroupDecision(models.Model):
    """The working group's decision on a founded objection: cancel the candidate's
    qualification or keep it (Art. 22), by a vote or a written resolution."""

    objection = models.OneToOneField(
        Objection, on_delete=models.PROTECT, related_name="group_decision"
    )
    cancel = models.BooleanField(_("cancel the candidacy"))
    method = models.CharField(_("decided by"), max_length=10, choices=GroupDecisionMethod.choices)
    agreed = models.ManyToManyField(
        "GroupMember", verbose_name=_("members who agreed"), related_name="+"
    )
    decided_on = models.DateField(_("date of the decision"))
    record = models.TextField(_("record of the decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.objection_id} cancel={self.cancel}"


class Approval(models.Model):
    """The city government's approval of the winners (Art. 22)."""

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="approval"
    )
    document_number = models.CharField(_("document number"), max_length=100)
    approved_on = models.DateField(_("date of approval"))
    scan = models.FileField(upload_to=approval_upload_to, max_length=200)
    scan_name = models.CharField(max_length=255)
    scan_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.document_number


class ApprovalExclusion(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.PROTECT, related_name="exclusions")
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))

    def __str__(self) -> str:
        return f"{self.approval_id} {self.dossier_id}"
