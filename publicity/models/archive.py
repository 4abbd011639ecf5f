"""The round's archive (Art. 27): one zip file of everything the round produced, built by
the worker, kept in private storage, read by the office and the auditor."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ArchiveState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("archive", "Waiting for the worker")
    BUILDING = "building", pgettext_lazy("archive", "Being built")
    READY = "ready", pgettext_lazy("archive", "Ready")
    FAILED = "failed", pgettext_lazy("archive", "Failed")


IN_PROGRESS = (ArchiveState.QUEUED, ArchiveState.BUILDING)


class RoundArchive(models.Model):
    """One build of a round's archive. Builds are kept: a later build (after a fund
    report or a revocation) does not replace the file an auditor already checked.

    Invariants: at most one build of a round is queued or building at a time (a
    constraint, so a double click ends in one build); ``done``/``total`` count the
    archive's entries; a ready build has its file, size and SHA-256."""

    cycle = models.ForeignKey(
        "applications.Cycle", on_delete=models.PROTECT, related_name="archives"
    )
    state = models.CharField(
        _("status"), max_length=12, choices=ArchiveState.choices, default=ArchiveState.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    done = models.PositiveIntegerField(_("entries written"), default=0)
    total = models.PositiveIntegerField(_("entries"), default=0)
    file = models.FileField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    missing = models.PositiveIntegerField(_("files missing from storage"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("round archive")
        verbose_name_plural = _("round archives")
        ordering = ["-requested_at", "-id"]
        permissions = [("view_statistics", _("Can read the award's statistics"))]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(state__in=["queued", "building"]),
                name="archive_one_build_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.finished_at or self.requested_at).strftime("%Y%m%d")
        return f"archive-{self.cycle.code}-{stamp}-{self.pk}.zip"
