"""The statistics (Art. 6) are read-only; their export is recorded like any export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record


@transaction.atomic
def statistics_export(*, actor, rounds: list[int], request: HttpRequest | None = None) -> None:
    """An export of the statistics is an event like any export.

    Side effects, in order: one ``publicity.statistics_exported`` event naming the rounds.
    """
    from ..statistics import can_read_statistics

    if not can_read_statistics(actor):
        raise PermissionDenied
    audit_record(
        action=Action.STATISTICS_EXPORTED,
        actor=actor,
        request=request,
        details={"format": "xlsx", "rounds": rounds},
    )
