"""Predicates for the second half of the flow."""

from __future__ import annotations

from award_portal.accounts.enums import Role


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def is_auditor(user) -> bool:
    return user.is_authenticated and user.role == Role.AUDITOR


def oversees(user) -> bool:
    return is_office(user) or is_auditor(user)


def group_member(user, cycle):
    """The user's current membership of the round's working group, or None."""
    if not user.is_authenticated or user.role != Role.WORKING_GROUP:
        return None
    from .models import GroupMember

    return GroupMember.objects.filter(cycle=cycle, user=user, until__isnull=True).first()


def is_recused(member, dossier) -> bool:
    return member is not None and member.conflicts.filter(dossier=dossier).exists()


def can_read_candidates(user, cycle) -> bool:
    """The report, the candidate list and the candidates' summaries (never trade-secret
    files): the office, the auditor and the round's working group."""
    return oversees(user) or group_member(user, cycle) is not None


def can_download_certificate(user, award) -> bool:
    """The winner's own users (those who may see its dossier), the office and the
    auditor. A revoked title's certificate was taken back (Art. 28, 29): the winner is
    no longer given a copy; the office and the auditor keep it for the record."""
    if oversees(user):
        return True
    return (
        award.revoked_on is None
        and user.is_authenticated
        and user.role == Role.APPLICANT
        and user.has_perm("applications.view_dossier", award.dossier)
    )


def is_winner_user(user, award) -> bool:
    """One of the users acting for the winner (those who may see its dossier)."""
    return (
        user.is_authenticated
        and user.role == Role.APPLICANT
        and user.has_perm("applications.view_dossier", award.dossier)
    )


def can_read_supervision(user, award) -> bool:
    """Fund reports and visit records: the winner's users, the office, the auditor;
    never the public, the working group or the experts."""
    return oversees(user) or is_winner_user(user, award)
