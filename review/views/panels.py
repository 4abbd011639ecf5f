"""Panels and assignment (Art. 18) for the engaged agency and the office, the auditor
reading; and the office's conflicts of interest (Art. 25), which the auditor reads and
exports.

Access: a round, stage, panel or flag the user may not know is a 404; one the user may
read but not change answers 403 to a change. Roles without the review's pages get 403
(the mixin), anonymous visitors the log-in page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.documents.spreadsheets import xlsx_response

from ..enums import AssignmentState, FlagState, MemberState, StageState
from ..forms.panels import (
    AssignForm,
    DossierPanelForm,
    FlagResolveForm,
    InviteForm,
    LeaderForm,
    PanelCreateForm,
    PanelRenameForm,
    ProposalForm,
)
from ..models import Assignment, ConflictFlag, Panel, PanelDossier, PanelMember, ReviewStage
from ..permissions import can_manage_review, can_view_review, is_office, oversees_review
from ..selectors import cycles_for_review, open_flags, panels_of
from ..services.conflicts import flag_resolve, recusal_rows, register_export_record
from ..services.panels import (
    ACTIVE_MEMBER_STATES,
    acting_leader_set,
    acting_leaders,
    assignment_apply,
    assignment_propose,
    conflicted_experts,
    dossier_assign,
    dossier_unassign,
    member_invite,
    member_remove,
    panel_create,
    panel_deletable,
    panel_delete,
    panel_rename,
    panel_set_leader,
    pool_for,
    stage_load,
)
from ..services.plans import eligible_dossiers


class ReviewPageMixin(RolePermissionRequiredMixin):
    """A page of the review for the office, the auditor and the agencies; never stored by
    a browser or a proxy (it names applicants and experts)."""

    permission_required = "review.view_reviewplan"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


def visible_cycle(user, pk: int):
    return get_object_or_404(cycles_for_review(user).select_related("review_plan"), pk=pk)


def visible_stage(user, pk: int) -> ReviewStage:
    stage = get_object_or_404(ReviewStage.objects.select_related("plan__cycle__engagement"), pk=pk)
    if not can_view_review(user, stage.plan.cycle):
        raise Http404
    return stage


def visible_panel(user, pk: int) -> Panel:
    panel = get_object_or_404(
        Panel.objects.select_related("stage__plan__cycle__engagement", "leader"), pk=pk
    )
    if not can_view_review(user, panel.stage.plan.cycle):
        raise Http404
    return panel


def require_manager(user, cycle) -> None:
    if not can_manage_review(user, cycle):
        raise PermissionDenied


def panels_url(stage: ReviewStage) -> str:
    return f"{reverse('review:panels', args=[stage.plan.cycle_id])}?stage={stage.pk}"


def default_stage(stages: list[ReviewStage]) -> ReviewStage | None:
    """The open stage; else the first not closed yet; else the last."""
    for wanted in (StageState.OPEN, StageState.PLANNED):
        for stage in stages:
            if stage.state == wanted:
                return stage
    return stages[-1] if stages else None


def panel_rows(stage: ReviewStage) -> list[Panel]:
    """The stage's panels with their members, dossiers and whether they are smaller than
    the plan's minimum (accepted members only count)."""
    panels = list(panels_of(stage))
    conflicted = conflicted_experts(PanelDossier.objects.filter(stage=stage).values("dossier"))
    for panel in panels:
        members = list(panel.members.all())
        panel.member_rows = members
        panel.accepted_count = sum(1 for m in members if m.state == MemberState.ACCEPTED)
        panel.short = panel.accepted_count < stage.min_panel_size
        panel.dossier_rows = list(panel.dossiers.all())
        accepted = {m.expert_id for m in members if m.state == MemberState.ACCEPTED}
        for item in panel.dossier_rows:
            free = accepted - conflicted.get(item.dossier_id, set())
            item.free_count = len(free)
            item.understaffed = len(free) < stage.min_panel_size
            item.leader_recused = panel.leader_id in conflicted.get(item.dossier_id, set())
    return panels


