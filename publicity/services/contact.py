"""One-time codes that prove a commenter or an objector can be reached (Art. 19, 22).

Anonymous comments and objections are refused: a real name and a phone number or an
e-mail address that answered a code. Only an HMAC of the code is stored; a code lasts
15 minutes and allows 5 attempts; sending is limited per address and per source.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal import privacy
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record, client_ip
from award_portal.notifications.services import email_queue, office_signature, sms_queue

from ..enums import ContactKind
from ..models import ContactCheck

CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
PER_CONTACT_PER_HOUR = 3
PER_SOURCE_PER_HOUR = 20
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_contact(kind: str, contact: str) -> str:
    """The contact as stored and compared: a mainland mobile number's 11 digits (spaces,
    dashes, +86 and full-width digits accepted), an e-mail address in lower case."""
    import unicodedata

    text = unicodedata.normalize("NFKC", contact or "").strip()
    if kind == ContactKind.PHONE:
        digits = re.sub(r"[\s\-()]", "", text)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        if not MOBILE.match(digits):
            raise ValidationError(
                _("Enter a mainland mobile number of 11 digits, e.g. 13912345678.")
            )
        return digits
    if kind == ContactKind.EMAIL:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address.")) from None
        return text.lower()
    raise ValidationError(_("Choose how we can reach you."))


def _digest(token: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{token}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _masked(kind: str, contact: str) -> str:
    """The address as the audit trail keeps it: a phone's first 3 and last 2 digits, an
    e-mail's first 2 characters."""
    if kind == ContactKind.PHONE:
        return privacy.mask(contact, keep_start=3, keep_end=2)
    return privacy.mask(contact, keep_start=2, keep_end=0)


@transaction.atomic
def contact_check_send(
    *, kind: str, contact: str, purpose: str, request: HttpRequest | None = None
) -> ContactCheck:
    """Send a six-digit code to the phone (text message) or the e-mail address.

    Side effects, in order: one check row (the code's HMAC only); one
    ``publicity.code_sent`` event (by the public, the address masked); one queued text
    message or e-mail, sent by the worker after commit.
    """
    contact = normalise_contact(kind, contact)
    hour_ago = timezone.now() - timedelta(hours=1)
    if ContactCheck.objects.filter(contact=contact, sent_at__gte=hour_ago).count() >= (
        PER_CONTACT_PER_HOUR
    ):
        raise ValidationError(
            _("Too many codes were sent to this address in the last hour. Try again later.")
        )
    source = client_ip(request)
    if source and ContactCheck.objects.filter(source_ip=source, sent_at__gte=hour_ago).count() >= (
        PER_SOURCE_PER_HOUR
    ):
        raise ValidationError(_("Too many codes were asked for from your network. Try later."))
    code = f"{secrets.randbelow(10**6):06d}"
    check = ContactCheck(kind=kind, contact=contact, source_ip=source)
    check.code_hash = _digest(check.token, code)
    check.save()
    audit_record(
        action=Action.CODE_SENT,
        actor_label="public",
        request=request,
        details={
            "check": check.pk,
            "contact_kind": kind,
            "contact": _masked(kind, contact),
            "purpose": str(purpose),
        },
    )
    text = _(
        "Your code for the Mayor's Quality Award %(purpose)s is %(code)s. It is valid for 15 "
        "minutes. If you did not ask for it, ignore this message."
    ) % {"purpose": purpose, "code": code}
    if kind == ContactKind.PHONE:
        sms_queue(to=contact, text=text)
    else:
        body = render_to_string(
            "publicity/email/code.txt", {"text": text, "signature": office_signature()}
        )
        email_queue(to=[contact], subject=_("Your one-time code"), body=body)
    return check


def contact_check_verify(*, token: str, code: str, kind: str, contact: str) -> ContactCheck:
    """Check the code. Call it before the transaction that stores the comment or the
    objection: a wrong code counts as an attempt even when that store is refused. Raises
    ``ValidationError`` with a message for the person."""
    contact = normalise_contact(kind, contact)
    code = "".join((code or "").split())
    problem = None
    with transaction.atomic():
        check = ContactCheck.objects.select_for_update().filter(token=token or "").first()
        if check is None or check.contact != contact or check.kind != kind:
            problem = _("Ask for a code to be sent to this phone number or address.")
        elif check.used_at is not None:
            problem = _("This code has been used. Ask for a new one.")
        elif timezone.now() - check.sent_at > CODE_LIFETIME:
            problem = _("The code has expired. Ask for a new one.")
        elif check.attempts >= MAX_ATTEMPTS:
            problem = _("Too many wrong codes. Ask for a new one.")
        elif not hmac.compare_digest(check.code_hash, _digest(check.token, code)):
            check.attempts += 1
            check.save(update_fields=["attempts"])
            problem = _("The code is not right. Check the message and try again.")
        elif check.verified_at is None:
            check.verified_at = timezone.now()
            check.save(update_fields=["verified_at"])
    if problem:
        raise ValidationError(problem)
    return check


def contact_check_spend(*, check: ContactCheck) -> ContactCheck:
    """Spend a verified code inside the transaction that stores what it proved; a second
    use (a double click, a replay) is refused."""
    check = ContactCheck.objects.select_for_update().get(pk=check.pk)
    if check.verified_at is None:
        raise ValidationError(_("Ask for a code to be sent to this phone number or address."))
    if check.used_at is not None:
        raise ValidationError(_("This code has been used. Ask for a new one."))
    check.used_at = timezone.now()
    check.save(update_fields=["used_at"])
    return check
