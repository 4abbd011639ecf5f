from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentSequence(models.Model):
    """The last serial used for one prefix in one year (发文字号 run per year)."""

    prefix = models.CharField(_("prefix"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="documents_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class OfficialDocument(models.Model):
    """One numbered document the office issued: a receipt, a notice, a decision.

    Invariants: the number is allocated once, from the per-year sequence of its prefix,
    and never changes or is reused; ``issued_at`` is the date printed on the document.
    The document's content comes from frozen records (a receipt's snapshot, a notice's
    items, a decision's reasons), so it renders the same every time.
    """

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    prefix = models.CharField(_("prefix"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("document number"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    addressee = models.CharField(_("addressee"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year", "serial"], name="documents_number_once"
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="documents_subject_idx")
        ]

    def __str__(self) -> str:
        return self.number
