"""The coordination office: rounds (the office's hub), the qualification queue, the check
of one dossier. The auditor reads the queue and the checks; only the office acts."""

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from award_portal.web.converters import id_from_input
from award_portal.web.editing import OptimisticEditMixin
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import Deadline, DeadlineStatus

from ..enums import CycleState, DossierState
from ..forms import (
    CancelForm,
    ChecklistForm,
    CycleForm,
    DecisionForm,
    MobiliserScopeForm,
    SupplementForm,
    TransitionForm,
)
from ..hub import round_stages
from ..models import Cycle, Dossier, MobiliserProfile
from ..permissions import can_check_dossier, can_view_trade_secret
from ..selectors import (
    TITLE_AWARDED_STATES,
    attach_clocks,
    cycle_list_for_office,
    dossier_queue_for_office,
)
from ..services.applicants import individual_reveal_id
from ..services.bans import ban_in_force
from ..services.cycles import (
    PAGE_TRANSITIONS,
    blocking_dossiers,
    cycle_actions,
    cycle_create,
    cycle_transition,
    cycle_update,
)
from ..services.dossiers import QUALIFICATION_CLOCK, dossier_checks
from ..services.mobilisers import mobiliser_set_scope
from ..services.qualification import (
    checklist_save,
    qualification_conclude_lapsed,
    qualification_decide,
    reply_deadline_passed,
    supplement_request,
)
from ..services.receipts import profile_changes_since, received_version
from .applicant import file_rows


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
    """The round as the office's hub: its stages as a timeline, each with its dates,
    its working-day clock, what is waiting, and its work one click away."""

    permission_required = "applications.view_cycle"
    template_name = "applications/office/cycle_detail.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return Cycle.objects.select_related("edition")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle, today = self.object, timezone.localdate()
        calendar = WorkdayCalendar.load()
        cycle.dossier_states = list(cycle.dossiers.values_list("state", flat=True))
        # a title revoked later was still awarded by the round: counted apart (Art. 28, 29)
        context["titles_awarded"] = sum(s in TITLE_AWARDED_STATES for s in cycle.dossier_states)
        context["titles_revoked"] = cycle.dossier_states.count(DossierState.REVOKED)
        cycle.overdue_clocks = Deadline.objects.filter(
            kind=QUALIFICATION_CLOCK,
            status=DeadlineStatus.OPEN,
            due_date__lt=today,
            subject_type__app_label="applications",
            subject_type__model="dossier",
            subject_id__in=[str(pk) for pk in cycle.dossiers.values_list("pk", flat=True)],
        ).count()
        context["stages"] = round_stages(cycle, today=today, calendar=calendar)
        context["actions"] = cycle_actions(cycle, self.request.user, today=today)
        context["transition_form"] = TransitionForm()
        # the expert review starts from the review's own page (review/), which refuses
        # while any of these lacks its final qualification outcome
        context["blocking"] = (
            list(blocking_dossiers(cycle)) if cycle.state == CycleState.QUALIFICATION else []
        )
        context["dossier_count"] = len(cycle.dossier_states)
        return context


class CycleTransitionView(RolePermissionRequiredMixin, View):
    """The one transition view of the cycle machine: a whitelist of names. Cancelling
    asks for confirmation on a page of its own."""

    permission_required = "applications.change_cycle"
    cancel_template = "applications/office/cycle_cancel.html"

    def get(self, request, pk: int, name: str):
        if name != "cancel":
            raise Http404
        cycle = get_object_or_404(Cycle, pk=pk)
        return render(request, self.cancel_template, {"cycle": cycle, "form": CancelForm()})

    def post(self, request, pk: int, name: str):
        if name not in PAGE_TRANSITIONS:
            raise Http404
        cycle = get_object_or_404(Cycle, pk=pk)
        if name == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                return render(request, self.cancel_template, {"cycle": cycle, "form": form})
        else:
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
                _("Done: the round is now “%(stage)s”.")
                % {"stage": Cycle.objects.get(pk=pk).get_state_display()},
            )
        return redirect("applications:cycle-detail", pk=pk)


