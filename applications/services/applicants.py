"""Applicant profiles: organisations (with members) and individuals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from award_portal import privacy
from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from ..enums import MemberRole
from ..models import (
    FinancialYear,
    Individual,
    Invitation,
    MemberInvitation,
    Organisation,
    OrganisationMembership,
)
from ..permissions import is_office
from ..validators import normalise_id_number, normalise_uscc, validate_id_number, validate_uscc
from .grants import grant_dossier_access

ORGANISATION_FIELDS = [
    "name",
    "uscc",
    "district",
    "legal_representative",
    "founded_on",
    "sector",
    "ownership",
    "for_profit",
    "contact_name",
    "contact_phone",
    "contact_email",
]
INDIVIDUAL_FIELDS = [
    "full_name",
    "employer",
    "position",
    "quality_work_since",
    "top_manager_of_uscc",
    "top_manager_of_name",
    "top_manager_of",
    "phone",
    "email",
]


def organisation_of(user) -> Organisation | None:
    return Organisation.objects.filter(members=user).first()


# personal data is masked in the audit trail's old/new values: (digits kept at start, end)
MASKED_IN_AUDIT = {
    "contact_phone": (3, 2),
    "phone": (3, 2),
    "contact_email": (2, 0),
    "email": (2, 0),
}


def _audit_value(name: str, value) -> str:
    text = "" if value is None else str(value)
    if name in MASKED_IN_AUDIT and text:
        start, end = MASKED_IN_AUDIT[name]
        return privacy.mask(text, keep_start=start, keep_end=end)
    return text


def _changes(instance, data: dict, fields: list[str]) -> dict:
    """{field: [old, new]} for the fields ``data`` changes, personal data masked."""
    changes = {}
    for field in fields:
        old = getattr(instance, field) if instance.pk else None
        if field in data and old != data[field]:
            changes[field] = [_audit_value(field, old), _audit_value(field, data[field])]
    return changes


def invitation_take_up(
    *, user, email: str, organisation=None, individual=None
) -> Invitation | None:
    """A mobilising department's open invitation to ``email`` is taken up by the profile
    being created (Art. 9). Tied to the address, so it works on any device."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(email__iexact=email.strip(), accepted_at__isnull=True)
        .order_by("sent_at")
        .first()
    )
    if invitation is None:
        return None
    from django.utils import timezone

    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if organisation is not None:
        Organisation.objects.filter(pk=organisation.pk).update(invited_by=invitation)
    audit_record(
        action=Action.INVITATION_ACCEPTED,
        actor=user,
        target=invitation,
        details={"mobiliser": invitation.mobiliser.username},
    )
    return invitation


def _require_org_applicant(actor) -> None:
    if actor.role != Role.APPLICANT or actor.applicant_kind != ApplicantKind.ORGANISATION:
        raise PermissionDenied


def is_org_admin(user, organisation: Organisation) -> bool:
    return OrganisationMembership.objects.filter(
        organisation=organisation, user=user, role=MemberRole.ADMIN
    ).exists()


