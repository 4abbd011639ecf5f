"""Numbering the office's official documents (DESIGN §12, GB/T 9704)."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import DocumentSequence, OfficialDocument


def document_number(prefix: str, year: int, serial: int) -> str:
    """``二市监质奖〔2026〕3号``: prefix, the year in hexagonal brackets, the serial."""
    return f"{prefix}〔{year}〕{serial}号"


@transaction.atomic
def document_issue(
    *, kind: str, title: str, subject: models.Model, addressee: str = "", prefix: str = ""
) -> OfficialDocument:
    """Allocate the next number of this year's sequence and register the document.

    The sequence row is locked, so two documents issued at the same moment get two
    consecutive numbers; the numbers of a year have no gaps unless a transaction that
    took one is rolled back (then the whole document is gone with it).
    Side effects, in order: the sequence row (created or incremented); the register row.
    """
    prefix = prefix or settings.PORTAL_DOCUMENT_PREFIX
    issued_at = timezone.now()
    year = timezone.localtime(issued_at).year
    DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return OfficialDocument.objects.create(
        kind=kind,
        prefix=prefix,
        year=year,
        serial=sequence.last,
        number=document_number(prefix, year, sequence.last),
        title=title[:200],
        addressee=addressee[:255],
        issued_at=issued_at,
        subject=subject,
    )


def documents_for(subject: models.Model, *, kind: str | None = None):
    from django.contrib.contenttypes.models import ContentType

    found = OfficialDocument.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )
    return found.filter(kind=kind) if kind else found
