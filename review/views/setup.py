"""Setting up a round's expert review: review agencies and their accounts (the office),
the engagement of an agency for a round, the expert pool (the office and each agency),
the review plan and its start (the office), and the criteria sets.

Role pages answer 403 to a role without the permission; a round or an expert the user
may not know of answers 404 (an agency sees only the rounds it is engaged for and the
experts of its own pool).
"""

from __future__ import annotations

import os
from copy import copy
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from django_filters.views import FilterView

from applications.enums import Category, CycleState, Sector
from applications.models import Cycle
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.documents.files import attachment_response
from award_portal.workdays.engine import WorkdayCalendar

from ..enums import CriterionKind, StageKind
from ..forms.setup import (
    AgencyAccountForm,
    AgencyForm,
    CriteriaCopyForm,
    CriteriaSetForm,
    EngagementForm,
    ExpertCreateForm,
    ExpertFilter,
    ExpertForm,
    FormerEmployerFormSet,
    PlanForm,
    former_initial,
    stage_forms,
    stages_from_forms,
)
from ..models import CriteriaSet, Engagement, ReviewAgency, ReviewPlan, ReviewStage
from ..permissions import agency_of, can_keep_expert, can_view_review, is_office, oversees_review
from ..selectors import expert_history, experts_visible_to, plan_of
from ..services.agencies import (
    agency_account_create,
    agency_save,
    engagement_contract_open,
    engagement_save,
    expert_create,
    expert_update,
)
from ..services.criteria import (
    can_edit_criteria,
    criteria_copy,
    criteria_digest,
    criteria_problems,
    criteria_save,
    criteria_table,
)
from ..services.plans import (
    default_criteria,
    plan_fit,
    plan_save,
    review_start,
    review_start_preview,
    review_start_problem,
    suggested_stages,
)


def add_service_error(form, error: ValidationError) -> None:
    """A service's refusal onto the form: beside the field it names when the form has
    that field, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error)


def parse_token(value: str | None):
    """The hidden ``updated_at`` an edit form was opened with (None when empty); a
    tampered value is a message, never a server error."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("The form is out of date. Reload the page and try again."))
    return parsed


def yuan(amount: Decimal | None) -> str:
    """98,000.00: a contract amount as a finance office writes it."""
    return "" if amount is None else f"{Decimal(amount):,.2f}"


def visible_cycle(request, pk: int) -> Cycle:
    """The round, when the user may see its review (the office, the auditor, the engaged
    agency); a 404 for everybody else, whether or not the round exists."""
    cycle = get_object_or_404(Cycle.objects.select_related("edition", "engagement__agency"), pk=pk)
    if not can_view_review(request.user, cycle):
        raise Http404
    return cycle


def sector_labels() -> dict[str, str]:
    return {s.value: f"{s.value} {s.label}" for s in Sector}


def category_labels() -> dict[str, str]:
    return {c.value: str(c.label) for c in Category}


# --- review agencies (the office; the auditor reads) ---------------------------------


@method_decorator(never_cache, name="dispatch")
class AgencyListView(RolePermissionRequiredMixin, ListView):
    permission_required = "review.view_reviewagency"
    template_name = "review/setup/agency_list.html"
    context_object_name = "agencies"

    def get_queryset(self):
        return ReviewAgency.objects.annotate(
            accounts=Count("staff", distinct=True), rounds=Count("engagements", distinct=True)
        ).order_by("name")


class AgencyCreateView(RolePermissionRequiredMixin, View):
    permission_required = "review.add_reviewagency"
    template_name = "review/setup/agency_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AgencyForm()})

    def post(self, request):
        form = AgencyForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "updated_at"}
            try:
                agency = agency_save(actor=request.user, data=data, request=request)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The review agency is recorded."))
                return redirect("review:agency-detail", pk=agency.pk)
        return render(request, self.template_name, {"form": form})