def without_panel(stage: ReviewStage) -> list:
    """The stage's dossiers without a panel, joined for the pages that list them."""
    return list(
        eligible_dossiers(stage)
        .exclude(pk__in=PanelDossier.objects.filter(stage=stage).values("dossier"))
        .select_related("organisation", "individual")
        .order_by("number")
    )


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class PanelsView(ReviewPageMixin, View):
    """A round's panels, stage by stage: members and their answers, dossiers, the
    dossiers without a panel, the likely conflicts the office must decide."""

    template_name = "review/panels/panels.html"

    def get(self, request, cycle: int):
        cycle = visible_cycle(request.user, cycle)
        stages = list(cycle.review_plan.stages.all())
        wanted = request.GET.get("stage", "")
        stage = next((s for s in stages if str(s.pk) == wanted), None) or default_stage(stages)
        if stage is None:
            raise Http404
        manage = can_manage_review(request.user, cycle) and stage.state != StageState.CLOSED
        unassigned = without_panel(stage)
        panels = panel_rows(stage)
        return render(
            request,
            self.template_name,
            {
                "cycle": cycle,
                "plan": cycle.review_plan,
                "stages": stages,
                "stage": stage,
                "panels": panels,
                "short_panels": [p for p in panels if p.short],
                "unassigned": unassigned,
                "flags": open_flags(cycle),
                "manage": manage,
                "create_form": PanelCreateForm() if manage else None,
                "is_office": is_office(request.user),
                "oversees": oversees_review(request.user),
            },
        )


class PanelCreateView(ReviewPageMixin, View):
    template_name = "review/panels/panel_create.html"

    def stage(self, request, pk):
        stage = visible_stage(request.user, pk)
        require_manager(request.user, stage.plan.cycle)
        return stage

    def get(self, request, pk: int):
        stage = self.stage(request, pk)
        return render(request, self.template_name, {"stage": stage, "form": PanelCreateForm()})

    def post(self, request, pk: int):
        stage = self.stage(request, pk)
        form = PanelCreateForm(request.POST)
        if form.is_valid():
            try:
                panel = panel_create(
                    actor=request.user, stage=stage, name=form.cleaned_data["name"], request=request
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, _("Panel “%(name)s” created.") % {"name": panel.name})
                return redirect("review:panel-detail", panel.pk)
        return render(request, self.template_name, {"stage": stage, "form": form})


