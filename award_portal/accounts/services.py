"""Account writes: applicant registration, e-mail confirmation, password-reset and
confirmation requests, the log-in lock, staff accounts.

Every e-mail goes through ``notifications.services.email_queue``: stored in the
transaction of the change, sent by the worker after commit.
"""

from __future__ import annotations

import unicodedata
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from award_portal.audit.services import audit_record
from award_portal.notifications.models import OutboxMessage
from award_portal.notifications.services import email_queue, office_signature
from award_portal.web.fields import validate_one_line

from .enums import ApplicantKind, Role, WorkingGroupPosition
from .models import User
from .selectors import account_emails_requested
from .tokens import make_confirmation_token, read_confirmation_token


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _email_templated(*, user: User, template: str, context: dict, key: str = "") -> OutboxMessage:
    """Queue ``<template>_subject.txt`` and ``<template>.txt``, rendered in the active
    language, with the greeting's name and the office's signature in the context."""
    context = {
        "user": user,
        "name": user.display_name or user.username,
        "site_name": _("Erenhot Mayor's Quality Award"),
        "signature": office_signature(),
        **context,
    }
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}.txt", context).strip() + "\n"
    return email_queue(to=[user.email], subject=subject, body=body, key=key)


def _identity_clean(*, username: str, email: str, display_name: str) -> tuple[str, str, str]:
    """Normalise what a person typed (NFC, stripped) and refuse what would break later:
    a name with a line break ends up in e-mail headers and PDF lines."""
    username = unicodedata.normalize("NFC", username.strip())
    display_name = unicodedata.normalize("NFC", display_name.strip())
    email = email.strip()
    errors: dict[str, list] = {}
    for field, value, validators in (
        ("username", username, [UnicodeUsernameValidator(), validate_one_line]),
        ("display_name", display_name, [validate_one_line]),
        ("email", email, [validate_one_line]),
    ):
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.error_list)
    if not username:
        errors.setdefault("username", []).append(ValidationError(_("Enter a user name.")))
    if not display_name:
        errors.setdefault("display_name", []).append(ValidationError(_("Enter the name.")))
    if errors:
        raise ValidationError(errors)
    return username, email, display_name


def _taken(*, username: str, email: str) -> ValidationError | None:
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken. Choose another.")]
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
    return ValidationError(errors) if errors else None