@method_decorator(never_cache, name="dispatch")
class AgencyDetailView(RolePermissionRequiredMixin, View):
    """The agency's record, its accounts and the rounds it served. The office corrects
    the record here; the auditor reads it."""

    permission_required = "review.view_reviewagency"
    template_name = "review/setup/agency_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.agency = get_object_or_404(ReviewAgency, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, form=None):
        agency, user = self.agency, self.request.user
        editing = user.has_perm("review.change_reviewagency")
        if editing and form is None:
            form = AgencyForm(
                instance=agency, initial={"updated_at": agency.updated_at.isoformat()}
            )
        return render(
            self.request,
            self.template_name,
            {
                "agency": agency,
                "form": form if editing else None,
                "accounts": agency.agencystaff_set.select_related("user").order_by(
                    "user__display_name"
                ),
                "engagements": agency.engagements.select_related("cycle").order_by(
                    "-cycle__announcement_date"
                ),
                "experts": agency.experts.count(),
                "can_add_account": user.has_perm("review.add_reviewagency"),
            },
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        if not request.user.has_perm("review.change_reviewagency"):
            raise PermissionDenied
        form = AgencyForm(request.POST, instance=ReviewAgency.objects.get(pk=self.agency.pk))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "updated_at"}
            try:
                agency_save(
                    actor=request.user,
                    agency=self.agency,
                    data=data,
                    expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("review:agency-detail", pk=pk)
        return self.page(form)


class AgencyAccountCreateView(RolePermissionRequiredMixin, View):
    """An account for a person of the agency: the new user chooses a password through
    the link e-mailed to them."""

    permission_required = "review.add_reviewagency"
    template_name = "review/setup/agency_account_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.agency = get_object_or_404(ReviewAgency, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return render(
            request, self.template_name, {"agency": self.agency, "form": AgencyAccountForm()}
        )

    def post(self, request, pk):
        form = AgencyAccountForm(request.POST)
        if form.is_valid():
            try:
                user = agency_account_create(
                    actor=request.user,
                    agency=self.agency,
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    display_name=form.cleaned_data["display_name"],
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The account “%(username)s” is created; a link to choose a password "
                        "was sent to %(email)s."
                    )
                    % {"username": user.username, "email": user.email},
                )
                return redirect("review:agency-detail", pk=pk)
        return render(request, self.template_name, {"agency": self.agency, "form": form})


# --- the engagement of a round (the office records; the auditor and the agency read) --


