"""Predicates for the review (DESIGN §4): who may do what, now.

Object grants (django-guardian, ``review.review_assignment`` on an ``Assignment``) are
given when an expert declares no conflict and taken away on recusal and when the stage
closes; the predicates combine them with the stage rules, so a stale grant alone never
opens anything.
"""

from __future__ import annotations

from applications.enums import REVIEW_STATES, CycleState
from award_portal.accounts.enums import Role

from .enums import AssignmentState, FlagState, MemberState, StageState

READING_STATES = {AssignmentState.DECLARED, AssignmentState.SCORING, AssignmentState.SUBMITTED}


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def is_auditor(user) -> bool:
    return user.is_authenticated and user.role == Role.AUDITOR


def oversees_review(user) -> bool:
    """The office supervises the reviewers (Art. 8(2)); the auditor reads everything."""
    return is_office(user) or is_auditor(user)


def agency_of(user):
    """The review agency a user works for, or None."""
    if not user.is_authenticated or user.role != Role.AGENCY:
        return None
    staff = getattr(user, "agency_staff", None)
    return staff.agency if staff is not None else None


def expert_of(user):
    if not user.is_authenticated or user.role != Role.EXPERT:
        return None
    return getattr(user, "expert_profile", None)


def agency_engaged_for(user, cycle) -> bool:
    """The agency's accounts act only for the rounds their agency is engaged for."""
    agency = agency_of(user)
    if agency is None:
        return False
    engagement = getattr(cycle, "engagement", None)
    return engagement is not None and engagement.agency_id == agency.pk


def can_manage_review(user, cycle) -> bool:
    """Forms panels, assigns dossiers, schedules defences: the engaged agency and the
    office."""
    return is_office(user) or agency_engaged_for(user, cycle)


def can_view_review(user, cycle) -> bool:
    return oversees_review(user) or agency_engaged_for(user, cycle)


def can_keep_expert(user, expert) -> bool:
    """The office keeps every expert; an agency the experts of its own pool."""
    if is_office(user):
        return True
    agency = agency_of(user)
    return agency is not None and expert.agency_id == agency.pk


def stage_is_running(stage) -> bool:
    return stage.state == StageState.OPEN and stage.plan.cycle.state == CycleState.EXPERT_REVIEW


def is_conflicted(expert, dossier) -> bool:
    """A declared conflict or one the office confirmed: for good, in every stage."""
    return (
        expert.declarations.filter(dossier=dossier, has_conflict=True).exists()
        or expert.conflict_flags.filter(dossier=dossier, state=FlagState.CONFIRMED).exists()
    )


def can_read_assignment(user, assignment) -> bool:
    """The dossier's contents and files: the assigned expert, after declaring no conflict,
    while the stage runs, with the object grant."""
    expert = expert_of(user)
    return (
        expert is not None
        and assignment.expert_id == expert.pk
        and assignment.state in READING_STATES
        and assignment.dossier.state in REVIEW_STATES
        and stage_is_running(assignment.stage)
        and user.has_perm("review.review_assignment", assignment)
    )


def can_score_assignment(user, assignment) -> bool:
    return can_read_assignment(user, assignment) and assignment.state in (
        AssignmentState.DECLARED,
        AssignmentState.SCORING,
    )


def can_declare(user, assignment) -> bool:
    expert = expert_of(user)
    return (
        expert is not None
        and assignment.expert_id == expert.pk
        and assignment.state == AssignmentState.OFFERED
        and stage_is_running(assignment.stage)
        and assignment.panel.members.filter(expert=expert, state=MemberState.ACCEPTED).exists()
    )


def leads_panel(user, panel) -> bool:
    expert = expert_of(user)
    return (
        expert is not None
        and panel.leader_id == expert.pk
        and panel.members.filter(expert=expert, state=MemberState.ACCEPTED).exists()
    )
