"""The public check of a certificate's verification number (Art. 31: nobody may forge
or misuse the certificate), limited per address so the numbers cannot be guessed by
trying."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from award_portal.audit.services import audit_record, client_ip

from ..models import Award
from .award import certificate_lookup

# wrong numbers one address may try in an hour; a person checking the certificates in
# front of them stays far below it, a script trying the 32^16 numbers does not
GUESSES_PER_HOUR = 30


def wrong_guesses(source_ip: str | None, *, now=None) -> int:
    since = (now or timezone.now()) - timedelta(hours=1)
    return AuditEvent.objects.filter(
        action=Action.CERTIFICATE_CHECKED,
        outcome=Outcome.FAILURE,
        source_ip=source_ip,
        occurred_at__gt=since,
    ).count()


def certificate_verify(*, number: str, request: HttpRequest | None = None) -> Award | None:
    """The award a verification number belongs to, or None when no certificate has it.

    Raises ``ValidationError`` (and answers nothing about the number) once the address
    has tried ``GUESSES_PER_HOUR`` wrong numbers in the last hour.
    Side effects: one ``publicity.certificate_checked`` event (outcome success, failure
    for an unknown number, denied over the limit) with the number as typed; the refusal
    is recorded before it is raised.
    """
    typed = (number or "").strip()[:40]
    source = client_ip(request)
    actor = getattr(request, "user", None)
    with transaction.atomic():
        if source is not None and wrong_guesses(source) >= GUESSES_PER_HOUR:
            audit_record(
                action=Action.CERTIFICATE_CHECKED,
                outcome=Outcome.DENIED,
                actor=actor,
                request=request,
                actor_label="public",
                details={"number": typed},
            )
            refused = True
        else:
            refused = False
            award = certificate_lookup(typed)
            audit_record(
                action=Action.CERTIFICATE_CHECKED,
                outcome=Outcome.SUCCESS if award else Outcome.FAILURE,
                target=award,
                actor=actor,
                request=request,
                actor_label="public",
                details={"number": typed},
            )
    if refused:
        raise ValidationError(
            _(
                "Too many numbers that match no certificate were tried from your network in "
                "the last hour. Try again in an hour, or ask the coordination office."
            )
        )
    return award
