"""Writing the audit trail. Every feature records its events through ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from .enums import Action, Outcome
from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the web server saw it.

    ``X-Forwarded-For`` is not read: behind a proxy, set the proxy to pass the client
    address as REMOTE_ADDR (gunicorn ``--forwarded-allow-ips``), so nobody can forge it.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    outcome: str = Outcome.SUCCESS,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    Side effects, in order: one ``AuditEvent`` row is inserted. Nothing else.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else actor_label,
        actor_role=(actor.role.value if actor is not None and actor.role else ""),
        action=str(action),
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        outcome=str(outcome),
        source_ip=client_ip(request),
        details=details or {},
    )


@transaction.atomic
def auditevent_export_record(
    *,
    actor,
    export_format: str,
    filters: dict[str, str],
    rows: int,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """An export of the trail is itself an event: who took which rows, in what form.

    Side effects, in order: one ``audit.exported`` event with the format, the filters
    and the number of rows.
    """
    return audit_record(
        action=Action.AUDIT_EXPORTED,
        actor=actor,
        request=request,
        details={"format": export_format, "filters": filters, "rows": rows},
    )
