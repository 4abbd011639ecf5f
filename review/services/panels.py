"""Panels (评审组, Art. 18): the agency forms them for each stage from its pool, with a
leader (组长负责制), invites the experts, and gives each dossier to one panel. A proposal
suggests the assignment; the agency changes it by hand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import DossierState
from applications.models import Dossier
from applications.services.receipts import received_version
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notification_links_close, notify

from ..enums import AssignmentState, FlagState, MemberState, StageState
from ..models import Assignment, Expert, Panel, PanelDossier, PanelMember, ReviewStage
from ..permissions import agency_of, can_manage_review, expert_of, is_office
from .conflicts import assignment_revoke, blocks_assignment, conflicts_detect
from .plans import agency_users, eligible_dossiers

ACTIVE_MEMBER_STATES = (MemberState.INVITED, MemberState.ACCEPTED)


def _require_manager(actor, stage: ReviewStage) -> None:
    if not can_manage_review(actor, stage.plan.cycle):
        raise PermissionDenied


def _require_stage_not_closed(stage: ReviewStage) -> None:
    if stage.state == StageState.CLOSED:
        raise ValidationError(_("This stage is closed."))


def experts_for(actor):
    """The pool the actor may draw panel members from."""
    if is_office(actor):
        return Expert.objects.all()
    agency = agency_of(actor)
    return Expert.objects.filter(agency=agency) if agency is not None else Expert.objects.none()


def pool_for(actor, stage: ReviewStage) -> list[Expert]:
    """The actor's pool as the panel pages show it: each expert with ``load`` (open
    assignments in the stage), ``stage_panel`` (the panel of this stage the expert is
    invited to or on, or None), ``sector_labels`` and ``can_join`` (active, available and
    on no other panel of the stage)."""
    load = stage_load(stage)
    on_panel = {
        m.expert_id: m.panel
        for m in PanelMember.objects.filter(
            panel__stage=stage, state__in=ACTIVE_MEMBER_STATES
        ).select_related("panel")
    }
    from applications.enums import Sector

    labels = dict(Sector.choices)
    experts = list(experts_for(actor).select_related("user").order_by("name", "id"))
    for expert in experts:
        expert.sector_labels = [str(labels.get(code, code)) for code in expert.sectors or []]
        expert.load = load.get(expert.pk, 0)
        expert.stage_panel = on_panel.get(expert.pk)
        expert.can_join = expert.user.is_active and expert.available and expert.stage_panel is None
    return experts


@transaction.atomic
def panel_create(
    *, actor, stage: ReviewStage, name: str, request: HttpRequest | None = None
) -> Panel:
    """Side effects, in order: the panel row; one ``review.panel_saved`` event."""
    stage = ReviewStage.objects.select_related("plan__cycle").get(pk=stage.pk)
    _require_manager(actor, stage)
    _require_stage_not_closed(stage)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the panel a name."))
    try:
        with transaction.atomic():
            panel = Panel.objects.create(stage=stage, name=name[:100], created_by=actor)
    except IntegrityError:
        raise ValidationError(
            _("This stage has a panel named “%(name)s” already.") % {"name": name}
        ) from None
    audit_record(
        action=Action.PANEL_SAVED,
        actor=actor,
        target=stage.plan.cycle,
        request=request,
        details={"panel": panel.pk, "name": panel.name, "stage": stage.kind},
    )
    return panel


def _tell_expert(expert: Expert, *, title: str, body: str, url: str) -> None:
    notify(user=expert.user, title=title, body=body, url=url)


def member_invite(
    *, actor, panel: Panel, expert: Expert, leader: bool = False, request: HttpRequest | None = None
) -> PanelMember:
    """Invite an expert of the actor's pool to the panel (optionally as its leader); an
    expert who declined or was removed may be invited again.

    Two transactions, as in ``dossier_assign``: first the likely conflicts between the
    expert and the panel's dossiers are detected and recorded (``review.conflict_flagged``)
    and kept even when the invitation is then refused, so the office sees what it must
    decide. Then, in one transaction: refused while any of them awaits the office; the
    member row (invited); the leader set when asked; one ``review.member_invited`` event;
    the expert told (in-app and e-mail, with the link to answer).
    """
    panel = Panel.objects.select_related("stage__plan__cycle").get(pk=panel.pk)
    _require_manager(actor, panel.stage)
    _require_stage_not_closed(panel.stage)
    if not experts_for(actor).filter(pk=expert.pk).exists():
        raise PermissionDenied
    lookback = panel.stage.plan.conflict_lookback_years
    with transaction.atomic():
        open_flags = []
        for item in panel.dossiers.filter(dossier__state=DossierState.UNDER_REVIEW).select_related(
            "dossier"
        ):
            open_flags += conflicts_detect(
                expert=expert, dossier=item.dossier, lookback_years=lookback
            )
    if open_flags:
        raise ValidationError(
            _(
                "Likely conflicts of %(expert)s with dossiers of this panel await the "
                "office's decision: %(list)s. The expert can be invited once the office has "
                "decided them."
            )
            % {
                "expert": expert.name,
                "list": "；".join(
                    f"{f.dossier.number}：{f.detail.rstrip('。.')}" for f in open_flags
                ),
            }
        )
    return _invite(actor=actor, panel=panel, expert=expert, leader=leader, request=request)


@transaction.atomic
def _invite(*, actor, panel: Panel, expert: Expert, leader: bool, request) -> PanelMember:
    panel = Panel.objects.select_for_update().select_related("stage__plan__cycle").get(pk=panel.pk)
    stage = panel.stage
    _require_stage_not_closed(stage)
    expert = Expert.objects.select_related("user").get(pk=expert.pk)
    if not expert.user.is_active:
        raise ValidationError(_("%(expert)s's account is deactivated.") % {"expert": expert.name})
    if not expert.available:
        raise ValidationError(
            _("%(expert)s is marked as not available for new assignments.")
            % {"expert": expert.name}
        )
    if (
        PanelMember.objects.filter(
            panel__stage=stage, expert=expert, state__in=ACTIVE_MEMBER_STATES
        )
        .exclude(panel=panel)
        .exists()
    ):
        raise ValidationError(
            _("%(expert)s is a member of another panel of this stage already.")
            % {"expert": expert.name}
        )
    member, created = PanelMember.objects.get_or_create(panel=panel, expert=expert)
    if not created:
        if member.state in ACTIVE_MEMBER_STATES:
            raise ValidationError(
                _("%(expert)s is on this panel already.") % {"expert": expert.name}
            )
        member.state = MemberState.INVITED  # invited again after declining or removal
        member.invited_at = timezone.now()
        member.answered_at = None
        member.decline_reason = ""
        member.save()
    if leader:
        panel.leader = expert
        panel.save(update_fields=["leader"])
    audit_record(
        action=Action.MEMBER_INVITED_TO_PANEL,
        actor=actor,
        target=stage.plan.cycle,
        request=request,
        details={
            "panel": panel.pk,
            "expert": expert.pk,
            "expert_name": expert.name,
            "leader": leader,
        },
    )
    _tell_expert(
        expert,
        title=_("Invitation to the panel “%(panel)s” (%(stage)s)")
        % {"panel": panel.name, "stage": stage.get_kind_display()},
        body=_(
            "%(round)s: %(stage)s from %(start)s to %(end)s. Please accept or decline the "
            "invitation in the portal. Before you see any application you will be asked to "
            "declare conflicts of interest (Art. 25)."
        )
        % {
            "round": stage.plan.cycle.name,
            "stage": stage.get_kind_display(),
            "start": day(stage.starts_on),
            "end": day(stage.ends_on),
        },
        url=reverse("review:invitation-answer", args=[member.pk]),
    )
    return member


@transaction.atomic
def panel_set_leader(*, actor, panel: Panel, expert: Expert, request=None) -> Panel:
    """Side effects, in order: the panel's leader; one ``review.panel_saved`` event; the
    new leader told."""
    panel = Panel.objects.select_for_update().select_related("stage__plan__cycle").get(pk=panel.pk)
    _require_manager(actor, panel.stage)
    _require_stage_not_closed(panel.stage)
    if not panel.members.filter(expert=expert, state__in=ACTIVE_MEMBER_STATES).exists():
        raise ValidationError(_("The leader must be a member of the panel."))
    panel.leader = expert
    panel.save(update_fields=["leader"])
    audit_record(
        action=Action.PANEL_SAVED,
        actor=actor,
        target=panel.stage.plan.cycle,
        request=request,
        details={"panel": panel.pk, "leader": expert.pk, "leader_name": expert.name},
    )
    _tell_expert(
        expert,
        title=_("You lead the panel “%(panel)s” (%(stage)s)")
        % {"panel": panel.name, "stage": panel.stage.get_kind_display()},
        body=_(
            "As the panel's leader you return sheets that need another look and confirm the "
            "panel's result for each of its dossiers."
        ),
        url=reverse("review:expert-home"),
    )
    return panel


def _offer(panel: Panel, expert: Expert, dossier: Dossier) -> Assignment | None:
    """An assignment offer for an accepted member, unless a conflict stands in the way
    (a declared or confirmed conflict: the expert simply gets no offer)."""
    if blocks_assignment(expert, dossier):
        return None
    assignment, created = Assignment.objects.get_or_create(
        stage=panel.stage, expert=expert, dossier=dossier, defaults={"panel": panel}
    )
    if not created and assignment.state == AssignmentState.WITHDRAWN:
        # given back to the same expert: a fresh offer, a fresh declaration
        Assignment.objects.filter(pk=assignment.pk).update(
            state=AssignmentState.OFFERED, panel=panel, offered_at=timezone.now()
        )
        assignment.refresh_from_db()
    return assignment


@transaction.atomic
def member_answer(
    *,
    actor,
    member: PanelMember,
    accept: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PanelMember:
    """The expert accepts or declines a panel invitation.

    Side effects, in order: the member row answered; on acceptance, an assignment offer
    for each of the panel's dossiers without a conflict (the expert declares conflicts
    before seeing any); one ``review.member_answered`` event; the agency told.
    """
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__stage__plan__cycle", "expert")
        .get(pk=member.pk)
    )
    expert = expert_of(actor)
    if expert is None or member.expert_id != expert.pk:
        raise PermissionDenied
    if member.state != MemberState.INVITED:
        raise ValidationError(_("You have answered this invitation already."))
    _require_stage_not_closed(member.panel.stage)
    if not accept and not reason.strip():
        raise ValidationError(_("Tell the agency why you decline."))
    member.state = MemberState.ACCEPTED if accept else MemberState.DECLINED
    member.answered_at = timezone.now()
    member.decline_reason = "" if accept else reason.strip()
    member.save()
    panel = member.panel
    if accept:
        for item in panel.dossiers.select_related("dossier"):
            if item.dossier.state == DossierState.UNDER_REVIEW:
                _offer(panel, expert, item.dossier)
    elif panel.leader_id == expert.pk:
        panel.leader = None
        panel.save(update_fields=["leader"])
    audit_record(
        action=Action.MEMBER_ANSWERED,
        actor=actor,
        target=panel.stage.plan.cycle,
        request=request,
        details={"panel": panel.pk, "accepted": accept, "reason": member.decline_reason},
    )
    for user in agency_users(panel.stage.plan.cycle):
        notify(
            user=user,
            title=(
                _("%(expert)s accepted the invitation to “%(panel)s”")
                if accept
                else _("%(expert)s declined the invitation to “%(panel)s”")
            )
            % {"expert": expert.name, "panel": panel.name},
            body=member.decline_reason,
            url=reverse("review:panels", args=[panel.stage.plan.cycle.pk]),
        )
    return member


@transaction.atomic
def member_remove(*, actor, member: PanelMember, request: HttpRequest | None = None) -> PanelMember:
    """Take an expert off a panel. Sheets already submitted stay on record.

    Side effects, in order: the member row removed; each open offer withdrawn and its grant
    taken away (``permission.revoked``); the leader cleared if it was the leader; one
    ``review.panel_saved`` event; the expert told."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__stage__plan__cycle", "expert__user")
        .get(pk=member.pk)
    )
    panel = member.panel
    _require_manager(actor, panel.stage)
    _require_stage_not_closed(panel.stage)
    if member.state == MemberState.REMOVED:
        return member
    member.state = MemberState.REMOVED
    member.save(update_fields=["state"])
    for assignment in Assignment.objects.select_for_update().filter(
        panel=panel,
        expert=member.expert,
        state__in=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING],
    ):
        assignment.withdraw()
        assignment.save()
        assignment_revoke(assignment=assignment, actor=actor, reason="removed from the panel")
    if panel.leader_id == member.expert_id:
        panel.leader = None
        panel.save(update_fields=["leader"])
    audit_record(
        action=Action.PANEL_SAVED,
        actor=actor,
        target=panel.stage.plan.cycle,
        request=request,
        details={"panel": panel.pk, "removed": member.expert_id, "expert_name": member.expert.name},
    )
    _tell_expert(
        member.expert,
        title=_("You are no longer on the panel “%(panel)s”") % {"panel": panel.name},
        body=_(
            "The agency took you off the panel. Your access to its dossiers ends now; sheets "
            "you submitted stay on record."
        ),
        url=reverse("review:expert-home"),
    )
    return member