class QueueView(RolePermissionRequiredMixin, ListView):
    """Received dossiers with their working-day clocks, oldest first. The office works
    it; the auditor reads it."""

    permission_required = "applications.view_dossier"
    template_name = "applications/office/queue.html"
    context_object_name = "dossiers"
    paginate_by = 100

    def get_queryset(self):
        state = self.request.GET.get("state")
        return dossier_queue_for_office(
            cycle_id=id_from_input(self.request.GET.get("cycle")),
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
        context["current_cycle"] = id_from_input(self.request.GET.get("cycle"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


class CheckView(RolePermissionRequiredMixin, View):
    """The checklist of one dossier as ONE form, the supplement notice, the decision.
    The office acts; the auditor reads the same page without the forms."""

    permission_required = "applications.view_dossier"
    template_name = "applications/office/check.html"

    def dispatch(self, request, *args, **kwargs):
        # the permission first: whoever may not read checks learns nothing of the dossier
        if not self.has_permission():
            return self.handle_no_permission()
        self.dossier = get_object_or_404(
            Dossier.objects.exclude(state=DossierState.DRAFT).select_related(
                "cycle__edition", "organisation", "individual", "decision_document"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        dossier, user = self.dossier, self.request.user
        recorded = {i.code: i for i in dossier.check_items.select_related("decided_by")}
        acting = can_check_dossier(user, dossier) and dossier.state == DossierState.SUBMITTED
        checklist = extra.pop("checklist", None) or ChecklistForm(
            dossier=dossier, recorded=recorded
        )
        codes = [item.code for item, _text, _found in checklist.rows]
        outcomes = [recorded[c].outcome for c in codes if c in recorded]
        complete = len(outcomes) == len(codes)
        version = received_version(dossier)
        files, hidden = file_rows(dossier, user)
        lapsed = (
            reply_deadline_passed(dossier)
            if dossier.state == DossierState.SUPPLEMENT_REQUESTED
            else None
        )
        ban = ban_in_force(organisation=dossier.organisation, individual=dossier.individual)
        return {
            "dossier": dossier,
            "ban": ban,
            "version": version,
            "applicant": version.applicant,
            "years": version.years,
            "changes": profile_changes_since(version),
            "receipts": version.receipts,
            "checklist": checklist,
            "rows": checklist.bound_rows(),
            "acting": acting,
            "can_act": can_check_dossier(user, dossier),
            "checks": dossier_checks(dossier, version),
            "notices": list(dossier.notices.select_related("document")),
            "files": files,
            "hidden_secret_files": hidden,
            "can_see_secrets": can_view_trade_secret(user, dossier),
            # the conclusion forms appear only when that conclusion is possible
            "can_supplement": acting and "supplement" in outcomes,
            "can_qualify": acting and complete and set(outcomes) == {"pass"} and ban is None,
            "can_disqualify": acting and "fail" in outcomes,
            "lapsed": lapsed if can_check_dossier(user, dossier) else None,
            "supplement_form": SupplementForm(),
            "decision_form": DecisionForm(),
            "declarations": version.declarations,
            "is_office": can_check_dossier(user, dossier),
            **extra,
        }

    def get(self, request, pk):
        return render(request, self.template_name, self.context())

    def post(self, request, pk):
        if not can_check_dossier(request.user, self.dossier):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action in ("checklist", "all_pass"):
                recorded = {i.code: i for i in self.dossier.check_items.all()}
                form = ChecklistForm(request.POST, dossier=self.dossier, recorded=recorded)
                if not form.is_valid():
                    return render(request, self.template_name, self.context(checklist=form))
                checklist_save(
                    actor=request.user,
                    dossier=self.dossier,
                    entries=form.entries(all_pass=action == "all_pass"),
                    request=request,
                )
                messages.success(request, _("The checklist is saved."))
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
            elif action == "lapsed":
                qualification_conclude_lapsed(
                    actor=request.user, dossier=self.dossier, request=request
                )
                messages.success(request, _("The decision was recorded and sent."))
            else:
                raise Http404
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("applications:check", pk=pk)


class RevealIdView(RolePermissionRequiredMixin, View):
    """Shows the full ID number of an individual dossier as received, to the office
    only, logging the reveal."""

    permission_required = "applications.check_dossier"

    def post(self, request, pk: int):
        dossier = get_object_or_404(
            Dossier.objects.filter(individual__isnull=False).select_related("individual"), pk=pk
        )
        version = received_version(dossier)
        number = individual_reveal_id(
            actor=request.user, individual=version.individual, request=request
        )
        # Never stored by a browser or proxy: PrivateNoStoreMiddleware, like every page
        # a signed-in person sees.
        return render(
            request,
            "applications/office/id_revealed.html",
            {"dossier": dossier, "individual": version.individual, "number": number},
        )


class MobiliserListView(RolePermissionRequiredMixin, View):
    """The office says what each mobilising department stands for (Art. 9)."""

    permission_required = "applications.change_mobiliserprofile"
    template_name = "applications/office/mobilisers.html"

    def page(self, request, form=None, form_user=None):
        users = User.objects.filter(groups__name=Role.MOBILISER).order_by("username")
        profiles = {p.user_id: p for p in MobiliserProfile.objects.filter(user__in=users)}
        rows = []
        for account in users:
            profile = profiles.get(account.pk)
            rows.append(
                (
                    account,
                    profile,
                    form
                    if form_user == account.pk
                    else MobiliserScopeForm(
                        prefix=f"m{account.pk}",
                        initial={
                            "scope": profile.scope if profile else "sector",
                            "sector": profile.sector if profile else "",
                            "district": profile.district if profile else "",
                        },
                    ),
                )
            )
        return render(request, self.template_name, {"rows": rows})

    def get(self, request):
        return self.page(request)

    def post(self, request):
        account_id = id_from_input(request.POST.get("account"))
        if account_id is None:
            raise Http404
        user = get_object_or_404(User, pk=account_id, groups__name=Role.MOBILISER)
        form = MobiliserScopeForm(request.POST, prefix=f"m{user.pk}")
        if not form.is_valid():
            return self.page(request, form=form, form_user=user.pk)
        try:
            mobiliser_set_scope(
                actor=request.user,
                user=user,
                scope=form.cleaned_data["scope"],
                sector=form.cleaned_data["sector"],
                district=form.cleaned_data["district"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(request, form=form, form_user=user.pk)
        messages.success(request, _("Saved."))
        return redirect("applications:mobilisers")
