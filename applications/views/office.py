"""The coordination office: cycles, the qualification queue, the check of one dossier."""

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView

from award_portal.accounts.enums import Role
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.accounts.models import User
from award_portal.rules.plan import cycle_plan
from award_portal.web.editing import OptimisticEditMixin
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from ..declarations import ITEMS, checklist_for
from ..enums import DossierState, Sector
from ..forms import CheckItemForm, CycleForm, DecisionForm, SupplementForm, TransitionForm
from ..models import Cycle, Dossier, Individual, MobiliserProfile
from ..selectors import attach_clocks, cycle_list_for_office, dossier_queue_for_office
from ..services.applicants import individual_reveal_id
from ..services.cycles import (
    TRANSITIONS,
    cycle_actions,
    cycle_create,
    cycle_transition,
    cycle_update,
)
from ..services.dossiers import dossier_checks
from ..services.mobilisers import mobiliser_set_sector
from ..services.qualification import check_item_record, qualification_decide, supplement_request


class CycleListView(RolePermissionRequiredMixin, ListView):
    permission_required = "applications.view_cycle"
    template_name = "applications/office/cycle_list.html"
    context_object_name = "cycles"

    def get_queryset(self):
        return cycle_list_for_office()


class CycleCreateView(RolePermissionRequiredMixin, CreateView):
    permission_required = "applications.add_cycle"
    template_name = "applications/office/cycle_form.html"
    form_class = CycleForm

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "updated_at"}
        try:
            cycle = cycle_create(actor=self.request.user, data=data, request=self.request)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("applications:cycle-detail", pk=cycle.pk)


class CycleEditView(RolePermissionRequiredMixin, OptimisticEditMixin, FormView):
    permission_required = "applications.change_cycle"
    template_name = "applications/office/cycle_form.html"
    form_class = CycleForm

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Cycle, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.object, **kwargs)

    def save(self, data, expected_updated_at):
        cycle_update(
            actor=self.request.user,
            cycle=self.object,
            data=data,
            request=self.request,
            expected_updated_at=expected_updated_at,
        )

    def get_success_url(self):
        return reverse("applications:cycle-detail", args=[self.object.pk])


class CycleDetailView(RolePermissionRequiredMixin, DetailView):
    permission_required = "applications.view_cycle"
    template_name = "applications/office/cycle_detail.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return Cycle.objects.select_related("edition")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle, today = self.object, timezone.localdate()
        calendar = WorkdayCalendar.load()
        context["actions"] = cycle_actions(cycle, self.request.user, today=today)
        context["transition_form"] = TransitionForm()
        if cycle.announcement_date:
            context["plan"] = cycle_plan(
                edition=cycle.edition, announcement=cycle.announcement_date, calendar=calendar
            )
        if cycle.application_deadline and cycle.application_deadline >= today:
            try:
                context["days_left"] = calendar.between(today, cycle.application_deadline)
            except ScheduleUnknown as error:
                context["days_left_error"] = error.message
        context["dossier_states"] = (
            cycle.dossiers.values_list("state", flat=True) if cycle.pk else []
        )
        return context


class CycleTransitionView(RolePermissionRequiredMixin, View):
    """The one transition view of the cycle machine: a whitelist of names."""

    permission_required = "applications.change_cycle"

    def post(self, request, pk: int, name: str):
        if name not in TRANSITIONS:
            raise Http404
        cycle = get_object_or_404(Cycle, pk=pk)
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            cycle_transition(
                actor=request.user,
                cycle=cycle,
                name=name,
                reason=form.cleaned_data.get("reason", ""),
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Done: the cycle is now “%(stage)s”.")
                % {"stage": Cycle.objects.get(pk=pk).get_state_display()},
            )
        return redirect("applications:cycle-detail", pk=pk)