def assign_problem(stage: ReviewStage, panel: Panel, dossier: Dossier) -> str | None:
    """Why the dossier cannot go to the panel, or None."""
    if panel.stage_id != stage.pk:
        return _("The panel belongs to another stage.")
    if dossier.state != DossierState.UNDER_REVIEW:
        return _("%(number)s is not under review.") % {"number": dossier.number}
    if not eligible_dossiers(stage).filter(pk=dossier.pk).exists():
        return _("%(number)s did not advance to this stage.") % {"number": dossier.number}
    for member in panel.members.filter(state__in=ACTIVE_MEMBER_STATES).select_related("expert"):
        # a declared or confirmed conflict only keeps that member out; an open flag keeps
        # the dossier out of the panel until the office decides it
        if member.expert.conflict_flags.filter(dossier=dossier, state=FlagState.OPEN).exists():
            return blocks_assignment(member.expert, dossier)
    return None


def dossier_assign(
    *,
    actor,
    stage: ReviewStage,
    dossier: Dossier,
    panel: Panel,
    from_panel: Panel | None = None,
    request: HttpRequest | None = None,
) -> PanelDossier:
    """Give a dossier to a panel for the stage, or move it there from ``from_panel`` (the
    panel the actor saw it on; None: the actor saw it without a panel) when no sheet is in
    yet. When somebody else gave it to a panel, moved it or took it off meanwhile,
    nothing changes and the actor is told; giving it again to the panel it is on changes
    nothing either (a double click).

    Two transactions, deliberately: first the likely conflicts of each member are
    detected and recorded (``review.conflict_flagged``) and kept even when the
    assignment is then refused, so the office sees what it must decide. Then, in one
    transaction: refused while any flag awaits the office; the panel-dossier row; an
    assignment offer for each accepted member without a conflict; one
    ``review.dossier_assigned`` event; the members told.
    """
    stage = ReviewStage.objects.select_related("plan__cycle").get(pk=stage.pk)
    _require_manager(actor, stage)
    _require_stage_not_closed(stage)
    panel = Panel.objects.get(pk=panel.pk)
    lookback = stage.plan.conflict_lookback_years
    with transaction.atomic():
        open_flags = []
        for member in panel.members.filter(state__in=ACTIVE_MEMBER_STATES).select_related("expert"):
            open_flags += conflicts_detect(
                expert=member.expert, dossier=dossier, lookback_years=lookback
            )
    if open_flags:
        raise ValidationError(
            _(
                "Likely conflicts await the office's decision: %(list)s. The dossier can go "
                "to this panel once the office has decided them."
            )
            % {"list": "；".join(f"{f.expert.name}：{f.detail.rstrip('。.')}" for f in open_flags)}
        )
    return _assign(
        actor=actor,
        stage=stage,
        dossier=dossier,
        panel=panel,
        from_panel=from_panel,
        request=request,
    )