@transaction.atomic
def organisation_save(
    *,
    actor,
    data: dict,
    years: list[tuple[int, object, object]],
    request: HttpRequest | None = None,
) -> Organisation:
    """Create the actor's organisation (the actor becomes its administrator) or update
    it (administrators only). ``years``: (year, revenue, operating profit) for the years
    the form asks; figures of other years stay. Dossiers already received keep what
    they received (their receipts); this changes only the live profile.

    Side effects, in order: the organisation row; the given financial years written; on
    creation, the administrator membership and a mobilising department's invitation to
    the actor's address taken up; one ``applicant.profile_saved`` audit event with every
    changed value, old and new (personal data masked).
    """
    _require_org_applicant(actor)
    data = {**data, "uscc": normalise_uscc(data["uscc"])}
    validate_uscc(data["uscc"])
    organisation = organisation_of(actor)
    created = organisation is None
    if not created and not is_org_admin(actor, organisation):
        raise PermissionDenied
    clash = Organisation.objects.filter(uscc=data["uscc"])
    if not created:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError(
            _(
                "An organisation with this unified social credit code is "
                "already registered. Ask its administrator to add you."
            )
        )
    organisation = organisation or Organisation()
    changes = _changes(organisation, data, ORGANISATION_FIELDS)
    for field in ORGANISATION_FIELDS:
        setattr(organisation, field, data[field])
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise ValidationError(
            _("An organisation with this unified social credit code is already registered.")
        ) from None
    stored = {fy.year: fy for fy in organisation.years.all()}
    for year, revenue, profit in years:
        before = stored.get(year)
        if before is not None and (before.revenue, before.profit) == (revenue, profit):
            continue
        changes[f"year_{year}"] = [
            f"{before.revenue}/{before.profit}" if before else "",
            f"{revenue}/{profit}",
        ]
        FinancialYear.objects.update_or_create(
            organisation=organisation, year=year, defaults={"revenue": revenue, "profit": profit}
        )
    if created:
        OrganisationMembership.objects.create(
            organisation=organisation, user=actor, role=MemberRole.ADMIN
        )
        invitation_take_up(user=actor, email=actor.email, organisation=organisation)
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=organisation,
        request=request,
        details={"created": created, "changes": changes},
    )
    return organisation


@transaction.atomic
def member_invite(
    *, actor, organisation: Organisation, email: str, request: HttpRequest | None = None
) -> MemberInvitation:
    """An administrator asks a colleague (by e-mail address) to act for the organisation.
    Nobody is bound without consent: the colleague accepts while logged in.

    Side effects, in order: the invitation row; one ``organisation.member_invited`` audit
    event; the colleague is told in-app (when an account uses the address) and by e-mail.
    """
    if not is_org_admin(actor, organisation):
        raise PermissionDenied
    email = email.strip()
    member = User.objects.filter(email__iexact=email, is_active=True).first()
    if member is not None and OrganisationMembership.objects.filter(user=member).exists():
        raise ValidationError(_("This account already acts for an organisation."))
    if organisation.member_invitations.filter(
        email__iexact=email, accepted_at__isnull=True, declined_at__isnull=True
    ).exists():
        raise ValidationError(
            _("An invitation to %(email)s is already waiting for an answer.") % {"email": email}
        )
    try:
        with transaction.atomic():
            invitation = MemberInvitation.objects.create(
                organisation=organisation, email=email, invited_by=actor
            )
    except IntegrityError:  # the same invitation sent twice at once
        raise ValidationError(
            _("An invitation to %(email)s is already waiting for an answer.") % {"email": email}
        ) from None
    audit_record(
        action=Action.MEMBER_INVITED,
        actor=actor,
        target=organisation,
        request=request,
        details={"email": _audit_value("email", email)},
    )
    from django.conf import settings
    from django.urls import reverse

    from award_portal.notifications.services import email_queue, notify

    url = reverse("applications:member-invitation", args=[invitation.token])
    subject = _("%(organisation)s invites you to act for it") % {"organisation": organisation.name}
    body = _(
        "%(sender)s, administrator of %(organisation)s on the Erenhot Mayor's Quality Award "
        "portal, asks you to act for the organisation: to prepare and submit its "
        "applications. Log in with an organisation account that uses this e-mail address "
        "and accept or decline here: %(link)s"
    ) % {
        "sender": actor.display_name,
        "organisation": organisation.name,
        "link": f"{settings.PORTAL_BASE_URL}{url}",
    }
    if member is not None:
        notify(user=member, title=subject, body=body, url=url, email=False)
    email_queue(to=[email], subject=subject, body=body)
    return invitation


