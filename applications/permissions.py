"""Predicates: who may do what, now. Combined with object grants (django-guardian) and
role permissions, and used by views, services, templates and FSM ``permission=``."""

from django.utils import timezone

from award_portal.accounts.enums import Role

from .enums import CycleState, DossierState


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def can_manage_cycle(user, cycle=None) -> bool:
    return user.is_authenticated and user.has_perm("applications.change_cycle")


def window_is_open(cycle, *, now=None) -> bool:
    """Applications are accepted from the announcement until 24:00 of the deadline."""
    if cycle.state != CycleState.ANNOUNCED or cycle.application_deadline is None:
        return False
    today = timezone.localdate(now) if now else timezone.localdate()
    return cycle.announcement_date <= today <= cycle.application_deadline


def can_edit_dossier(user, dossier) -> bool:
    return (
        dossier.state == DossierState.DRAFT
        and user.has_perm("applications.change_dossier", dossier)
        and window_is_open(dossier.cycle)
    )


def can_supplement_dossier(user, dossier) -> bool:
    return dossier.state == DossierState.SUPPLEMENT_REQUESTED and user.has_perm(
        "applications.change_dossier", dossier
    )


def can_check_dossier(user, dossier=None) -> bool:
    return user.is_authenticated and user.has_perm("applications.check_dossier")


def can_view_trade_secret(user, dossier) -> bool:
    """Art. 30: the owner and the office (experts come with review assignments)."""
    if not user.is_authenticated:
        return False
    if is_office(user):
        return True
    return user.has_perm("applications.change_dossier", dossier)
