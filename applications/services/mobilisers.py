"""Mobilising departments (Art. 9): their sector and their invitations."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from ..enums import Sector
from ..models import Invitation, MobiliserProfile
from ..permissions import is_office


@transaction.atomic
def mobiliser_set_sector(
    *, actor, user, sector: str, request: HttpRequest | None = None
) -> MobiliserProfile:
    if not is_office(actor) or user.role != Role.MOBILISER:
        raise PermissionDenied
    if sector not in Sector.values:
        raise ValidationError(_("Choose a sector."))
    profile, _created = MobiliserProfile.objects.update_or_create(
        user=user, defaults={"sector": sector}
    )
    audit_record(
        action=Action.PROFILE_SAVED,
        actor=actor,
        target=user,
        request=request,
        details={"mobiliser_sector": sector},
    )
    return profile


@transaction.atomic
def invitation_send(
    *, actor, organisation_name: str, email: str, request: HttpRequest | None = None
) -> Invitation:
    """E-mail an organisation a registration link tied to the mobiliser's sector.

    Side effects, in order: the invitation row; one ``mobiliser.invited`` event; after
    commit, the e-mail.
    """
    if actor.role != Role.MOBILISER:
        raise PermissionDenied
    profile = MobiliserProfile.objects.filter(user=actor).first()
    if profile is None:
        raise ValidationError(_("The coordination office has not assigned your sector yet."))
    invitation = Invitation.objects.create(
        mobiliser=actor, sector=profile.sector, email=email, organisation_name=organisation_name
    )
    audit_record(
        action=Action.INVITATION_SENT,
        actor=actor,
        target=invitation,
        request=request,
        details={"email": email, "sector": profile.sector},
    )
    link = settings.PORTAL_BASE_URL + reverse(
        "applications:invitation-accept", args=[invitation.token]
    )
    subject = _("Invitation to apply for the Erenhot Mayor's Quality Award")
    body = _(
        "%(sender)s invites %(organisation)s to apply for the Erenhot Mayor's Quality "
        "Award. Register your organisation here: %(link)s"
    ) % {"sender": actor.display_name, "organisation": organisation_name, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation
