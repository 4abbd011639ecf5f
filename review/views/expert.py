"""The expert's pages: what waits (invitations, declarations, sheets, panels led,
recusals), the answer to an invitation, and the conflict declaration (Art. 25).

Before declaring no conflict an expert sees only the applicant's name, kind, sector and
district. An assignment the expert is recused from, or that was withdrawn, is a 404, the
same answer as for an assignment of somebody else.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..enums import AssignmentState, MemberState, StageState
from ..forms.panels import DeclareForm, InvitationAnswerForm
from ..models import Assignment, PanelMember
from ..permissions import READING_STATES, can_declare, expert_of
from ..selectors import expert_worklist
from ..services.conflicts import conflict_declare
from ..services.panels import member_answer, panels_led


class ExpertPageMixin(RolePermissionRequiredMixin):
    permission_required = "review.view_assignment"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class ExpertHomeView(ExpertPageMixin, View):
    template_name = "review/expert/home.html"

    def get(self, request):
        work = expert_worklist(request.user)
        expert = work["expert"]
        work["panels_led"] = panels_led(expert) if expert is not None else []
        return render(request, self.template_name, work)


class InvitationAnswerView(ExpertPageMixin, View):
    """Accept or decline (with a reason) an invitation to a panel. Answering twice (a
    double click, a second tab) changes nothing and says so."""

    template_name = "review/expert/invitation.html"

    def member(self, request, pk):
        expert = expert_of(request.user)
        if expert is None:
            raise Http404
        return get_object_or_404(
            PanelMember.objects.select_related("panel__stage__plan__cycle", "panel__leader"),
            pk=pk,
            expert=expert,
        )

    def page(self, request, member, form=None, status=200):
        panel = member.panel
        open_ = member.state == MemberState.INVITED and panel.stage.state != StageState.CLOSED
        return render(
            request,
            self.template_name,
            {
                "member": member,
                "panel": panel,
                "stage": panel.stage,
                "cycle": panel.stage.plan.cycle,
                "dossier_count": panel.dossiers.count(),
                "form": (form or InvitationAnswerForm()) if open_ else None,
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self.page(request, self.member(request, pk))

    def post(self, request, pk: int):
        member = self.member(request, pk)
        form = InvitationAnswerForm(request.POST)
        if not form.is_valid():
            return self.page(request, member, form)
        accept = form.cleaned_data["answer"] == "accept"
        try:
            member_answer(
                actor=request.user,
                member=member,
                accept=accept,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            member.refresh_from_db()
            return self.page(request, member)
        if accept:
            messages.success(
                request,
                _(
                    "You joined “%(panel)s”. Declare for each of its applications whether you "
                    "have a conflict of interest before you see it."
                )
                % {"panel": member.panel.name},
            )
        else:
            messages.success(request, _("You declined; the agency was told your reason."))
        return redirect("review:expert-home")


class DeclareView(ExpertPageMixin, View):
    """The declaration of one assignment (Art. 25): no conflict opens the application; a
    conflict recuses the expert from it at once and for good."""

    template_name = "review/expert/declare.html"

    def assignment(self, request, pk):
        expert = expert_of(request.user)
        if expert is None:
            raise Http404
        assignment = get_object_or_404(
            Assignment.objects.select_related(
                "stage__plan__cycle",
                "panel",
                "dossier__organisation",
                "dossier__individual",
            ),
            pk=pk,
            expert=expert,
        )
        if assignment.state in (AssignmentState.RECUSED, AssignmentState.WITHDRAWN):
            raise Http404
        return assignment

    def page(self, request, assignment, form=None):
        return render(
            request,
            self.template_name,
            {
                "assignment": assignment,
                "dossier": assignment.dossier,
                "stage": assignment.stage,
                "cycle": assignment.stage.plan.cycle,
                "form": form or DeclareForm(),
            },
        )

    def get(self, request, pk: int):
        assignment = self.assignment(request, pk)
        if assignment.state in READING_STATES:
            return redirect("review:sheet", assignment.pk)
        if not can_declare(request.user, assignment):
            raise Http404
        return self.page(request, assignment)

    def post(self, request, pk: int):
        assignment = self.assignment(request, pk)
        if assignment.state in READING_STATES:
            messages.info(request, _("You have declared for this application already."))
            return redirect("review:sheet", assignment.pk)
        form = DeclareForm(request.POST)
        if not form.is_valid():
            return self.page(request, assignment, form)
        conflicted = form.cleaned_data["has_conflict"] == "yes"
        try:
            conflict_declare(
                actor=request.user,
                assignment=assignment,
                has_conflict=conflicted,
                conflict_type=form.cleaned_data["conflict_type"] if conflicted else "",
                note=form.cleaned_data["note"],
                request=request,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(request, assignment, form)
        if conflicted:
            messages.success(
                request,
                _(
                    "You declared a conflict of interest with %(name)s and are recused from "
                    "this application in every stage. The agency and the office were told."
                )
                % {"name": assignment.dossier.applicant_name},
            )
            return redirect("review:expert-home")
        messages.success(
            request,
            _("You declared no conflict of interest; the application is open to you."),
        )
        return redirect("review:sheet", assignment.pk)
