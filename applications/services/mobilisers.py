"""Mobilising departments (Art. 9): their territory or sector, and their invitations."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day
from award_portal.notifications.services import email_queue

from ..enums import District, Sector
from ..models import Invitation, MobiliserProfile, MobiliserScope
from ..permissions import is_office


@transaction.atomic
def mobiliser_set_scope(
    *,
    actor,
    user,
    scope: str,
    sector: str = "",
    district: str = "",
    request: HttpRequest | None = None,
) -> MobiliserProfile:
    """The office says what a mobilising department stands for: a sumu government its
    territory, an industry department its sector (Art. 9)."""
    if not is_office(actor) or user.role != Role.MOBILISER:
        raise PermissionDenied
    if scope == MobiliserScope.SECTOR:
        if sector not in Sector.values:
            raise ValidationError(_("Choose a sector."))
        district = ""
    elif scope == MobiliserScope.DISTRICT:
        if district not in District.values:
            raise ValidationError(_("Choose a territory."))
        sector = ""
    else:
        raise ValidationError(_("Choose whether the department mobilises a territory or a sector."))
    profile, _created = MobiliserProfile.objects.update_or_create(
        user=user, defaults={"scope": scope, "sector": sector, "district": district}
    )
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=user,
        request=request,
        details={"mobiliser_scope": scope, "sector": sector, "district": district},
    )
    return profile


def mobiliser_set_sector(*, actor, user, sector: str, request: HttpRequest | None = None):
    return mobiliser_set_scope(
        actor=actor, user=user, scope=MobiliserScope.SECTOR, sector=sector, request=request
    )


@transaction.atomic
def invitation_send(
    *,
    actor,
    organisation_name: str,
    email: str,
    kind: str = ApplicantKind.ORGANISATION,
    request: HttpRequest | None = None,
) -> Invitation:
    """E-mail an organisation or a person a link to register, tied to the e-mail address
    (whoever registers with it takes the invitation up, on any device).

    The same invitation twice (one department, one address, not yet taken up) is
    refused. Side effects, in order: the invitation row; one ``mobiliser.invited``
    event; after commit, the e-mail.
    """
    if actor.role != Role.MOBILISER:
        raise PermissionDenied
    profile = MobiliserProfile.objects.filter(user=actor).first()
    if profile is None:
        raise ValidationError(_("The coordination office has not assigned your scope yet."))
    if kind not in ApplicantKind.values:
        raise ValidationError(_("Choose whether you invite an organisation or a person."))
    email = email.strip()
    already = Invitation.objects.filter(
        mobiliser=actor, email__iexact=email, accepted_at__isnull=True
    ).first()
    if already is not None:
        raise ValidationError(
            _("You already invited %(email)s on %(date)s; the invitation is still open.")
            % {"email": email, "date": shown_day(already.sent_at)}
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                mobiliser=actor,
                kind=kind,
                sector=profile.sector,
                district=profile.district,
                email=email,
                organisation_name=organisation_name,
            )
    except IntegrityError:  # the same form sent twice at once
        raise ValidationError(
            _("You already invited %(email)s; the invitation is still open.") % {"email": email}
        ) from None
    audit_record(
        action=Action.INVITATION_SENT,
        actor=actor,
        target=invitation,
        request=request,
        details={"email": email, "kind": kind, "scope": str(profile.scope_label)},
    )
    link = settings.PORTAL_BASE_URL + reverse(
        "applications:invitation-accept", args=[invitation.token]
    )
    subject = _("Invitation to apply for the Erenhot Mayor's Quality Award")
    body = _(
        "%(name)s:\n\n%(sender)s invites you to apply for the Erenhot Mayor's Quality Award. "
        "Register on the award portal with this e-mail address (%(email)s); the link below "
        "fills in the registration form for you: %(link)s\n\n%(sender)s"
    ) % {
        "sender": actor.display_name,
        "name": organisation_name,
        "email": email,
        "link": link,
    }
    email_queue(to=[email], subject=subject, body=body)
    return invitation