def _insert(user: User) -> None:
    """Insert a new account. Another request may have taken the user name or address
    between the check and this insert (six people pressing "register" at once): the
    database's unique constraints decide, and the loser gets the form's message."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        error = _taken(username=user.username, email=user.email)
        if error is None:  # not a uniqueness race: a real fault
            raise
        raise error from None


@transaction.atomic
def applicant_register(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str,
    kind: str,
    request: HttpRequest | None = None,
) -> User:
    """Register an applicant account, inactive until its e-mail address is confirmed.

    Raises ``ValidationError`` (keyed by field) when the user name or the address is
    taken, also when another registration took it a moment ago; nothing is created then.

    Side effects, in order: the user is created (inactive) in the applicant group; an
    ``account.registered`` audit event; the confirmation e-mail, queued (sent by the
    worker after commit).
    """
    if kind not in ApplicantKind.values:
        raise ValidationError(_("Choose whether you apply as an organisation or a person."))
    username, email, display_name = _identity_clean(
        username=username, email=email, display_name=display_name
    )
    error = _taken(username=username, email=email)
    if error is not None:
        raise error
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        applicant_kind=kind,
        is_active=False,
    )
    user.set_password(password)
    _insert(user)
    user.groups.add(Group.objects.get(name=Role.APPLICANT))
    audit_record(
        action=Action.REGISTERED,
        actor_label=username,
        target=user,
        request=request,
        details={"kind": kind},
    )
    account_send_confirmation(user=user)
    return user


def account_send_confirmation(*, user: User, key: str = "") -> OutboxMessage:
    """Queue the e-mail with the confirmation link (sent by the worker after commit)."""
    link = _absolute(
        reverse("accounts:confirm-email", kwargs={"token": make_confirmation_token(user)})
    )
    return _email_templated(
        user=user, template="accounts/email/confirm_email", context={"link": link}, key=key
    )


@transaction.atomic
def account_confirm_email(*, token: str, request: HttpRequest | None = None) -> User:
    """Activate the account named by a confirmation token.

    Raises ``ValidationError`` with a message for the person when the link is expired,
    forged, or meant for an address the account no longer has. Confirming twice is
    harmless and records nothing the second time.
    """
    try:
        user_id, email = read_confirmation_token(token)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired. Ask for a new one below.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or user.email.lower() != email:
        raise ValidationError(_("This confirmation link is not valid."))
    if user.email_confirmed_at is not None:
        return user
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_confirmed_at", "is_active"])
    audit_record(action=Action.EMAIL_CONFIRMED, actor=user, target=user, request=request)
    return user


# --- e-mails asked for by address: the same answer whether or not an account uses it ----


def _account_email_request(*, action: str, task, email: str, request: HttpRequest | None) -> bool:
    email = email.strip().lower()
    actor = getattr(request, "user", None)
    details = {"email": email, "language": translation.get_language() or settings.LANGUAGE_CODE}
    if account_emails_requested(action=action, email=email) >= (
        settings.ACCOUNT_EMAIL_LIMIT_PER_HOUR
    ):
        audit_record(
            action=action, actor=actor, outcome=Outcome.DENIED, request=request, details=details
        )
        return False
    event = audit_record(action=action, actor=actor, request=request, details=details)
    transaction.on_commit(partial(task.delay, event.pk), robust=True)
    return True


def _requested(event_id: int, action: str) -> tuple[AuditEvent, str] | None:
    event = AuditEvent.objects.filter(pk=event_id, action=action, outcome=Outcome.SUCCESS).first()
    if event is None:
        return None
    return event, event.details.get("language") or settings.LANGUAGE_CODE


@transaction.atomic
def password_reset_request(*, email: str, request: HttpRequest | None = None) -> bool:
    """Someone asks for a password-reset link for ``email``.

    The request never looks the address up, so it takes the same time and gives the same
    answer whether or not an account uses it; the worker does the lookup. Returns False
    when this address already had ``ACCOUNT_EMAIL_LIMIT_PER_HOUR`` requests in the last
    hour (whether or not it has an account, so the refusal says nothing either).

    Side effects, in order: an ``auth.password_reset_requested`` audit event with the
    address and the language (outcome denied when over the limit); otherwise, after
    commit, the task ``accounts.password_reset_send`` with that event's id.
    """
    from .tasks import password_reset_send_task

    return _account_email_request(
        action=Action.PASSWORD_RESET_REQUESTED,
        task=password_reset_send_task,
        email=email,
        request=request,
    )


@transaction.atomic
def password_reset_send(*, request_id: int) -> int:
    """The worker's half of a reset request (``request_id``: its audit event): one e-mail
    with a reset link to each active account using the address (none when no account
    does). Staff who never chose a password (their welcome link expired) are included:
    the link lets them choose one. Running it twice queues nothing more.

    Side effects, in order: for each such account, one queued e-mail. Returns how many.
    """
    found = _requested(request_id, Action.PASSWORD_RESET_REQUESTED)
    if found is None:
        return 0
    event, language = found
    users = list(User.objects.filter(email__iexact=event.details["email"], is_active=True))
    with translation.override(language):
        for user in users:
            link = _absolute(
                reverse(
                    "accounts:password-reset-confirm",
                    kwargs={
                        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                        "token": default_token_generator.make_token(user),
                    },
                )
            )
            _email_templated(
                user=user,
                template="accounts/email/password_reset",
                context={"link": link},
                key=f"accounts.password_reset:{event.pk}:{user.pk}",
            )
    return len(users)


@transaction.atomic
def confirmation_resend_request(*, email: str, request: HttpRequest | None = None) -> bool:
    """Someone asks for a new confirmation link for ``email``. As with
    ``password_reset_request``, the request does not look the address up, and at most
    ``ACCOUNT_EMAIL_LIMIT_PER_HOUR`` requests an hour go through for one address.

    Side effects, in order: an ``account.confirmation_requested`` audit event (outcome
    denied when over the limit); otherwise, after commit, the task
    ``accounts.confirmation_send`` with that event's id.
    """
    from .tasks import confirmation_send_task

    return _account_email_request(
        action=Action.CONFIRMATION_REQUESTED,
        task=confirmation_send_task,
        email=email,
        request=request,
    )


@transaction.atomic
def confirmation_send(*, request_id: int) -> int:
    """The worker's half: a new confirmation link to the account still waiting for
    confirmation at the requested address, if there is one. Running it twice queues
    nothing more. Returns how many e-mails were queued (0 or 1)."""
    found = _requested(request_id, Action.CONFIRMATION_REQUESTED)
    if found is None:
        return 0
    event, language = found
    user = User.objects.filter(
        email__iexact=event.details["email"], is_active=False, email_confirmed_at=None
    ).first()
    if user is None:
        return 0
    with translation.override(language):
        account_send_confirmation(user=user, key=f"accounts.confirmation:{event.pk}")
    return 1


# --- log-in -------------------------------------------------------------------------


def login_refused_record(
    *, username: str, locked_until, request: HttpRequest | None = None
) -> None:
    """Record a log-in attempt refused because the user name (from this address) or the
    address is locked. The password is not even checked."""
    with transaction.atomic():
        audit_record(
            action=Action.LOGIN_REFUSED,
            outcome=Outcome.DENIED,
            request=request,
            actor_label=username[:150],
            details={
                "username": username[:150],
                "locked_until": timezone.localtime(locked_until).isoformat(timespec="seconds"),
            },
        )


# --- staff accounts -----------------------------------------------------------------


@transaction.atomic
def staff_account_create(
    *,
    actor: User,
    username: str,
    email: str,
    display_name: str,
    role: str,
    working_group_position: str = "",
    request: HttpRequest | None = None,
) -> User:
    """The office creates a staff account; the new user sets a password from an e-mail.

    Raises ``ValidationError`` (keyed by field) when the user name or the address is
    taken, also by a request a moment ago; nothing is created then.

    Side effects, in order: the user is created with no usable password in its role
    group; an ``account.staff_created`` audit event; the welcome e-mail with a link to
    choose a password, queued (sent by the worker after commit).
    """
    if not actor.has_perm("accounts.manage_staff_accounts"):
        raise PermissionDenied
    return staff_account_provision(
        actor=actor,
        username=username,
        email=email,
        display_name=display_name,
        role=role,
        working_group_position=working_group_position,
        request=request,
    )


@transaction.atomic
def staff_account_provision(
    *,
    actor: User,
    username: str,
    email: str,
    display_name: str,
    role: str,
    working_group_position: str = "",
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> User:
    """``staff_account_create`` without its permission check, for a domain service that
    has checked its own (a review agency creates the accounts of its experts).
    ``details``: what the domain service adds to the event (the agency of the account).

    Side effects: as ``staff_account_create``.
    """
    if role not in [r.value for r in Role.staff_roles()]:
        raise ValidationError(_("Applicants register themselves; choose a staff role."))
    if role == Role.WORKING_GROUP and working_group_position not in WorkingGroupPosition.values:
        raise ValidationError(_("Choose the member's position in the working group."))
    if role != Role.WORKING_GROUP:
        working_group_position = ""
    username, email, display_name = _identity_clean(
        username=username, email=email, display_name=display_name
    )
    error = _taken(username=username, email=email)
    if error is not None:
        raise error
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        working_group_position=working_group_position,
        email_confirmed_at=timezone.now(),
    )
    user.set_unusable_password()
    _insert(user)
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        action=Action.STAFF_CREATED,
        actor=actor,
        target=user,
        request=request,
        details={
            "role": role,
            "working_group_position": working_group_position,
            **(details or {}),
        },
    )
    link = _absolute(
        reverse(
            "accounts:password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    _email_templated(
        user=user,
        template="accounts/email/staff_welcome",
        context={"link": link, "role": Role(role).label},
    )
    return user


@transaction.atomic
def account_set_active(
    *,
    actor: User,
    user: User,
    active: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Deactivate or reactivate a staff account (accounts are never deleted: the audit
    trail points at them).

    Side effects, in order: ``is_active`` changes; a deactivated user's sessions end at
    their next request (Django checks ``is_active``); one audit event, with the reason
    when one was given.
    """
    if not actor.has_perm("accounts.manage_staff_accounts"):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_superuser or user.role in (None, Role.APPLICANT):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        action=Action.REACTIVATED if active else Action.DEACTIVATED,
        actor=actor,
        target=user,
        request=request,
        details={"reason": reason} if reason else None,
    )
    return user