@transaction.atomic
def _assign(*, actor, stage, dossier, panel, from_panel, request) -> PanelDossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    existing = (
        PanelDossier.objects.select_for_update()
        .select_related("panel")
        .filter(stage=stage, dossier=dossier)
        .first()
    )
    if existing is not None and existing.panel_id == panel.pk:
        return existing
    if existing is not None and (from_panel is None or existing.panel_id != from_panel.pk):
        raise ValidationError(
            _(
                "Meanwhile %(number)s was given to “%(panel)s”; nothing changed. Look at the "
                "panels again and move it if you still want to."
            )
            % {"number": dossier.number, "panel": existing.panel.name}
        )
    if existing is None and from_panel is not None:
        raise ValidationError(
            _("Meanwhile %(number)s was taken off “%(panel)s”; nothing changed.")
            % {"number": dossier.number, "panel": from_panel.name}
        )
    problem = assign_problem(stage, panel, dossier)
    if problem:
        raise ValidationError(problem)
    if existing is not None:
        _unassign(existing, actor=actor, request=request)
    item = PanelDossier.objects.create(panel=panel, stage=stage, dossier=dossier, assigned_by=actor)
    offered = []
    for member in panel.members.filter(state=MemberState.ACCEPTED).select_related("expert__user"):
        if _offer(panel, member.expert, dossier) is not None:
            offered.append(member.expert)
    audit_record(
        action=Action.DOSSIER_ASSIGNED,
        actor=actor,
        target=dossier,
        request=request,
        details={"panel": panel.pk, "panel_name": panel.name, "stage": stage.kind},
    )
    for expert in offered:
        _tell_expert(
            expert,
            title=_("A dossier to review: %(number)s") % {"number": dossier.number},
            body=_(
                "Declare whether you have a conflict of interest with %(name)s before you "
                "see its application (Art. 25)."
            )
            % {"name": dossier.applicant_name},
            url=reverse("review:expert-home"),
        )
    return item


