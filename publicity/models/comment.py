"""Publishing the review results and the public comment period (Art. 19, 20, 27)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.documents.chinese import shown_moment

from ..enums import ContactKind, Weighing


def evidence_upload_to(instance, filename: str) -> str:
    import os

    extension = os.path.splitext(filename)[1][:8]
    return f"publicity/evidence/{secrets.token_hex(16)}{extension}"


class ResultsNotice(models.Model):
    """The office's notice of the review results (评审结果公示/征求意见). Edited until
    published; frozen from then on (its entries are a snapshot)."""

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="results_notice"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the notice"))
    show_sector = models.BooleanField(_("show the sector"), default=True)
    show_district = models.BooleanField(_("show the district"), default=False)
    show_score = models.BooleanField(_("show the composite review score"), default=False)
    show_rank = models.BooleanField(_("show the rank within the kind"), default=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    comment_first_day = models.DateField(_("comments from"), null=True, blank=True)
    comment_earliest_close = models.DateField(
        _("the period may close after"), null=True, blank=True
    )
    comment_closed_at = models.DateTimeField(_("comments closed at"), null=True, blank=True)
    document = models.OneToOneField(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice of the review results")
        verbose_name_plural = _("notices of the review results")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_open(self) -> bool:
        return self.is_published and self.comment_closed_at is None


class NoticeEntry(models.Model):
    """One candidate as the published notice shows it (a snapshot)."""

    notice = models.ForeignKey(ResultsNotice, on_delete=models.CASCADE, related_name="entries")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="notice_entries"
    )
    kind = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=200, blank=True)
    district = models.CharField(max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.CharField(_("review result"), max_length=200)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "dossier"], name="publicity_entry_once")
        ]

    def __str__(self) -> str:
        return self.name


class ContactCheck(models.Model):
    """A one-time code sent to a phone or an e-mail address before a comment or an
    objection is taken. Only a hash of the code is kept."""

    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    contact = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    sent_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contact", "sent_at"], name="publicity_check_contact_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {shown_moment(self.sent_at)}"


class Comment(models.Model):
    """A comment from the public on a named candidate (never public). Anonymous comments
    are refused: a real name and a verified way to reach the person."""

    notice = models.ForeignKey(ResultsNotice, on_delete=models.PROTECT, related_name="comments")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="public_comments"
    )
    receipt_number = models.CharField(_("receipt no."), max_length=32, unique=True)
    name = models.CharField(_("real name"), max_length=100)
    contact_kind = models.CharField(_("contact by"), max_length=10, choices=ContactKind.choices)
    contact = models.CharField(_("phone or e-mail"), max_length=254)
    organisation = models.CharField(_("organisation (optional)"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    contact_check = models.OneToOneField(
        ContactCheck, on_delete=models.PROTECT, related_name="comment"
    )
    received_at = models.DateTimeField(default=timezone.now)
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return self.receipt_number


class CommentFile(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.original_name


class CommentWeighing(models.Model):
    """How the office weighed a comment (append-only: a later weighing stands beside the
    earlier one, the latest counts)."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="weighings")
    decision = models.CharField(_("weighed as"), max_length=20, choices=Weighing.choices)
    reason = models.TextField(_("reason"))
    weighed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    weighed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["weighed_at", "id"]

    def __str__(self) -> str:
        return f"{self.comment_id} {self.decision}"
