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
from ..models import FinancialYear, Individual, Invitation, Organisation, OrganisationMembership
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
    "top_manager_of",
    "phone",
    "email",
]


def organisation_of(user) -> Organisation | None:
    return Organisation.objects.filter(members=user).first()


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
    invitation_token: str | None = None,
) -> Organisation:
    """Create the actor's organisation (the actor becomes its administrator) or update
    it (administrators only). ``years``: (year, revenue, operating profit).

    Side effects, in order: the organisation row; its financial years replaced; on
    creation, the administrator membership and the sector from an invitation; one
    ``applicant.profile_saved`` audit event.
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
    for field in ORGANISATION_FIELDS:
        setattr(organisation, field, data[field])
    if created and invitation_token:
        invitation = Invitation.objects.filter(
            token=invitation_token, accepted_at__isnull=True
        ).first()
        if invitation is not None:
            from django.utils import timezone

            organisation.sector = invitation.sector
            organisation.invited_by = invitation
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise ValidationError(
            _("An organisation with this unified social credit code is already registered.")
        ) from None
    organisation.years.all().delete()
    FinancialYear.objects.bulk_create(
        [FinancialYear(organisation=organisation, year=y, revenue=r, profit=p) for y, r, p in years]
    )
    if created:
        OrganisationMembership.objects.create(
            organisation=organisation, user=actor, role=MemberRole.ADMIN
        )
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=organisation,
        request=request,
        details={"created": created},
    )
    return organisation


@transaction.atomic
def organisation_add_member(
    *, actor, organisation: Organisation, email: str, request: HttpRequest | None = None
) -> User:
    """An administrator lets another registered organisation account act for it; the
    new member receives access to the organisation's dossiers."""
    if not is_org_admin(actor, organisation):
        raise PermissionDenied
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if (
        user is None
        or user.role != Role.APPLICANT
        or user.applicant_kind != ApplicantKind.ORGANISATION
    ):
        raise ValidationError(
            _(
                "No confirmed organisation account uses this e-mail address. "
                "Ask your colleague to register as an organisation first."
            )
        )
    if Organisation.objects.filter(members=user).exists():
        raise ValidationError(_("This account already acts for an organisation."))
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    for dossier in organisation.dossiers.all():
        grant_dossier_access(dossier=dossier, users=[user], actor=actor, request=request)
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=organisation,
        request=request,
        details={"member_added": user.username},
    )
    return user


@transaction.atomic
def individual_save(
    *, actor, data: dict, id_number: str | None, request: HttpRequest | None = None
) -> Individual:
    """Create or update the actor's own individual profile. The ID number is required
    on creation; on update an empty value keeps the stored one."""
    if actor.role != Role.APPLICANT or actor.applicant_kind != ApplicantKind.INDIVIDUAL:
        raise PermissionDenied
    individual = Individual.objects.filter(user=actor).first()
    created = individual is None
    individual = individual or Individual(user=actor)
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
    individual.save()
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=individual,
        request=request,
        details={"created": created, "id_changed": bool(id_number)},
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