def _unassign(item: PanelDossier, *, actor, request) -> None:
    submitted = Assignment.objects.filter(
        stage=item.stage, dossier=item.dossier, panel=item.panel, state=AssignmentState.SUBMITTED
    )
    if submitted.exists():
        raise ValidationError(
            _("Members of “%(panel)s” have submitted sheets for %(number)s; it stays there.")
            % {"panel": item.panel.name, "number": item.dossier.number}
        )
    for assignment in Assignment.objects.select_for_update().filter(
        stage=item.stage,
        dossier=item.dossier,
        panel=item.panel,
        state__in=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING],
    ):
        assignment.withdraw()
        assignment.save()
        assignment_revoke(assignment=assignment, actor=actor, reason="dossier moved")
    audit_record(
        action=Action.DOSSIER_UNASSIGNED,
        actor=actor,
        target=item.dossier,
        request=request,
        details={"panel": item.panel_id, "panel_name": item.panel.name, "stage": item.stage.kind},
    )
    item.delete()


@transaction.atomic
def dossier_unassign(*, actor, item: PanelDossier, request: HttpRequest | None = None) -> None:
    """Take a dossier off its panel (before any sheet is in).

    Side effects, in order: each open offer withdrawn and its grant taken away
    (``permission.revoked``); the panel-dossier row deleted; one
    ``review.dossier_unassigned`` event."""
    _require_manager(actor, ReviewStage.objects.select_related("plan__cycle").get(pk=item.stage_id))
    found = (
        PanelDossier.objects.select_for_update()
        .select_related("stage__plan__cycle", "panel", "dossier")
        .filter(pk=item.pk)
        .first()
    )
    if found is None:  # somebody else took it off or moved it meanwhile
        raise ValidationError(
            _("Meanwhile %(number)s was taken off “%(panel)s” or moved; nothing changed.")
            % {"number": item.dossier.number, "panel": item.panel.name}
        )
    item = found
    _require_stage_not_closed(item.stage)
    _unassign(item, actor=actor, request=request)