class PanelDetailView(ReviewPageMixin, View):
    """One panel: its members (with their answers and load), the pool to invite from,
    its dossiers with each member's progress, and the dossiers it may still take."""

    template_name = "review/panels/panel_detail.html"

    def context(self, request, panel: Panel) -> dict:
        stage = panel.stage
        cycle = stage.plan.cycle
        manage = can_manage_review(request.user, cycle) and stage.state != StageState.CLOSED
        members = list(panel.members.select_related("expert__user").order_by("invited_at", "id"))
        pool = pool_for(request.user, stage) if manage else []
        flagged = set(
            ConflictFlag.objects.filter(
                state=FlagState.OPEN,
                dossier__in=panel.dossiers.values("dossier"),
            ).values_list("expert", flat=True)
        )
        for expert in pool:
            expert.flagged = expert.pk in flagged
        load = stage_load(stage)
        states: dict[tuple[int, int], str] = {}
        for assignment in Assignment.objects.filter(panel=panel).only(
            "dossier_id", "expert_id", "state"
        ):
            states[(assignment.dossier_id, assignment.expert_id)] = assignment.state
        accepted = [m for m in members if m.state == MemberState.ACCEPTED]
        dossiers = list(
            panel.dossiers.select_related("dossier__organisation", "dossier__individual").order_by(
                "dossier__number"
            )
        )
        labels = dict(AssignmentState.choices)
        # by the panel, not by a list of ids: the same queries however many dossiers
        conflicted = conflicted_experts(panel.dossiers.values("dossier"))
        leaders = acting_leaders(panel, dossiers, conflicted=conflicted)
        for item in dossiers:
            item.progress = [
                (
                    m.expert,
                    states.get((item.dossier_id, m.expert_id)),
                    labels.get(states.get((item.dossier_id, m.expert_id))),
                )
                for m in accepted
            ]
            out = conflicted.get(item.dossier_id, set())
            item.eligible = [m.expert for m in accepted if m.expert_id not in out]
            item.understaffed = len(item.eligible) < stage.min_panel_size
            item.leader_recused = panel.leader_id is not None and panel.leader_id in out
            item.acting = leaders.get(item.dossier_id)
            item.acting_choices = [e for e in item.eligible if e.pk != panel.leader_id]
        for member in members:
            member.load = load.get(member.expert_id, 0)
        waiting = without_panel(stage) if manage else []
        return {
            "panel": panel,
            "stage": stage,
            "cycle": cycle,
            "members": members,
            "accepted_count": len(accepted),
            "short": len(accepted) < stage.min_panel_size,
            "dossiers": dossiers,
            "pool": pool,
            "waiting": waiting,
            "manage": manage,
            "limit": stage.plan.load_limit,
            "assign_form": AssignForm(dossiers=waiting),
            "states": AssignmentState,
            "understaffed": [item for item in dossiers if item.understaffed],
            "office": is_office(request.user),
            "rename_form": PanelRenameForm(initial={"name": panel.name}),
            "deletable": manage and panel_deletable(panel),
        }

    def get(self, request, pk: int):
        panel = visible_panel(request.user, pk)
        return render(request, self.template_name, self.context(request, panel))

    def post(self, request, pk: int):
        panel = visible_panel(request.user, pk)
        stage = panel.stage
        require_manager(request.user, stage.plan.cycle)
        action = request.POST.get("action")
        try:
            if action == "invite":
                form = InviteForm(request.POST, pool=pool_for(request.user, stage))
                if not form.is_valid():
                    raise ValidationError(_("Choose an expert of your pool."))
                expert = next(
                    e for e in pool_for(request.user, stage) if e.pk == form.cleaned_data["expert"]
                )
                member_invite(
                    actor=request.user,
                    panel=panel,
                    expert=expert,
                    leader=form.cleaned_data["leader"],
                    request=request,
                )
                messages.success(
                    request,
                    _("%(expert)s is invited; the expert was told by e-mail and in the portal.")
                    % {"expert": expert.name},
                )
            elif action == "leader":
                active = panel.members.filter(state__in=ACTIVE_MEMBER_STATES).select_related(
                    "expert"
                )
                form = LeaderForm(request.POST, members=active)
                if not form.is_valid():
                    raise ValidationError(_("Choose a member of the panel."))
                member = active.get(expert_id=form.cleaned_data["expert"])
                panel_set_leader(
                    actor=request.user, panel=panel, expert=member.expert, request=request
                )
                messages.success(
                    request, _("%(expert)s leads the panel.") % {"expert": member.expert.name}
                )
            elif action == "assign":
                waiting = without_panel(stage)
                form = AssignForm(request.POST, dossiers=waiting)
                if not form.is_valid():
                    raise ValidationError(
                        _(
                            "Choose an application without a panel (it may have been given "
                            "to a panel meanwhile)."
                        )
                    )
                dossier = next(d for d in waiting if d.pk == form.cleaned_data["dossier"])
                dossier_assign(
                    actor=request.user, stage=stage, dossier=dossier, panel=panel, request=request
                )
                messages.success(
                    request,
                    _("%(number)s is given to “%(panel)s”.")
                    % {"number": dossier.number, "panel": panel.name},
                )
            elif action == "acting_leader":
                item = panel.dossiers.filter(pk=request.POST.get("item") or 0).first()
                expert = panel.members.filter(
                    state=MemberState.ACCEPTED, expert_id=request.POST.get("expert") or 0
                ).first()
                if item is None or expert is None:
                    raise ValidationError(_("Choose a member of the panel."))
                if not is_office(request.user):
                    raise PermissionDenied
                acting_leader_set(
                    actor=request.user, item=item, expert=expert.expert, request=request
                )
                messages.success(
                    request,
                    _("%(expert)s leads the panel for %(number)s.")
                    % {"expert": expert.expert.name, "number": item.dossier.number},
                )
            elif action == "rename":
                form = PanelRenameForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Give the panel a name."))
                panel_rename(
                    actor=request.user, panel=panel, name=form.cleaned_data["name"], request=request
                )
                messages.success(request, _("The panel is renamed."))
            elif action == "delete":
                panel_delete(actor=request.user, panel=panel, request=request)
                messages.success(request, _("The panel is deleted."))
                return redirect(panels_url(stage))
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("review:panel-detail", panel.pk)


class MemberRemoveView(ReviewPageMixin, View):
    """Taking an expert off a panel: a confirmation page, then the removal."""

    template_name = "review/panels/member_remove.html"

    def member(self, request, pk):
        member = get_object_or_404(
            PanelMember.objects.select_related("panel__stage__plan__cycle__engagement", "expert"),
            pk=pk,
        )
        cycle = member.panel.stage.plan.cycle
        if not can_view_review(request.user, cycle):
            raise Http404
        require_manager(request.user, cycle)
        return member

    def get(self, request, pk: int):
        member = self.member(request, pk)
        open_offers = Assignment.objects.filter(
            panel=member.panel,
            expert=member.expert,
            state__in=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING],
        ).count()
        return render(request, self.template_name, {"member": member, "open_offers": open_offers})

    def post(self, request, pk: int):
        member = self.member(request, pk)
        try:
            member_remove(actor=request.user, member=member, request=request)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("%(expert)s is no longer on “%(panel)s”.")
                % {"expert": member.expert.name, "panel": member.panel.name},
            )
        return redirect("review:panel-detail", member.panel_id)


