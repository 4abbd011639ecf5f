"""Object grants on dossiers (django-guardian), always with an audit event."""

from django.http import HttpRequest
from guardian.shortcuts import assign_perm

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

APPLICANT_PERMS = ("applications.view_dossier", "applications.change_dossier")


def grant_dossier_access(*, dossier, users, actor=None, request: HttpRequest | None = None):
    for user in users:
        for perm in APPLICANT_PERMS:
            assign_perm(perm, user, dossier)
        audit_record(
            action=Action.GRANT,
            actor=actor,
            target=dossier,
            request=request,
            actor_label="" if actor else "system",
            details={"user": user.username, "perms": list(APPLICANT_PERMS)},
        )


def dossier_applicant_users(dossier) -> list:
    if dossier.organisation_id:
        return list(dossier.organisation.members.filter(is_active=True))
    return [dossier.individual.user]
