"""Account writes: applicant registration, e-mail confirmation, staff accounts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from .enums import ApplicantKind, Role, WorkingGroupPosition
from .models import User
from .tokens import make_confirmation_token, read_confirmation_token


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _send_templated(*, user: User, template: str, context: dict) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in the active language."""
    context = {"user": user, "site_name": _("Erenhot Mayor's Quality Award"), **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def _queue_mail(*, user: User, template: str, context: dict) -> None:
    language = translation.get_language()

    def send() -> None:
        with translation.override(language):
            _send_templated(user=user, template=template, context=context)

    transaction.on_commit(send)


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


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

    Side effects, in order: the user is created (inactive) in the applicant group; an
    ``account.registered`` audit event; after commit, the confirmation e-mail.
    """
    if kind not in ApplicantKind.values:
        raise ValidationError(_("Choose whether you apply as an organisation or a person."))
    if _email_taken(email):
        raise ValidationError(_("An account with this e-mail address already exists."))
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        applicant_kind=kind,
        is_active=False,
    )
    user.set_password(password)
    user.save()
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


def account_send_confirmation(*, user: User) -> None:
    """Queue the e-mail with the confirmation link (after the current transaction)."""
    link = _absolute(
        reverse("accounts:confirm-email", kwargs={"token": make_confirmation_token(user)})
    )
    _queue_mail(user=user, template="accounts/email/confirm_email", context={"link": link})


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

    Side effects, in order: the user is created with no usable password in its role
    group; an ``account.staff_created`` audit event; after commit, the welcome e-mail
    with a link to choose a password.
    """
    if not actor.has_perm("accounts.manage_staff_accounts"):
        raise PermissionDenied
    if role not in [r.value for r in Role.staff_roles()]:
        raise ValidationError(_("Applicants register themselves; choose a staff role."))
    if role == Role.WORKING_GROUP and working_group_position not in WorkingGroupPosition.values:
        raise ValidationError(_("Choose the member's position in the working group."))
    if role != Role.WORKING_GROUP:
        working_group_position = ""
    if _email_taken(email):
        raise ValidationError(_("An account with this e-mail address already exists."))
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        working_group_position=working_group_position,
        email_confirmed_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        action=Action.STAFF_CREATED,
        actor=actor,
        target=user,
        request=request,
        details={"role": role, "working_group_position": working_group_position},
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
    _queue_mail(
        user=user,
        template="accounts/email/staff_welcome",
        context={"link": link, "role": Role(role).label},
    )
    return user


@transaction.atomic
def account_set_active(
    *, actor: User, user: User, active: bool, request: HttpRequest | None = None
) -> User:
    """Deactivate or reactivate a staff account (accounts are never deleted: the audit
    trail points at them).

    Side effects, in order: ``is_active`` changes; a deactivated user's sessions end at
    their next request (Django checks ``is_active``); one audit event.
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
    )
    return user