# --- the proposal -------------------------------------------------------------------------
@dataclass
class Proposal:
    """A suggested dossier → panel assignment for one stage, and why some dossiers could not
    be placed."""

    stage: ReviewStage
    pairs: list[tuple[Dossier, Panel]] = field(default_factory=list)
    unplaced: list[tuple[Dossier, str]] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)  # expert id -> dossiers after
    load_before: dict[int, int] = field(default_factory=dict)  # expert id -> dossiers now
    experts: dict[int, Expert] = field(default_factory=dict)  # every active member
    sector_fit: set[int] = field(default_factory=set)  # dossiers placed with a sector expert
    limit: int = 0


def stage_load(stage: ReviewStage) -> dict[int, int]:
    """Open assignments per expert in the stage (recused and withdrawn ones do not count)."""
    return {
        row["expert"]: row["n"]
        for row in Assignment.objects.filter(stage=stage)
        .exclude(state__in=[AssignmentState.RECUSED, AssignmentState.WITHDRAWN])
        .values("expert")
        .annotate(n=Count("id"))
    }


def assignment_propose(*, stage: ReviewStage) -> Proposal:
    """Suggest a panel for every dossier of the stage that has none.

    Rules: a panel is eligible for a dossier when none of its members has a declared,
    confirmed or open likely conflict with it, or a likely conflict detected now that the
    office has not cleared, and no member would exceed the plan's per-expert load limit;
    among eligible panels, those with a member of the dossier's sector come first; then
    the least loaded panel. The dossiers with the fewest eligible panels are placed
    first, so a tightly constrained dossier is not crowded out. A dossier no panel can
    take says why, panel by panel. Nothing is stored: the agency applies it or changes it.
    """
    from applications.models import Receipt

    from ..models import ConflictDeclaration, ConflictFlag
    from .conflicts import likely_conflicts

    stage = ReviewStage.objects.select_related("plan__cycle").get(pk=stage.pk)
    plan = stage.plan
    limit = plan.load_limit
    panels = list(
        stage.panels.prefetch_related("members__expert__former_employers").order_by("name")
    )
    members: dict[int, list[Expert]] = {
        p.pk: [m.expert for m in p.members.all() if m.state in ACTIVE_MEMBER_STATES] for p in panels
    }
    experts = {e.pk: e for group in members.values() for e in group}
    load: dict[int, int] = defaultdict(int, stage_load(stage))
    proposal = Proposal(
        stage=stage,
        experts=experts,
        load_before={pk: load[pk] for pk in experts},
        limit=limit,
    )
    panel_load = {
        row["panel"]: row["n"]
        for row in PanelDossier.objects.filter(stage=stage).values("panel").annotate(n=Count("id"))
    }
    todo = list(
        eligible_dossiers(stage)
        .exclude(pk__in=PanelDossier.objects.filter(stage=stage).values("dossier"))
        .select_related("organisation", "individual")
        .prefetch_related(
            Prefetch(
                "receipts",
                queryset=Receipt.objects.select_related("document").order_by("sequence"),
                to_attr="receipt_list",
            )
        )
        .order_by("number")
    )
    ids = [d.pk for d in todo]
    declared = set(
        ConflictDeclaration.objects.filter(
            dossier__in=ids, expert__in=experts, has_conflict=True
        ).values_list("expert", "dossier")
    )
    flags: dict[tuple[int, int], set[str]] = defaultdict(set)
    cleared: set[tuple[int, int, str]] = set()
    for expert_id, dossier_id, source, state in ConflictFlag.objects.filter(
        dossier__in=ids, expert__in=experts
    ).values_list("expert", "dossier", "source", "state"):
        if state == FlagState.CLEARED:
            cleared.add((expert_id, dossier_id, source))
        else:
            flags[(expert_id, dossier_id)].add(state)

    def recused(expert: Expert, dossier: Dossier) -> str | None:
        """A declared or confirmed conflict keeps only that member out."""
        if (expert.pk, dossier.pk) in declared:
            return _("%(expert)s declared a conflict") % {"expert": expert.name}
        if FlagState.CONFIRMED in flags.get((expert.pk, dossier.pk), set()):
            return _("the office confirmed a conflict of %(expert)s") % {"expert": expert.name}
        return None

    def conflict(expert: Expert, dossier: Dossier, version) -> str | None:
        """A likely conflict the office has not decided keeps the dossier off the panel."""
        if recused(expert, dossier) is not None:
            return None
        states = flags.get((expert.pk, dossier.pk), set())
        if FlagState.OPEN in states:
            return _("a likely conflict of %(expert)s awaits the office") % {"expert": expert.name}
        for source, detail in likely_conflicts(
            expert, dossier, lookback_years=plan.conflict_lookback_years, version=version
        ):
            if (expert.pk, dossier.pk, source) not in cleared:
                return _("%(expert)s: likely conflict (%(detail)s)") % {
                    "expert": expert.name,
                    "detail": detail,
                }
        return None

    versions = {d.pk: received_version(d, receipts=d.receipt_list) for d in todo}
    conflicts: dict[tuple[int, int], str | None] = {}
    for d in todo:
        for p in panels:
            if not members[p.pk]:
                continue
            blocking = next(
                (c for e in members[p.pk] if (c := conflict(e, d, versions[d.pk])) is not None),
                None,
            )
            out = [r for e in members[p.pk] if (r := recused(e, d)) is not None]
            free_members = len(members[p.pk]) - len(out)
            if blocking is None and free_members < stage.min_panel_size:
                blocking = _(
                    "%(n)s members without a conflict, fewer than the plan's minimum of %(min)s"
                ) % {"n": free_members, "min": stage.min_panel_size}
                if out:
                    blocking = f"{'、'.join(str(r) for r in out)}；{blocking}"
            conflicts[(p.pk, d.pk)] = blocking

    def free(panel: Panel) -> bool:
        return all(load[e.pk] + 1 <= limit for e in members[panel.pk])

    def options(dossier: Dossier) -> list[Panel]:
        return [
            p for p in panels if members[p.pk] and conflicts[(p.pk, dossier.pk)] is None and free(p)
        ]

    def why_not(dossier: Dossier) -> str:
        if not any(members.values()):
            return _("No panel of this stage has members yet.")
        reasons = []
        for panel in panels:
            if not members[panel.pk]:
                reasons.append(_("“%(panel)s” has no members") % {"panel": panel.name})
            elif conflicts[(panel.pk, dossier.pk)] is not None:
                reasons.append(f"“{panel.name}”：{conflicts[(panel.pk, dossier.pk)]}")
            else:
                full = [e.name for e in members[panel.pk] if load[e.pk] + 1 > limit]
                reasons.append(
                    _("“%(panel)s”: %(experts)s would exceed the load limit of %(n)s")
                    % {"panel": panel.name, "experts": "、".join(full), "n": limit}
                )
        return "；".join(str(r) for r in reasons)

    counts = {d.pk: len(options(d)) for d in todo}
    for dossier in sorted(todo, key=lambda d: (counts[d.pk], d.number or "")):
        choices = options(dossier)
        if not choices:
            proposal.unplaced.append((dossier, why_not(dossier)))
            continue
        sector = dossier.organisation.sector if dossier.organisation_id else ""

        def fits(panel, sector=sector) -> bool:
            return any(sector and sector in (e.sectors or []) for e in members[panel.pk])

        best = min(choices, key=lambda p: (0 if fits(p) else 1, panel_load.get(p.pk, 0), p.name))
        proposal.pairs.append((dossier, best))
        if fits(best):
            proposal.sector_fit.add(dossier.pk)
        panel_load[best.pk] = panel_load.get(best.pk, 0) + 1
        for expert in members[best.pk]:
            load[expert.pk] += 1
    proposal.pairs.sort(key=lambda pair: pair[0].number or "")
    proposal.load = {pk: load[pk] for pk in experts}
    return proposal