@transaction.atomic
def member_invitation_answer(
    *, actor, invitation: MemberInvitation, accept: bool, request: HttpRequest | None = None
) -> MemberInvitation:
    """The invited colleague accepts or declines. Only the account with the invited
    address may answer; an organisation account that already acts for another cannot.

    Side effects on acceptance, in order: the membership; access to the organisation's
    dossiers (grants, each audited); one ``organisation.member_joined`` event.
    """
    from django.utils import timezone

    invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
    if actor.email.lower() != invitation.email.lower():
        raise PermissionDenied
    if not invitation.is_open:
        raise ValidationError(_("This invitation was already answered."))
    invitation.answered_by = actor
    if not accept:
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at", "answered_by"])
        audit_record(
            action=Action.MEMBER_DECLINED,
            actor=actor,
            target=invitation.organisation,
            request=request,
        )
        return invitation
    if actor.role != Role.APPLICANT or actor.applicant_kind != ApplicantKind.ORGANISATION:
        raise ValidationError(
            _("Only an organisation account can act for an organisation. Register as one first.")
        )
    if OrganisationMembership.objects.filter(user=actor).exists():
        raise ValidationError(_("Your account already acts for an organisation."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "answered_by"])
    organisation = invitation.organisation
    OrganisationMembership.objects.create(organisation=organisation, user=actor)
    for dossier in organisation.dossiers.all():
        grant_dossier_access(dossier=dossier, users=[actor], actor=actor, request=request)
    audit_record(
        action=Action.MEMBER_JOINED,
        actor=actor,
        target=organisation,
        request=request,
        details={"invited_by": invitation.invited_by.username},
    )
    return invitation


@transaction.atomic
def individual_save(
    *, actor, data: dict, id_number: str | None, request: HttpRequest | None = None
) -> Individual:
    """Create or update the actor's own individual profile. The ID number is required
    on creation; on update an empty value keeps the stored one. The organisation the
    person leads (Art. 11(4)) is named by its credit code and linked when registered.

    Side effects, in order: the row; on creation, a mobilising department's invitation
    to the actor's address taken up; one ``applicant.profile_saved`` audit event with
    every changed value, old and new (the ID number and contact details masked).
    """
    if actor.role != Role.APPLICANT or actor.applicant_kind != ApplicantKind.INDIVIDUAL:
        raise PermissionDenied
    individual = Individual.objects.filter(user=actor).first()
    created = individual is None
    individual = individual or Individual(user=actor)
    data = dict(data)
    code = normalise_uscc(data.get("top_manager_of_uscc") or "")
    if code:
        validate_uscc(code)
    data["top_manager_of_uscc"] = code
    data["top_manager_of"] = Organisation.objects.filter(uscc=code).first() if code else None
    if not code:
        data["top_manager_of_name"] = ""
    changes = _changes(individual, data, INDIVIDUAL_FIELDS)
    for field in INDIVIDUAL_FIELDS:
        setattr(individual, field, data[field])
    if id_number:
        number = normalise_id_number(id_number)
        validate_id_number(number)
        if (
            Individual.objects.filter(id_number_hash=privacy.keyed_hash(number))
            .exclude(pk=individual.pk)
            .exists()
        ):
            raise ValidationError(_("This ID number is already registered by another account."))
        individual.set_id_number(number)
    elif created:
        raise ValidationError(_("Enter your resident ID number."))
    old_masked = (
        Individual.objects.filter(pk=individual.pk)
        .values_list("id_number_masked", flat=True)
        .first()
        if not created
        else ""
    )
    if id_number and old_masked != individual.id_number_masked:
        changes["id_number"] = [old_masked or "", individual.id_number_masked]
    individual.save()
    if created:
        invitation_take_up(user=actor, email=actor.email, individual=individual)
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=individual,
        request=request,
        details={"created": created, "changes": changes},
    )
    return individual


@transaction.atomic
def individual_reveal_id(
    *, actor, individual: Individual, request: HttpRequest | None = None
) -> str:
    """The full ID number, for the office only; every reveal is an audit event."""
    if not is_office(actor):
        raise PermissionDenied
    audit_record(action=Action.ID_REVEALED, actor=actor, target=individual, request=request)
    return individual.id_number()
