"""Conflicts of interest (Art. 25) and the experts' object grants.

Before an expert sees anything of a dossier beyond the applicant's name, kind, sector and
district, the expert declares no conflict or a typed conflict. A conflict recuses the
expert from that dossier at once and for good (every stage). Likely conflicts the portal
detects, or that the applicant named, block the assignment until the office resolves
them with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from applications.models import Dossier
from applications.services.receipts import received_version
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.notifications.services import notification_links_close, notify

from ..enums import AssignmentState, ConflictType, FlagSource, FlagState
from ..models import Assignment, ConflictDeclaration, ConflictFlag, Expert
from ..permissions import can_declare, is_office, oversees_review

PERM = "review.review_assignment"


def _same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "".join((text or "").split()).casefold()

    return bool(norm(a)) and norm(a) == norm(b)


def _same_code(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().upper() == b.strip().upper()


# --- grants -------------------------------------------------------------------------------
def assignment_grant(*, assignment: Assignment, actor=None) -> None:
    """The expert may read and score the dossier (while the stage runs)."""
    assign_perm(PERM, assignment.expert.user, assignment)
    audit_record(
        action=Action.GRANT,
        actor=actor,
        target=assignment.dossier,
        actor_label="" if actor else "system",
        details={
            "user": assignment.expert.user.username,
            "perms": [PERM],
            "stage": assignment.stage.kind,
        },
    )


def assignment_revoke(*, assignment: Assignment, actor=None, reason: str = "") -> bool:
    """Take the grant away (recusal, withdrawal, the stage closed). Returns whether there
    was one."""
    user = assignment.expert.user
    if not user.has_perm(PERM, assignment):
        return False
    remove_perm(PERM, user, assignment)
    audit_record(
        action=Action.REVOKE,
        actor=actor,
        target=assignment.dossier,
        actor_label="" if actor else "system",
        details={
            "user": user.username,
            "perms": [PERM],
            "stage": assignment.stage.kind,
            "reason": reason,
        },
    )
    return True


# --- detection ----------------------------------------------------------------------------
def likely_conflicts(
    expert: Expert, dossier: Dossier, *, lookback_years: int, version=None
) -> list[tuple[str, str]]:
    """(source, detail) of every likely conflict between the expert and the applicant, from
    the dossier as received (``version``: that received version, when the caller has it
    already, so a proposal over many experts reads each dossier's receipt once)."""
    version = version if version is not None else received_version(dossier)
    found: list[tuple[str, str]] = []
    if version.organisation is not None:
        name, uscc = version.organisation.name, version.organisation.uscc
        if _same_code(expert.employer_uscc, uscc) or _same_name(expert.employer, name):
            found.append((FlagSource.EMPLOYER, _("The expert works for %(org)s.") % {"org": name}))
        since = timezone.localdate().year - lookback_years
        for former in expert.former_employers.all():
            if former.until_year < since:
                continue
            if _same_code(former.uscc, uscc) or _same_name(former.organisation, name):
                found.append(
                    (
                        FlagSource.FORMER_EMPLOYER,
                        _("The expert worked for %(org)s until %(year)s.")
                        % {"org": name, "year": former.until_year},
                    )
                )
                break
    else:
        employer = version.individual.employer
        led = version.individual.top_manager_of_uscc
        if _same_name(employer, expert.employer) or _same_code(led, expert.employer_uscc):
            found.append(
                (
                    FlagSource.SAME_EMPLOYER,
                    _("The applicant works at the expert's employer %(org)s.")
                    % {"org": expert.employer},
                )
            )
    for entry in version.named_conflicts or []:
        person, organisation = entry.get("name", ""), entry.get("organisation", "")
        if (person and _same_name(person, expert.name)) or (
            organisation and _same_name(organisation, expert.employer)
        ):
            found.append(
                (
                    FlagSource.APPLICANT_NAMED,
                    _("The applicant named “%(who)s”: %(reason)s")
                    % {"who": person or organisation, "reason": entry.get("reason", "")},
                )
            )
            break
    return found


def conflicts_detect(
    *, expert: Expert, dossier: Dossier, lookback_years: int
) -> list[ConflictFlag]:
    """Record every likely conflict not recorded yet. Returns the flags that are open."""
    for source, detail in likely_conflicts(expert, dossier, lookback_years=lookback_years):
        _flag, created = ConflictFlag.objects.get_or_create(
            expert=expert, dossier=dossier, source=source, defaults={"detail": detail[:255]}
        )
        if created:
            audit_record(
                action=Action.CONFLICT_FLAGGED,
                target=dossier,
                actor_label="system",
                details={"expert": expert.pk, "expert_name": expert.name, "source": source},
            )
    return list(ConflictFlag.objects.filter(expert=expert, dossier=dossier, state=FlagState.OPEN))


def blocks_assignment(expert: Expert, dossier: Dossier) -> str | None:
    """Why the expert cannot be given the dossier, or None."""
    if expert.declarations.filter(dossier=dossier, has_conflict=True).exists():
        return _("%(expert)s declared a conflict with this applicant.") % {"expert": expert.name}
    flags = expert.conflict_flags.filter(dossier=dossier).exclude(state=FlagState.CLEARED)
    if flags.filter(state=FlagState.CONFIRMED).exists():
        return _("The office confirmed a conflict of %(expert)s with this applicant.") % {
            "expert": expert.name
        }
    if flags.filter(state=FlagState.OPEN).exists():
        return _(
            "A likely conflict of %(expert)s with this applicant awaits the office's decision."
        ) % {"expert": expert.name}
    return None


# --- recusal ------------------------------------------------------------------------------
def _recuse_everywhere(expert: Expert, dossier: Dossier, *, actor, reason: str) -> int:
    """Recuse the expert from every assignment of the dossier, in every stage."""
    count = 0
    for assignment in (
        Assignment.objects.select_for_update()
        .filter(expert=expert, dossier=dossier)
        .exclude(state__in=[AssignmentState.RECUSED, AssignmentState.WITHDRAWN])
    ):
        assignment.recuse()
        assignment.save()
        assignment_revoke(assignment=assignment, actor=actor, reason=reason)
        # the expert's notifications stop offering the sheet and the panel's result
        links_closed = notification_links_close(
            urls=[
                reverse("review:sheet", args=[assignment.pk]),
                reverse("review:result", args=[assignment.stage_id, dossier.pk]),
            ],
            users=[expert.user],
        )
        audit_record(
            action=Action.RECUSED,
            actor=actor,
            target=dossier,
            actor_label="" if actor else "system",
            details={
                "expert": expert.pk,
                "expert_name": expert.name,
                "stage": assignment.stage.kind,
                "reason": reason,
                "links_closed": links_closed,
            },
        )
        count += 1
    return count


@transaction.atomic
def conflict_declare(
    *,
    actor,
    assignment: Assignment,
    has_conflict: bool,
    conflict_type: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Assignment:
    """The expert's declaration about the dossier of one assignment (Art. 25).

    Side effects, in order: one append-only declaration; on no conflict, the assignment
    becomes ``declared`` and the expert gets the object grant (``permission.granted``);
    on a conflict, every assignment of that expert to that dossier is recused and its
    grant taken away (``review.recused``, ``permission.revoked``), and the panel leader,
    the agency and the office are told; one ``review.conflict_declared`` event.
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("expert__user", "stage__plan__cycle", "dossier", "panel")
        .get(pk=assignment.pk)
    )
    if not can_declare(actor, assignment):
        raise PermissionDenied
    if has_conflict:
        if conflict_type not in ConflictType.values:
            raise ValidationError(_("Choose the kind of conflict."))
        if conflict_type == ConflictType.OTHER and not note.strip():
            raise ValidationError(_("Describe the conflict."))
    else:
        conflict_type = ""
    ConflictDeclaration.objects.create(
        expert=assignment.expert,
        dossier=assignment.dossier,
        has_conflict=has_conflict,
        conflict_type=conflict_type,
        note=note.strip(),
    )
    audit_record(
        action=Action.CONFLICT_DECLARED,
        actor=actor,
        target=assignment.dossier,
        request=request,
        details={"stage": assignment.stage.kind, "conflict": has_conflict, "type": conflict_type},
    )
    if has_conflict:
        _recuse_everywhere(assignment.expert, assignment.dossier, actor=actor, reason="declared")
        _tell_recusal(assignment)
    else:
        assignment.declare()
        assignment.save()
        assignment_grant(assignment=assignment, actor=actor)
    assignment.refresh_from_db()
    return assignment


def _tell_recusal(assignment: Assignment) -> None:
    from .panels import acting_leader
    from .plans import agency_users, office_users

    cycle = assignment.stage.plan.cycle
    told = {u.pk: u for u in [*agency_users(cycle), *office_users()]}
    # the member who leads the panel for the dossier now (another member when the
    # leader is the one recused) hears of it on the expert's own page
    leader = acting_leader(assignment.panel, assignment.dossier)
    if leader is not None and leader.pk != assignment.expert_id and leader.user.pk not in told:
        notify(
            user=leader.user,
            title=_("%(expert)s recused from %(number)s")
            % {"expert": assignment.expert.name, "number": assignment.dossier.number},
            body=_(
                "The expert declared a conflict of interest (Art. 25) and takes no further "
                "part in the panel's review of this application."
            ),
            url=reverse("review:expert-home"),
        )
    for user in told.values():
        notify(
            user=user,
            title=_("%(expert)s recused from %(number)s")
            % {"expert": assignment.expert.name, "number": assignment.dossier.number},
            body=_(
                "The expert declared a conflict of interest (Art. 25). If the panel is now "
                "smaller than the plan's minimum, add a member."
            ),
            url=reverse("review:panels", args=[cycle.pk]),
        )


@transaction.atomic
def flag_resolve(
    *,
    actor,
    flag: ConflictFlag,
    confirmed: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> ConflictFlag:
    """The office decides a likely conflict, with a reason.

    Side effects, in order: the flag confirmed or cleared; on confirmation, every
    assignment of that expert to that dossier recused and its grant taken away; one
    ``review.conflict_resolved`` event.
    """
    if not is_office(actor):
        raise PermissionDenied
    flag = (
        ConflictFlag.objects.select_for_update().select_related("expert", "dossier").get(pk=flag.pk)
    )
    if flag.state != FlagState.OPEN:
        raise ValidationError(_("This likely conflict has been decided already."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    flag.state = FlagState.CONFIRMED if confirmed else FlagState.CLEARED
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.resolution_reason = reason.strip()
    flag.save()
    if confirmed:
        _recuse_everywhere(flag.expert, flag.dossier, actor=actor, reason="confirmed by the office")
    audit_record(
        action=Action.CONFLICT_RESOLVED,
        actor=actor,
        target=flag.dossier,
        request=request,
        details={
            "expert": flag.expert_id,
            "expert_name": flag.expert.name,
            "source": flag.source,
            "confirmed": confirmed,
            "reason": flag.resolution_reason,
        },
    )
    return flag


# --- the recusal register -----------------------------------------------------------------
@dataclass
class RecusalRow:
    """One line of the recusal register: a declared conflict, or a likely conflict the
    office decided (confirmed or cleared)."""

    expert: Expert
    dossier: Dossier
    declared: bool  # the expert declared it (else: detected or named, decided by the office)
    kind: str  # the kind of conflict, or where the likely conflict came from
    note: str  # the expert's note, or what was detected
    outcome: str
    reason: str  # the office's reason ("" for a declaration)
    raised_at: datetime
    decided_at: datetime | None
    decided_by: str


def recusal_rows(cycle) -> list[RecusalRow]:
    """Every declared conflict and every decided likely conflict of the round, oldest
    first (the register the office and the auditor keep, Art. 25)."""
    from ..selectors import recusal_register

    declarations, flags = recusal_register(cycle)
    rows = [
        RecusalRow(
            expert=d.expert,
            dossier=d.dossier,
            declared=True,
            kind=d.get_conflict_type_display(),
            note=d.note,
            outcome=_("Recused (declared by the expert)"),
            reason="",
            raised_at=d.declared_at,
            decided_at=d.declared_at,
            decided_by=d.expert.name,
        )
        for d in declarations.filter(has_conflict=True)
    ]
    rows += [
        RecusalRow(
            expert=f.expert,
            dossier=f.dossier,
            declared=False,
            kind=f.get_source_display(),
            note=f.detail,
            outcome=f.get_state_display(),
            reason=f.resolution_reason,
            raised_at=f.raised_at,
            decided_at=f.resolved_at,
            decided_by=f.resolved_by.display_name if f.resolved_by else "",
        )
        for f in flags.exclude(state=FlagState.OPEN)
    ]
    rows.sort(key=lambda row: (row.decided_at or row.raised_at, row.dossier.number or ""))
    return rows


@transaction.atomic
def register_export_record(*, actor, cycle, rows: int, request: HttpRequest | None = None) -> None:
    """The office or the auditor exported the round's recusal register.

    Side effects: one ``review.exported`` event."""
    if not oversees_review(actor):
        raise PermissionDenied
    audit_record(
        action=Action.REVIEW_EXPORTED,
        actor=actor,
        target=cycle,
        request=request,
        details={"export": "recusal_register", "format": "xlsx", "rows": rows},
    )