class QueueView(RolePermissionRequiredMixin, ListView):
    """Received dossiers with their 10-working-day clocks, oldest first."""

    permission_required = "applications.check_dossier"
    template_name = "applications/office/queue.html"
    context_object_name = "dossiers"
    paginate_by = 100

    def get_queryset(self):
        cycle = self.request.GET.get("cycle")
        state = self.request.GET.get("state")
        return dossier_queue_for_office(
            cycle_id=int(cycle) if cycle and cycle.isdigit() else None,
            state=state if state in DossierState.values else None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        calendar = WorkdayCalendar.load()
        dossiers = attach_clocks(list(context["page_obj"].object_list))
        for dossier in dossiers:  # working days left on the clock, when computable
            dossier.days_left = None
            if dossier.clock_due and dossier.clock_due >= today:
                with contextlib.suppress(ScheduleUnknown):  # pending: shown without a count
                    dossier.days_left = calendar.between(today, dossier.clock_due)
        context["dossiers"] = dossiers
        context["today"] = today
        context["states"] = [s for s in DossierState if s != DossierState.DRAFT]
        context["cycles"] = Cycle.objects.exclude(state="draft").only("id", "name")
        context["current_state"] = self.request.GET.get("state", "")
        return context


class CheckView(RolePermissionRequiredMixin, View):
    """The checklist of one dossier, the supplement notice and the decision."""

    permission_required = "applications.check_dossier"
    template_name = "applications/office/check.html"

    def dispatch(self, request, *args, **kwargs):
        self.dossier = get_object_or_404(
            Dossier.objects.exclude(state=DossierState.DRAFT).select_related(
                "cycle__edition", "organisation", "individual"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        dossier = self.dossier
        recorded = {i.code: i for i in dossier.check_items.select_related("decided_by")}
        rows = []
        for item in checklist_for(dossier.kind):
            found = recorded.get(item.code)
            rows.append(
                {
                    "item": item,
                    "found": found,
                    "form": CheckItemForm(
                        prefix=item.code,
                        initial={
                            "code": item.code,
                            "outcome": found.outcome if found else None,
                            "note": found.note if found else "",
                        },
                    ),
                }
            )
        return {
            "dossier": dossier,
            "rows": rows,
            "checks": dossier_checks(dossier),
            "notices": list(dossier.notices.all()),
            "files": list(dossier.files.all()),
            "supplement_form": SupplementForm(),
            "decision_form": DecisionForm(),
            "declarations": dossier.declarations or {},
            "items": ITEMS,
            **extra,
        }

    def get(self, request, pk):
        return render(request, self.template_name, self.context())

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "item":
                code = request.POST.get("code", "")
                form = CheckItemForm(request.POST, prefix=code)
                if not form.is_valid():
                    raise ValidationError(_("Choose pass, fail or needs supplement."))
                check_item_record(
                    actor=request.user,
                    dossier=self.dossier,
                    code=code,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            elif action == "supplement":
                form = SupplementForm(request.POST)
                if not form.is_valid():
                    return render(request, self.template_name, self.context(supplement_form=form))
                supplement_request(
                    actor=request.user,
                    dossier=self.dossier,
                    reply_working_days=form.cleaned_data["reply_working_days"],
                    reason_for_another=form.cleaned_data["reason_for_another"],
                    request=request,
                )
                messages.success(request, _("The supplement notice was sent."))
            elif action == "decide":
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    return render(request, self.template_name, self.context(decision_form=form))
                qualification_decide(
                    actor=request.user,
                    dossier=self.dossier,
                    qualified=form.cleaned_data["qualified"] == "yes",
                    reasons=form.cleaned_data["reasons"],
                    request=request,
                )
                messages.success(request, _("The decision was recorded and sent."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("applications:check", pk=pk)


class RevealIdView(RolePermissionRequiredMixin, View):
    """Shows the full ID number once, to the office, logging the reveal."""

    permission_required = "applications.check_dossier"

    def post(self, request, pk: int):
        individual = get_object_or_404(Individual, pk=pk)
        number = individual_reveal_id(actor=request.user, individual=individual, request=request)
        return render(
            request,
            "applications/office/id_revealed.html",
            {"individual": individual, "number": number},
        )


class MobiliserListView(RolePermissionRequiredMixin, View):
    permission_required = "applications.change_mobiliserprofile"
    template_name = "applications/office/mobilisers.html"

    def get(self, request):
        users = User.objects.filter(groups__name=Role.MOBILISER).order_by("username")
        profiles = {p.user_id: p for p in MobiliserProfile.objects.filter(user__in=users)}
        return render(
            request,
            self.template_name,
            {"rows": [(u, profiles.get(u.pk)) for u in users], "sectors": Sector.choices},
        )

    def post(self, request):
        user = get_object_or_404(User, pk=request.POST.get("user"), groups__name=Role.MOBILISER)
        try:
            mobiliser_set_sector(
                actor=request.user,
                user=user,
                sector=request.POST.get("sector", ""),
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("applications:mobilisers")