def assignment_apply(
    *, actor, stage: ReviewStage, pairs: list[tuple[int, int]], request=None
) -> list[str]:
    """Apply (dossier id, panel id) pairs one by one; each is its own transaction, so one
    refusal (a conflict flagged meanwhile) does not undo the others. Returns the refusals."""
    problems = []
    for dossier_id, panel_id in pairs:
        dossier = Dossier.objects.filter(pk=dossier_id, cycle=stage.plan.cycle).first()
        panel = Panel.objects.filter(pk=panel_id, stage=stage).first()
        if dossier is None or panel is None:
            continue
        try:
            dossier_assign(actor=actor, stage=stage, dossier=dossier, panel=panel, request=request)
        except ValidationError as error:
            problems.append(f"{dossier.number}：{' '.join(error.messages)}")
    return problems


def panel_sizes_short(stage: ReviewStage) -> list[tuple[Panel, int]]:
    """Panels with fewer accepted members than the plan's minimum."""
    return [
        (panel, panel.accepted)
        for panel in stage.panels.annotate(
            accepted=Count("members", filter=Q(members__state=MemberState.ACCEPTED))
        )
        if panel.accepted < stage.min_panel_size
    ]


def panels_led(expert: Expert) -> list[Panel]:
    """The panels of stages not closed that the expert leads for at least one dossier (an
    accepted member: the leader, or the acting leader of a dossier the leader is recused
    from), each with ``dossier_rows``: the dossiers under review it leads, each with
    ``declared`` (the expert has declared no conflict with it in the stage: only then
    the result page opens). A recused leader sees nothing of a dossier, not even that
    it is on the panel."""
    panels = list(
        Panel.objects.filter(members__expert=expert, members__state=MemberState.ACCEPTED)
        .exclude(stage__state=StageState.CLOSED)
        .select_related("stage__plan__cycle")
        .prefetch_related(
            Prefetch(
                "dossiers",
                queryset=PanelDossier.objects.filter(dossier__state=DossierState.UNDER_REVIEW)
                .select_related("dossier__organisation", "dossier__individual")
                .order_by("dossier__number"),
            )
        )
        .order_by("stage__plan__cycle", "stage__position", "name")
    )
    declared = set(
        Assignment.objects.filter(
            expert=expert,
            state__in=[
                AssignmentState.DECLARED,
                AssignmentState.SCORING,
                AssignmentState.SUBMITTED,
            ],
        ).values_list("stage", "dossier")
    )
    led = []
    for panel in panels:
        items = list(panel.dossiers.all())
        leaders = acting_leaders(panel, items)
        panel.dossier_rows = [
            item
            for item in items
            if leaders.get(item.dossier_id) is not None and leaders[item.dossier_id].pk == expert.pk
        ]
        for item in panel.dossier_rows:
            item.declared = (panel.stage_id, item.dossier_id) in declared
        if panel.leader_id == expert.pk or panel.dossier_rows:
            led.append(panel)
    return led


