"""Writes of rulebook editions (DESIGN §6)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day

from .models import RulebookEdition

EDITABLE_FIELDS = [
    "name",
    "document_number",
    "source_url",
    "effective_from",
    "effective_until",
    *RulebookEdition.NUMBER_FIELDS,
]


def _require_office(actor) -> None:
    if not actor.has_perm("rules.change_rulebookedition"):
        raise PermissionDenied


def _check_no_overlap(edition: RulebookEdition) -> None:
    """Lock the award's editions and refuse a range that meets another's."""
    others = RulebookEdition.objects.select_for_update().filter(award=edition.award)
    if edition.pk:
        others = others.exclude(pk=edition.pk)
    end = edition.effective_until or date.max
    for other in others:
        other_end = other.effective_until or date.max
        if edition.effective_from <= other_end and other.effective_from <= end:
            raise ValidationError(
                _(
                    "The dates overlap with “%(other)s” (%(start)s – %(end)s). Editions of one "
                    "award may not be in force at the same time."
                )
                % {
                    "other": other.name,
                    "start": shown_day(other.effective_from),
                    "end": shown_day(other.effective_until) or _("open-ended"),
                }
            )


def _check_numbers(edition: RulebookEdition) -> None:
    if not edition.individual_track_enabled and edition.quota_individual:
        raise ValidationError(
            _("With the individual track switched off, the individual quota must be 0.")
        )
    if edition.quota_organisation + edition.quota_individual == 0:
        raise ValidationError(_("An edition must award at least one organisation or person."))


@transaction.atomic
def edition_copy(
    *,
    actor,
    source: RulebookEdition,
    name: str,
    effective_from: date,
    effective_until: date | None,
    request: HttpRequest | None = None,
) -> RulebookEdition:
    """Start a new edition as a copy of ``source`` with new dates.

    Side effects, in order: the new edition row; one ``rules.edition_created`` event.
    """
    _require_office(actor)
    edition = RulebookEdition(
        award=source.award,
        name=name,
        effective_from=effective_from,
        effective_until=effective_until,
        copied_from=source,
        created_by=actor,
        **{field: getattr(source, field) for field in RulebookEdition.NUMBER_FIELDS},
    )
    edition.full_clean(exclude=["copied_from", "created_by"])
    _check_no_overlap(edition)
    edition.save()
    audit_record(
        action=Action.EDITION_CREATED,
        actor=actor,
        target=edition,
        request=request,
        details={
            "copied_from": source.pk,
            "effective_from": effective_from.isoformat(),
            "effective_until": effective_until.isoformat() if effective_until else None,
        },
    )
    return edition


@transaction.atomic
def edition_update(
    *,
    actor,
    edition: RulebookEdition,
    data: dict,
    request: HttpRequest | None = None,
    expected_updated_at=None,
) -> RulebookEdition:
    """Change an edition that no cycle uses yet.

    Refuses a locked edition, overlapping dates, and a save over somebody else's newer
    save (``expected_updated_at``). Side effects: the row; one ``rules.edition_changed``
    event listing each changed field with its old and new value.
    """
    _require_office(actor)
    edition = RulebookEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_locked:
        raise ValidationError(
            _(
                "This edition is used by a cycle and can no longer change. Copy it to make a "
                "new edition."
            )
        )
    if expected_updated_at is not None and edition.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else changed this edition while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    changes = {}
    for field in EDITABLE_FIELDS:
        if field in data and getattr(edition, field) != data[field]:
            changes[field] = [str(getattr(edition, field)), str(data[field])]
            setattr(edition, field, data[field])
    if not changes:
        return edition
    edition.full_clean(exclude=["copied_from", "created_by"])
    _check_numbers(edition)
    _check_no_overlap(edition)
    edition.save()
    audit_record(
        action=Action.EDITION_CHANGED,
        actor=actor,
        target=edition,
        request=request,
        details={"changes": changes},
    )
    return edition


def edition_assert_in_force(*, edition: RulebookEdition, on: date) -> None:
    """Raise a clear ``ValidationError`` unless ``edition`` is in force on ``on``."""
    if not edition.in_force_on(on):
        raise ValidationError(
            _(
                "“%(name)s” is in force from %(start)s to %(end)s, not on %(day)s. Use the "
                "edition in force on that date, or enter a new one."
            )
            % {
                "name": edition.name,
                "start": shown_day(edition.effective_from),
                "end": shown_day(edition.effective_until) or _("open-ended"),
                "day": shown_day(on),
            }
        )


@transaction.atomic
def edition_lock(*, edition: RulebookEdition) -> RulebookEdition:
    """Called by the cycle service when a cycle is announced under this edition."""
    edition = RulebookEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.locked_at is None:
        edition.locked_at = timezone.now()
        edition.save(update_fields=["locked_at", "updated_at"])
    return edition