class DossierPanelView(ReviewPageMixin, View):
    """Give a dossier to a panel, move it, or take it off: the page is the confirmation
    step of a move or a removal."""

    template_name = "review/panels/dossier_panel.html"

    def objects(self, request, stage: int, dossier: int):
        stage = visible_stage(request.user, stage)
        cycle = stage.plan.cycle
        require_manager(request.user, cycle)
        dossier = get_object_or_404(
            eligible_dossiers(stage).select_related("organisation", "individual"), pk=dossier
        )
        item = (
            PanelDossier.objects.filter(stage=stage, dossier=dossier)
            .select_related("panel", "dossier")
            .first()
        )
        panels = list(stage.panels.order_by("name"))
        return stage, dossier, item, panels

    def get(self, request, stage: int, dossier: int):
        stage, dossier, item, panels = self.objects(request, stage, dossier)
        return render(
            request,
            self.template_name,
            {
                "stage": stage,
                "dossier": dossier,
                "item": item,
                "others": [p for p in panels if not item or p.pk != item.panel_id],
                "submitted": item is not None
                and Assignment.objects.filter(
                    stage=stage, dossier=dossier, panel=item.panel, state=AssignmentState.SUBMITTED
                ).exists(),
            },
        )

    def post(self, request, stage: int, dossier: int):
        stage, dossier, item, panels = self.objects(request, stage, dossier)
        form = DossierPanelForm(request.POST, panels=panels)
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
            return redirect("review:dossier-panel", stage.pk, dossier.pk)
        by_id = {p.pk: p for p in panels}
        from_panel = by_id.get(form.cleaned_data["from_panel"])
        try:
            if form.cleaned_data["action"] == DossierPanelForm.UNASSIGN:
                if item is None or item.panel_id != from_panel.pk:
                    raise ValidationError(
                        _(
                            "Meanwhile %(number)s was taken off “%(panel)s” or moved; "
                            "nothing changed."
                        )
                        % {"number": dossier.number, "panel": from_panel.name}
                    )
                dossier_unassign(actor=request.user, item=item, request=request)
                messages.success(
                    request,
                    _("%(number)s was taken off “%(panel)s”.")
                    % {"number": dossier.number, "panel": from_panel.name},
                )
            else:
                panel = by_id[form.cleaned_data["panel"]]
                dossier_assign(
                    actor=request.user,
                    stage=stage,
                    dossier=dossier,
                    panel=panel,
                    from_panel=from_panel,
                    request=request,
                )
                messages.success(
                    request,
                    _("%(number)s is given to “%(panel)s”.")
                    % {"number": dossier.number, "panel": panel.name},
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(panels_url(stage))


class ProposeView(ReviewPageMixin, View):
    """The suggested assignment of the stage's dossiers without a panel; the agency applies
    it with one button, after changing any line it wants."""

    template_name = "review/panels/propose.html"

    def stage(self, request, pk):
        stage = visible_stage(request.user, pk)
        require_manager(request.user, stage.plan.cycle)
        if stage.state == StageState.CLOSED:
            raise PermissionDenied
        return stage

    def get(self, request, pk: int):
        stage = self.stage(request, pk)
        proposal = assignment_propose(stage=stage)
        panels = list(stage.panels.order_by("name"))
        dossiers = [d for d, _p in proposal.pairs] + [d for d, _r in proposal.unplaced]
        dossiers.sort(key=lambda d: d.number or "")
        form = ProposalForm(
            dossiers=dossiers,
            panels=panels,
            proposed={d.pk: p.pk for d, p in proposal.pairs},
        )
        reasons = dict((d.pk, reason) for d, reason in proposal.unplaced)
        proposed = {d.pk: p for d, p in proposal.pairs}
        rows = [
            {
                "dossier": d,
                "field": form[f"d{d.pk}"],
                "panel": proposed.get(d.pk),
                "reason": reasons.get(d.pk, ""),
                "sector_fit": d.pk in proposal.sector_fit,
            }
            for d in dossiers
        ]
        loads = sorted(
            (
                {
                    "expert": expert,
                    "before": proposal.load_before.get(pk, 0),
                    "after": proposal.load.get(pk, 0),
                }
                for pk, expert in proposal.experts.items()
            ),
            key=lambda row: row["expert"].name,
        )
        return render(
            request,
            self.template_name,
            {
                "stage": stage,
                "cycle": stage.plan.cycle,
                "proposal": proposal,
                "rows": rows,
                "loads": loads,
                "form": form,
            },
        )

    def post(self, request, pk: int):
        stage = self.stage(request, pk)
        dossiers = list(eligible_dossiers(stage).select_related("organisation", "individual"))
        form = ProposalForm(
            request.POST, dossiers=dossiers, panels=list(stage.panels.all()), proposed={}
        )
        if not form.is_valid():
            messages.error(request, _("A panel chosen is not one of this stage. Nothing changed."))
            return redirect("review:propose", stage.pk)
        pairs = form.pairs()
        problems = assignment_apply(actor=request.user, stage=stage, pairs=pairs, request=request)
        done = len(pairs) - len(problems)
        if done:
            messages.success(
                request,
                ngettext(
                    "%(n)s application given to a panel.",
                    "%(n)s applications given to panels.",
                    done,
                )
                % {"n": done},
            )
        for problem in problems:
            messages.error(request, problem)
        return redirect(panels_url(stage))


# --- conflicts of interest ---------------------------------------------------------------
class ConflictAccessMixin(ReviewPageMixin):
    """The recusal register is the office's and the auditor's (Art. 8(2), 25)."""

    def cycle(self, request, pk):
        cycle = visible_cycle(request.user, pk)
        if not oversees_review(request.user):
            raise PermissionDenied
        return cycle


class ConflictRegisterView(ConflictAccessMixin, View):
    template_name = "review/panels/conflicts.html"

    def get(self, request, cycle: int):
        cycle = self.cycle(request, cycle)
        return render(
            request,
            self.template_name,
            {
                "cycle": cycle,
                "flags": open_flags(cycle),
                "rows": recusal_rows(cycle),
                "is_office": is_office(request.user),
            },
        )


def register_header() -> list[str]:
    return [
        _("Expert"),
        _("Expert's employer"),
        _("Application number"),
        _("Applicant"),
        _("Declared by the expert or detected"),
        _("Kind or source"),
        _("Note or what was detected"),
        _("Outcome"),
        _("Reason of the office"),
        _("Raised at"),
        _("Decided at"),
        _("Decided by"),
    ]


def register_cells(row) -> list:
    return [
        row.expert.name,
        row.expert.employer,
        row.dossier.number,
        row.dossier.applicant_name,
        _("Declared") if row.declared else _("Detected or named by the applicant"),
        row.kind,
        row.note,
        row.outcome,
        row.reason,
        row.raised_at,
        row.decided_at,
        row.decided_by,
    ]


class ConflictExportView(ConflictAccessMixin, View):
    """The register as an Excel workbook, every text cell formula-safe; the export is an
    audit event."""

    def get(self, request, cycle: int):
        cycle = self.cycle(request, cycle)
        rows = recusal_rows(cycle)
        register_export_record(actor=request.user, cycle=cycle, rows=len(rows), request=request)
        title = _("Recusal register")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return xlsx_response(
            filename=f"recusals-{cycle.pk}-{stamp}.xlsx",
            sheets=[(title, register_header(), [register_cells(r) for r in rows])],
            widths={str(title): [12, 24, 14, 28, 14, 24, 40, 14, 40, 18, 18, 14]},
        )


class FlagResolveView(ConflictAccessMixin, View):
    """The office decides a likely conflict with a reason; the auditor reads it."""

    template_name = "review/panels/flag_resolve.html"

    def flag(self, request, pk):
        flag = get_object_or_404(
            ConflictFlag.objects.select_related(
                "expert",
                "dossier__cycle",
                "dossier__organisation",
                "dossier__individual",
                "resolved_by",
            ),
            pk=pk,
        )
        self.cycle(request, flag.dossier.cycle_id)
        return flag

    def page(self, request, flag, form=None):
        return render(
            request,
            self.template_name,
            {
                "flag": flag,
                "cycle": flag.dossier.cycle,
                "form": form or FlagResolveForm(),
                "can_decide": is_office(request.user) and flag.state == "open",
            },
        )

    def get(self, request, pk: int):
        return self.page(request, self.flag(request, pk))

    def post(self, request, pk: int):
        flag = self.flag(request, pk)
        if not is_office(request.user):
            raise PermissionDenied
        form = FlagResolveForm(request.POST)
        if form.is_valid():
            try:
                flag = flag_resolve(
                    actor=request.user,
                    flag=flag,
                    confirmed=form.cleaned_data["decision"] == "confirm",
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                if flag.state != "open" or ConflictFlag.objects.get(pk=flag.pk).state != "open":
                    # decided meanwhile (another clerk, a second click): say so on the page
                    messages.error(request, " ".join(error.messages))
                    return redirect("review:flag-resolve", flag.pk)
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The likely conflict is decided: %(outcome)s.")
                    % {"outcome": flag.get_state_display()},
                )
                return redirect("review:conflicts", flag.dossier.cycle_id)
        return self.page(request, flag, form)