# --- the acting leader of a dossier ------------------------------------------------------
def conflicted_experts(dossier_ids) -> dict[int, set[int]]:
    """Dossier id -> the experts recused from it for good (a declared conflict or one the
    office confirmed)."""
    from ..models import ConflictDeclaration, ConflictFlag

    found: dict[int, set[int]] = defaultdict(set)
    for expert_id, dossier_id in ConflictDeclaration.objects.filter(
        dossier__in=dossier_ids, has_conflict=True
    ).values_list("expert", "dossier"):
        found[dossier_id].add(expert_id)
    for expert_id, dossier_id in ConflictFlag.objects.filter(
        dossier__in=dossier_ids, state=FlagState.CONFIRMED
    ).values_list("expert", "dossier"):
        found[dossier_id].add(expert_id)
    return found


def acting_leaders(panel: Panel, items=None, *, conflicted=None) -> dict[int, Expert | None]:
    """Dossier id -> who leads the panel for that dossier: the panel's leader unless
    recused from it; then the member the office named; else the next accepted member
    (in the order they were invited) who is not recused from it. None: nobody can."""
    if items is None:
        items = list(panel.dossiers.all())
    members = [
        m.expert
        for m in panel.members.filter(state=MemberState.ACCEPTED)
        .select_related("expert__user")
        .order_by("id")
    ]
    accepted = {e.pk: e for e in members}
    if conflicted is None:
        conflicted = conflicted_experts([item.dossier_id for item in items])
    leaders: dict[int, Expert | None] = {}
    for item in items:
        out = conflicted.get(item.dossier_id, set())
        if panel.leader_id in accepted and panel.leader_id not in out:
            leaders[item.dossier_id] = accepted[panel.leader_id]
        elif item.acting_leader_id in accepted and item.acting_leader_id not in out:
            leaders[item.dossier_id] = accepted[item.acting_leader_id]
        else:
            leaders[item.dossier_id] = next(
                (e for e in members if e.pk != panel.leader_id and e.pk not in out), None
            )
    return leaders


def acting_leader(panel: Panel, dossier: Dossier) -> Expert | None:
    """Who leads the panel for this one dossier (see ``acting_leaders``)."""
    item = PanelDossier.objects.filter(panel=panel, dossier=dossier).first()
    if item is None:
        return None
    return acting_leaders(panel, [item])[dossier.pk]


def leader_is_recused(panel: Panel, dossier_id: int, conflicted=None) -> bool:
    if panel.leader_id is None:
        return False
    conflicted = conflicted if conflicted is not None else conflicted_experts([dossier_id])
    return panel.leader_id in conflicted.get(dossier_id, set())