@method_decorator(never_cache, name="dispatch")
class EngagementView(RolePermissionRequiredMixin, View):
    permission_required = "review.view_reviewplan"
    template_name = "review/setup/engagement.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.cycle = visible_cycle(request, kwargs["cycle"])
        return super().dispatch(request, *args, **kwargs)

    def editable(self) -> bool:
        return is_office(self.request.user) and self.cycle.state != CycleState.CANCELLED

    def engagement(self) -> Engagement | None:
        return (
            Engagement.objects.select_related("agency", "recorded_by")
            .filter(cycle=self.cycle)
            .first()
        )

    def agency_fixed(self, engagement) -> bool:
        return engagement is not None and self.cycle.review_started_at is not None

    def page(self, form=None):
        engagement = self.engagement()
        if self.editable() and form is None:
            form = EngagementForm(
                instance=engagement,
                initial={"updated_at": engagement.updated_at.isoformat()} if engagement else {},
                agency_fixed=self.agency_fixed(engagement),
            )
        return render(
            self.request,
            self.template_name,
            {
                "cycle": self.cycle,
                "engagement": engagement,
                "amount": yuan(engagement.amount_yuan) if engagement else "",
                "form": form if self.editable() else None,
                "no_agency_yet": not ReviewAgency.objects.exists(),
                "is_office": is_office(self.request.user),
            },
        )

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        if not self.editable():
            raise PermissionDenied
        engagement = self.engagement()
        form = EngagementForm(
            request.POST,
            request.FILES,
            instance=engagement,
            agency_fixed=self.agency_fixed(engagement),
        )
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("updated_at", "contract_upload")
            }
            try:
                engagement_save(
                    actor=request.user,
                    cycle=self.cycle,
                    data=data,
                    contract_upload=form.cleaned_data.get("contract_upload"),
                    expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The engagement of the review agency is saved."))
                return redirect("review:engagement", cycle=cycle)
        return self.page(form)


class EngagementContractView(RolePermissionRequiredMixin, View):
    """The contract scan, for the office, the auditor and the engaged agency only; every
    download is logged and never cached."""

    permission_required = "review.view_reviewplan"

    def get(self, request, cycle):
        cycle = visible_cycle(request, cycle)
        engagement = Engagement.objects.filter(cycle=cycle).first()
        if engagement is None or not engagement.contract_scan:
            raise Http404
        engagement_contract_open(actor=request.user, engagement=engagement, request=request)
        stem = os.path.splitext(os.path.basename(engagement.contract_name))[0] or "contract"
        extension = os.path.splitext(engagement.contract_scan.name)[1]
        response = attachment_response(
            engagement.contract_scan,
            filename=f"{stem}{extension}",
            content_type=engagement.contract_content_type or "application/octet-stream",
        )
        add_never_cache_headers(response)
        return response


# --- the expert pool (the office: all; an agency: its own) ---------------------------


@method_decorator(never_cache, name="dispatch")
class ExpertListView(RolePermissionRequiredMixin, FilterView):
    permission_required = "review.view_expert"
    filterset_class = ExpertFilter
    template_name = "review/setup/expert_list.html"
    context_object_name = "experts"
    paginate_by = 50
    strict = False  # an invalid filter shows its message and the whole pool

    def get_queryset(self):
        return experts_visible_to(self.request.user).order_by("name", "id")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["choose_pool"] = oversees_review(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        context["sector_labels"] = sector_labels()
        context["overseer"] = oversees_review(self.request.user)
        context["can_add"] = self.request.user.has_perm("review.add_expert") and (
            is_office(self.request.user) or agency_of(self.request.user) is not None
        )
        context["agency"] = agency_of(self.request.user)
        return context


class ExpertPoolMixin(RolePermissionRequiredMixin):
    """An agency account that belongs to no agency keeps no pool."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        if not is_office(request.user) and agency_of(request.user) is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class ExpertCreateView(ExpertPoolMixin, View):
    permission_required = "review.add_expert"
    template_name = "review/setup/expert_form.html"

    def page(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "expert": None,
                "agency": agency_of(self.request.user),
            },
        )

    def get(self, request):
        form = ExpertCreateForm(choose_pool=is_office(request.user))
        formset = FormerEmployerFormSet(prefix="former", initial=former_initial(None))
        return self.page(form, formset)

    def post(self, request):
        form = ExpertCreateForm(request.POST, choose_pool=is_office(request.user))
        formset = FormerEmployerFormSet(request.POST, prefix="former")
        if form.is_valid() and formset.is_valid():
            data = {
                name: form.cleaned_data[name]
                for name in ExpertForm.Meta.fields
                if name in form.cleaned_data
            }
            try:
                expert = expert_create(
                    actor=request.user,
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    data=data,
                    agency=form.cleaned_data.get("pool"),
                    former=formset.rows(),
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is in the pool; a link to choose a password was sent to %(email)s.")
                    % {"name": expert.name, "email": expert.user.email},
                )
                return redirect("review:expert-detail", pk=expert.pk)
        return self.page(form, formset)


@method_decorator(never_cache, name="dispatch")
class ExpertDetailView(RolePermissionRequiredMixin, View):
    """The expert's record; for the office and the auditor also the history: rounds
    served, dossiers scored, recusals."""

    permission_required = "review.view_expert"
    template_name = "review/setup/expert_detail.html"

    def get(self, request, pk):
        expert = get_object_or_404(experts_visible_to(request.user), pk=pk)
        history = expert_history(expert) if oversees_review(request.user) else None
        return render(
            request,
            self.template_name,
            {
                "expert": expert,
                "former": expert.former_employers.all(),
                "sectors": [sector_labels().get(s, s) for s in expert.sectors],
                "categories": [category_labels().get(c, c) for c in expert.categories],
                "history": history,
                "can_edit": request.user.has_perm("review.change_expert")
                and can_keep_expert(request.user, expert),
            },
        )


@method_decorator(never_cache, name="dispatch")
class ExpertEditView(RolePermissionRequiredMixin, View):
    permission_required = "review.change_expert"
    template_name = "review/setup/expert_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.expert = get_object_or_404(experts_visible_to(request.user), pk=kwargs["pk"])
        if not can_keep_expert(request.user, self.expert):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "expert": self.expert},
        )

    def get(self, request, pk):
        form = ExpertForm(
            instance=self.expert, initial={"updated_at": self.expert.updated_at.isoformat()}
        )
        formset = FormerEmployerFormSet(prefix="former", initial=former_initial(self.expert))
        return self.page(form, formset)

    def post(self, request, pk):
        form = ExpertForm(request.POST, instance=type(self.expert).objects.get(pk=pk))
        formset = FormerEmployerFormSet(request.POST, prefix="former")
        if form.is_valid() and formset.is_valid():
            data = {name: form.cleaned_data[name] for name in ExpertForm.Meta.fields}
            try:
                expert_update(
                    actor=request.user,
                    expert=self.expert,
                    data=data,
                    former=formset.rows(),
                    expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("review:expert-detail", pk=pk)
        return self.page(form, formset)


# --- the review plan and its start (the office; the auditor and the agency read) -----


def _stage_initial(plan: ReviewPlan | None, suggestions: list[dict]) -> dict[str, dict]:
    if plan is not None:
        saved = {
            stage.kind: {
                "include": True,
                "position": stage.position,
                **{name: getattr(stage, name) for name in STAGE_VALUES},
            }
            for stage in plan.stages.all()
        }
        defaults = {s["kind"]: s for s in suggestions}
        for kind in StageKind.values:
            saved.setdefault(
                kind,
                {
                    "include": False,
                    "position": len(saved) + 1,
                    **{k: v for k, v in defaults.get(kind, {}).items() if k != "kind"},
                },
            )
        return saved
    return {
        s["kind"]: {"include": True, "position": index, **s}
        for index, s in enumerate(suggestions, start=1)
    }


STAGE_VALUES = [
    "starts_on",
    "ends_on",
    "min_panel_size",
    "aggregation",
    "trim_k",
    "dispersion_threshold",
    "advance_rule",
    "advance_n",
    "advance_threshold",
    "weight",
]


def stage_table(stages) -> list[tuple]:
    """The stage sub-forms as a table: one row per field, one column per stage."""
    first = stages[0]
    return [
        (first[name].label, first.fields[name].help_text, [form[name] for form in stages])
        for name in first.fields
    ]


class PlanView(RolePermissionRequiredMixin, View):
    """The round's review plan. The office enters it until the review starts; from then
    on it is frozen and everybody reads it. The page measures the plan against the
    review's working-day clock (Art. 18)."""

    permission_required = "review.view_reviewplan"
    template_name = "review/setup/plan.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.cycle = visible_cycle(request, kwargs["cycle"])
        self.plan = plan_of(self.cycle)
        return super().dispatch(request, *args, **kwargs)

    def editable(self) -> bool:
        return (
            is_office(self.request.user)
            and self.cycle.state != CycleState.CANCELLED
            and self.cycle.review_started_at is None
            and (self.plan is None or not self.plan.is_frozen)
        )

    def page(self, form=None, stages=None, problems=None, entered=None):
        cycle, plan = self.cycle, self.plan
        calendar = WorkdayCalendar.load()
        editing = self.editable()
        # the office is offered the default stages: all of them for a new plan, the
        # values of a stage left out of a saved one
        suggestions = suggested_stages(cycle, calendar=calendar) if editing else []
        if editing and form is None:
            initial = {
                "criteria_organisation": default_criteria("organisation"),
                "criteria_individual": default_criteria("individual")
                if cycle.quota_individual
                else None,
                "load_limit": 8,
                "conflict_lookback_years": cycle.edition.exclusion_lookback_years,
            }
            if plan is not None:
                initial = {
                    "criteria_organisation": plan.criteria_organisation,
                    "criteria_individual": plan.criteria_individual,
                    "load_limit": plan.load_limit,
                    "conflict_lookback_years": plan.conflict_lookback_years,
                    "updated_at": plan.updated_at.isoformat(),
                }
            form = PlanForm(initial=initial)
            stages = stage_forms(initial=_stage_initial(plan, suggestions))
        # the clock: the saved plan, else what the office entered or is offered
        suggested = False
        if entered is not None:
            fit = plan_fit(plan or ReviewPlan(cycle=cycle), calendar=calendar, stages=entered)
        elif plan is not None:
            fit = plan_fit(plan, calendar=calendar)
        else:  # no plan yet: the suggestion (the office) or the bare clock (readers)
            shown = [ReviewStage(**s) for s in suggestions if s.get("starts_on")]
            fit = plan_fit(ReviewPlan(cycle=cycle), calendar=calendar, stages=shown)
            suggested = bool(shown)
        return render(
            self.request,
            self.template_name,
            {
                "cycle": cycle,
                "plan": plan,
                "form": form if editing else None,
                "stages": stages if editing else None,
                "stage_table": stage_table(stages) if editing else None,
                "problems": problems or [],
                "fit": fit,
                "suggested": suggested,
                "individuals": bool(cycle.quota_individual),
                "can_start": is_office(self.request.user)
                and cycle.state == CycleState.QUALIFICATION
                and plan is not None,
                "is_office": is_office(self.request.user),
            },
        )

    def get(self, request, cycle):
        return self.page()

    def post(self, request, cycle):
        if not self.editable():
            if not is_office(request.user):
                raise PermissionDenied
            if self.cycle.state == CycleState.CANCELLED:
                messages.error(request, _("The round is cancelled."))
            else:
                messages.error(
                    request,
                    _("The review has started: its plan is frozen and can no longer be changed."),
                )
            return redirect("review:plan", cycle=cycle)
        initial = _stage_initial(self.plan, [])
        form = PlanForm(request.POST)
        stages = stage_forms(request.POST, initial=initial)
        valid = form.is_valid() & all([s.is_valid() for s in stages])
        problems: list[str] = []
        # the clock beside a refused plan: the saved plan, or no stages yet
        entered = None if self.plan is not None else []
        if valid:
            try:
                rows = stages_from_forms(stages)
                entered = [ReviewStage(**row) for row in rows] or entered
                plan_save(
                    actor=request.user,
                    cycle=self.cycle,
                    data={k: v for k, v in form.cleaned_data.items() if k != "updated_at"},
                    stages=rows,
                    expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                    request=request,
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, _("The review plan is saved."))
                return redirect("review:plan", cycle=cycle)
        else:
            problems = [_("Please correct the marked fields.")]
        return self.page(form=form, stages=stages, problems=problems, entered=entered)


class ReviewStartView(RolePermissionRequiredMixin, View):
    """The office starts the expert review: what will happen, then one button."""

    permission_required = "review.change_reviewplan"
    template_name = "review/setup/review_start.html"

    def get(self, request, cycle):
        cycle = get_object_or_404(Cycle.objects.select_related("edition"), pk=cycle)
        problem = review_start_problem(cycle)
        return render(
            request,
            self.template_name,
            {
                "cycle": cycle,
                "problem": problem,
                "preview": None if problem else review_start_preview(cycle),
            },
        )

    def post(self, request, cycle):
        cycle = get_object_or_404(Cycle, pk=cycle)
        try:
            review_start(actor=request.user, cycle=cycle, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("review:review-start", cycle=cycle.pk)
        messages.success(request, _("The expert review has started; the plan is frozen."))
        return redirect("review:plan", cycle=cycle.pk)


# --- criteria sets (the office edits copies; others read) ----------------------------


class CriteriaListView(RolePermissionRequiredMixin, ListView):
    permission_required = "review.view_criteriaset"
    template_name = "review/setup/criteria_list.html"
    context_object_name = "sets"

    def get_queryset(self):
        return (
            CriteriaSet.objects.select_related("copied_from")
            .annotate(
                categories=Count("criteria", filter=Q(criteria__parent__isnull=True)),
                items=Count("criteria", filter=Q(criteria__parent__isnull=False)),
                total=Sum("criteria__points", filter=Q(criteria__parent__isnull=True)),
            )
            .order_by("applicant_kind", "code", "-created_at", "-id")
        )


def _kind_totals(rows) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.category.kind] = totals.get(row.category.kind, 0) + row.category.points
    return [(str(CriterionKind(kind).label), points) for kind, points in totals.items()]


def _bands_by_kind(criteria_set: CriteriaSet) -> list[tuple[str, list]]:
    grouped: dict[str, list] = {}
    for band in criteria_set.bands.order_by("kind", "low"):
        grouped.setdefault(band.kind, []).append(band)
    return [(str(CriterionKind(kind).label), bands) for kind, bands in grouped.items()]


class CriteriaDetailView(RolePermissionRequiredMixin, View):
    permission_required = "review.view_criteriaset"
    template_name = "review/setup/criteria_detail.html"

    def get(self, request, pk):
        criteria_set = get_object_or_404(
            CriteriaSet.objects.select_related("copied_from", "created_by"), pk=pk
        )
        rows = criteria_table(criteria_set)
        office = request.user.has_perm("review.add_criteriaset") and is_office(request.user)
        return render(
            request,
            self.template_name,
            {
                "set": criteria_set,
                "rows": rows,
                "total": sum(row.category.points for row in rows),
                "item_count": sum(len(row.items) or 1 for row in rows),
                "kind_totals": _kind_totals(rows),
                "problems": criteria_problems(rows),
                "bands": _bands_by_kind(criteria_set),
                "can_copy": office,
                "can_edit": office and can_edit_criteria(criteria_set),
            },
        )


class CriteriaOfficeMixin(RolePermissionRequiredMixin):
    # the office's role carries add_criteriaset: copying and editing a copy are one job
    permission_required = "review.add_criteriaset"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        if not is_office(request.user):
            raise PermissionDenied
        self.criteria_set = get_object_or_404(CriteriaSet, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class CriteriaCopyView(CriteriaOfficeMixin, View):
    template_name = "review/setup/criteria_copy.html"

    def get(self, request, pk):
        form = CriteriaCopyForm(initial={"name": self.criteria_set.name})
        return render(request, self.template_name, {"set": self.criteria_set, "form": form})

    def post(self, request, pk):
        form = CriteriaCopyForm(request.POST)
        if form.is_valid():
            try:
                new_set = criteria_copy(
                    actor=request.user,
                    source=self.criteria_set,
                    version=form.cleaned_data["version"],
                    name=form.cleaned_data["name"],
                    request=request,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Copied as version %(version)s. Edit it below.")
                    % {"version": new_set.version},
                )
                return redirect("review:criteria-edit", pk=new_set.pk)
        return render(request, self.template_name, {"set": self.criteria_set, "form": form})


class CriteriaEditView(CriteriaOfficeMixin, View):
    """Names, points and band texts of an office copy, in one form. "Recompute" shows the
    totals of what was typed without saving; saving refuses a table that does not add
    up."""

    template_name = "review/setup/criteria_edit.html"

    def rows_and_bands(self):
        criteria = list(self.criteria_set.criteria.order_by("position", "id"))
        bands = list(self.criteria_set.bands.order_by("kind", "low"))
        return criteria, bands

    def page(self, form, criteria, problems=None, typed=None):
        rows = criteria_table(self.criteria_set, typed or criteria)
        band_groups: dict[str, list] = {}
        for band in form.band_rows:
            band_groups.setdefault(band.kind, []).append((band, *form.band_fields(band)))
        return render(
            self.request,
            self.template_name,
            {
                "set": self.criteria_set,
                "form": form,
                "set_fields": [form[name] for name in ("name", "version", "source", "note")],
                "rows": [
                    (
                        row,
                        form.criterion_fields(row.category),
                        [(item, form.criterion_fields(item)) for item in row.items],
                    )
                    for row in rows
                ],
                "total": sum(row.category.points for row in rows),
                "problems": problems if problems is not None else criteria_problems(rows),
                "band_groups": [
                    (str(CriterionKind(kind).label), items) for kind, items in band_groups.items()
                ],
            },
        )

    def get(self, request, pk):
        if not can_edit_criteria(self.criteria_set):
            messages.warning(request, self.read_only_reason())
            return redirect("review:criteria-detail", pk=pk)
        criteria, bands = self.rows_and_bands()
        form = CriteriaSetForm(
            instance=self.criteria_set,
            criteria=criteria,
            bands=bands,
            initial={"digest": criteria_digest(self.criteria_set)},
        )
        return self.page(form, criteria)

    def read_only_reason(self) -> str:
        if self.criteria_set.is_locked:
            return _("This set is used by a review that has started; it can no longer be changed.")
        return _("A shipped set stays as published. Copy it as a new version to change it.")

    def post(self, request, pk):
        if not can_edit_criteria(self.criteria_set):
            messages.error(request, self.read_only_reason())
            return redirect("review:criteria-detail", pk=pk)
        criteria, bands = self.rows_and_bands()
        form = CriteriaSetForm(
            request.POST,
            instance=CriteriaSet.objects.get(pk=pk),
            criteria=criteria,
            bands=bands,
        )
        if not form.is_valid():
            return self.page(form, criteria, problems=[_("Please correct the marked fields.")])
        # the table as typed, for the totals beside it (never saved from here)
        typed = [_typed(criterion, form.criteria_data()[criterion.pk]) for criterion in criteria]
        if request.POST.get("action") == "check":
            return self.page(form, criteria, typed=typed)
        try:
            criteria_save(
                actor=request.user,
                criteria_set=self.criteria_set,
                data=form.set_data(),
                criteria=form.criteria_data(),
                bands=form.band_data(),
                expected_digest=form.cleaned_data["digest"] or None,
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):  # the version: beside its field
                add_service_error(form, error)
                return self.page(form, criteria, problems=[], typed=typed)
            return self.page(form, criteria, problems=error.messages, typed=typed)
        messages.success(request, _("The criteria set is saved."))
        return redirect("review:criteria-detail", pk=pk)


def _typed(criterion, values: dict):
    row = copy(criterion)
    for name, value in values.items():
        setattr(row, name, value)
    return row