@transaction.atomic
def acting_leader_set(
    *, actor, item: PanelDossier, expert: Expert, request: HttpRequest | None = None
) -> PanelDossier:
    """The office names the member who leads the panel for one dossier its leader is
    recused from.

    Refused: anyone but the office; a closed stage; a leader who is not recused; an
    expert who is not an accepted member or is recused from the dossier.
    Side effects, in order: the acting leader stored; one ``review.acting_leader_named``
    event; the named expert told."""
    if not is_office(actor):
        raise PermissionDenied
    item = (
        PanelDossier.objects.select_for_update()
        .select_related("panel__stage__plan__cycle", "dossier")
        .get(pk=item.pk)
    )
    panel = item.panel
    _require_stage_not_closed(panel.stage)
    conflicted = conflicted_experts([item.dossier_id])
    if not leader_is_recused(panel, item.dossier_id, conflicted):
        raise ValidationError(
            _("The panel's leader leads %(number)s; no acting leader is needed.")
            % {"number": item.dossier.number}
        )
    if not panel.members.filter(
        expert=expert, state=MemberState.ACCEPTED
    ).exists() or expert.pk in conflicted.get(item.dossier_id, set()):
        raise ValidationError(
            _("The acting leader must be a member of the panel who is not recused from it.")
        )
    before = acting_leaders(panel, [item], conflicted=conflicted)[item.dossier_id]
    item.acting_leader = expert
    item.save(update_fields=["acting_leader"])
    links_closed = 0
    if before is not None and before.pk != expert.pk:
        # the member who led it until now no longer opens the panel's result for it
        links_closed = notification_links_close(
            urls=[reverse("review:result", args=[panel.stage_id, item.dossier_id])],
            users=[before.user],
        )
    audit_record(
        action=Action.ACTING_LEADER_NAMED,
        actor=actor,
        target=item.dossier,
        request=request,
        details={
            "panel": panel.pk,
            "expert": expert.pk,
            "expert_name": expert.name,
            "links_closed": links_closed,
        },
    )
    _tell_expert(
        expert,
        title=_("You lead “%(panel)s” for %(number)s")
        % {"panel": panel.name, "number": item.dossier.number},
        body=_(
            "The panel's leader is recused from this dossier. As its acting leader you "
            "return sheets that need another look and confirm the panel's result for it."
        ),
        url=reverse("review:expert-home"),
    )
    return item


# --- renaming and deleting a panel ---------------------------------------------------------
@transaction.atomic
def panel_rename(*, actor, panel: Panel, name: str, request: HttpRequest | None = None) -> Panel:
    """Side effects, in order: the panel's name; one ``review.panel_renamed`` event."""
    panel = Panel.objects.select_for_update().select_related("stage__plan__cycle").get(pk=panel.pk)
    _require_manager(actor, panel.stage)
    _require_stage_not_closed(panel.stage)
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError(_("Give the panel a name."))
    if name == panel.name:
        return panel
    if Panel.objects.filter(stage=panel.stage, name=name).exclude(pk=panel.pk).exists():
        raise ValidationError(
            _("This stage has a panel named “%(name)s” already.") % {"name": name}
        )
    before = panel.name
    panel.name = name
    panel.save(update_fields=["name"])
    audit_record(
        action=Action.PANEL_RENAMED,
        actor=actor,
        target=panel.stage.plan.cycle,
        request=request,
        details={"panel": panel.pk, "name": [before, name], "stage": panel.stage.kind},
    )
    return panel


def panel_delete_problem(panel: Panel) -> str | None:
    """Why the panel cannot be deleted, or None: only a panel without applications,
    results, visits or ratings, whose members never opened a sheet or recused, goes."""
    # every question asked each time: the panel page costs the same whatever the answer
    has_dossiers = panel.dossiers.exists()
    kept = [
        panel.assignments.exclude(state=AssignmentState.WITHDRAWN).exists(),
        panel.assignments.filter(sheet__isnull=False).exists(),
        panel.results.exists(),
        panel.visits.exists(),
        panel.ratings.exists(),
    ]
    if has_dossiers:
        return _("Take the applications off the panel first.")
    if any(kept):
        return _(
            "The panel has score sheets, recusals, results or visits on record; it stays. "
            "Rename it if its name is wrong."
        )
    return None


def panel_deletable(panel: Panel) -> bool:
    return panel_delete_problem(panel) is None


@transaction.atomic
def panel_delete(*, actor, panel: Panel, request: HttpRequest | None = None) -> None:
    """Delete a panel that holds nothing of the review.

    Side effects, in order: its withdrawn offers (without sheets) and its member rows
    deleted, then the panel; one ``review.panel_deleted`` event; the members who had
    accepted or were invited told."""
    panel = Panel.objects.select_for_update().select_related("stage__plan__cycle").get(pk=panel.pk)
    _require_manager(actor, panel.stage)
    _require_stage_not_closed(panel.stage)
    problem = panel_delete_problem(panel)
    if problem:
        raise ValidationError(problem)
    told = [
        m.expert
        for m in panel.members.filter(state__in=ACTIVE_MEMBER_STATES).select_related("expert__user")
    ]
    stage = panel.stage
    details = {"panel": panel.pk, "name": panel.name, "stage": stage.kind}
    panel.assignments.filter(state=AssignmentState.WITHDRAWN).delete()
    panel.members.all().delete()
    panel.delete()
    audit_record(
        action=Action.PANEL_DELETED,
        actor=actor,
        target=stage.plan.cycle,
        request=request,
        details=details,
    )
    for expert in told:
        _tell_expert(
            expert,
            title=_("The panel “%(panel)s” was dissolved") % {"panel": details["name"]},
            body=_("The panel had no application yet; nothing of yours is affected."),
            url=reverse("review:expert-home"),
        )
