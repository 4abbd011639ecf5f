"""The review plan of a round, starting the review, and opening and closing its stages.

The plan is the office's procedure (实施细则, Art. 8(1)): entered as data before the
review starts, frozen when it starts. The Measures fix only the stages' nature and the
working-day limit (Art. 18, the edition's ``review_max_wd``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier
from applications.services.cycles import cycle_transition, guard_problem
from applications.services.dossiers import dossier_review_conclude, dossier_review_start
from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import shown_day
from award_portal.notifications.services import notification_links_close, notify
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from .. import aggregation
from ..enums import AdvanceRule, Aggregation, AssignmentState, StageKind, StageState
from ..models import CriteriaSet, PanelDossier, ReviewPlan, ReviewStage, StageResult
from ..permissions import is_office

REVIEW_CLOCK = "review_clock"
STAGE_CLOCK = "review_stage_end"

PLAN_FIELDS = [
    "criteria_organisation",
    "criteria_individual",
    "load_limit",
    "conflict_lookback_years",
]
STAGE_FIELDS = [
    "kind",
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
STAGE_DEFAULT_VALUES = {
    "min_panel_size": 3,
    "trim_k": 1,
    "dispersion_threshold": 30,
    "advance_rule": AdvanceRule.ALL,
    "advance_n": None,
    "advance_threshold": None,
}
DEFAULT_STAGES = [
    # the usual order; the office changes order, presence and every number
    {"kind": StageKind.MATERIAL, "aggregation": Aggregation.CONSENSUS, "weight": 30},
    {"kind": StageKind.ONSITE, "aggregation": Aggregation.CONSENSUS, "weight": 50},
    {"kind": StageKind.DEFENCE, "aggregation": Aggregation.TRIMMED_MEAN, "weight": 20},
]


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def _day(value: date) -> str:
    """A date in a message: 2026年6月2日 in Chinese, 2026-06-02 in English."""
    return shown_day(value)


def office_users() -> list[User]:
    return list(User.objects.filter(groups__name=Role.OFFICE, is_active=True))


def agency_users(cycle: Cycle) -> list[User]:
    engagement = getattr(cycle, "engagement", None)
    if engagement is None:
        return []
    return list(engagement.agency.staff.filter(is_active=True))


def default_criteria(kind: str) -> CriteriaSet | None:
    """The newest set for the kind: the one a new plan starts with."""
    return CriteriaSet.objects.filter(applicant_kind=kind).order_by("-created_at", "-id").first()


def validate_stages(cycle: Cycle, stages: list[dict], data: dict) -> list[str]:
    """Everything wrong with a plan, as messages for the office (empty: it is valid)."""
    problems = []
    if not stages:
        problems.append(_("The plan needs at least one review stage."))
    kinds = [s["kind"] for s in stages]
    if len(kinds) != len(set(kinds)):
        problems.append(_("Each kind of stage may appear once."))
    weights = sum(int(s.get("weight") or 0) for s in stages)
    if stages and weights != 100:
        problems.append(
            _("The stage weights add up to %(n)s%%; they must add up to 100%%.") % {"n": weights}
        )
    criteria_org = data.get("criteria_organisation")
    criteria_ind = data.get("criteria_individual")
    if criteria_org is None or criteria_org.applicant_kind != ApplicantKind.ORGANISATION:
        problems.append(_("Choose a criteria set for organisations."))
    if cycle.quota_individual:
        if criteria_ind is None or criteria_ind.applicant_kind != ApplicantKind.INDIVIDUAL:
            problems.append(_("The round admits individuals: choose a criteria set for them."))
    elif criteria_ind is not None and criteria_ind.applicant_kind != ApplicantKind.INDIVIDUAL:
        problems.append(_("The criteria set for individuals must be one for individuals."))
    previous_end: date | None = None
    calendar = WorkdayCalendar.load()
    for position, stage in enumerate(stages, start=1):
        label = str(StageKind(stage["kind"]).label)
        if stage["ends_on"] < stage["starts_on"]:
            problems.append(_("%(stage)s ends before it starts.") % {"stage": label})
        if previous_end is not None and stage["starts_on"] <= previous_end:
            problems.append(
                _("%(stage)s must start after the stage before it ends (%(date)s).")
                % {"stage": label, "date": _day(previous_end)}
            )
        previous_end = stage["ends_on"]
        try:
            if not calendar.is_workday(stage["ends_on"]):
                problems.append(
                    _("%(stage)s ends on %(date)s, which is not a working day.")
                    % {"stage": label, "date": _day(stage["ends_on"])}
                )
        except ScheduleUnknown as error:
            problems.append(error.message)
        if stage["aggregation"] == Aggregation.TRIMMED_MEAN:
            k = int(stage.get("trim_k") or 0)
            if k < 1:
                problems.append(
                    _("%(stage)s: a trimmed mean drops at least one score from each end.")
                    % {"stage": label}
                )
            elif stage["min_panel_size"] < 2 * k + 1:
                problems.append(
                    _(
                        "%(stage)s: dropping %(k)s highest and %(k)s lowest needs panels of at "
                        "least %(n)s members."
                    )
                    % {"stage": label, "k": k, "n": 2 * k + 1}
                )
        rule = stage["advance_rule"]
        if position == len(stages):
            continue  # nobody advances from the last stage
        if rule == AdvanceRule.TOP_N and not stage.get("advance_n"):
            problems.append(_("%(stage)s: how many advance (N)?") % {"stage": label})
        if rule == AdvanceRule.THRESHOLD and stage.get("advance_threshold") is None:
            problems.append(
                _("%(stage)s: from which score do dossiers advance?") % {"stage": label}
            )
    return problems


@transaction.atomic
def plan_save(
    *,
    actor,
    cycle: Cycle,
    data: dict,
    stages: list[dict],
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> ReviewPlan:
    """Create or replace the round's review plan (refused once frozen).

    Side effects, in order: the plan row (locked), its stage rows replaced; one
    ``review.plan_saved`` audit event with every value.
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state in (CycleState.CANCELLED,):
        raise ValidationError(_("The round is cancelled."))
    plan = ReviewPlan.objects.select_for_update().filter(cycle=cycle).first()
    if plan is not None and plan.is_frozen:
        raise ValidationError(
            _("The review has started: its plan is frozen and can no longer be changed.")
        )
    if (
        plan is not None
        and expected_updated_at is not None
        and plan.updated_at != expected_updated_at
    ):
        raise ValidationError(
            _(
                "Somebody else changed this plan while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    problems = validate_stages(cycle, stages, data)
    if problems:
        raise ValidationError(problems)
    if plan is None:
        plan = ReviewPlan(cycle=cycle, created_by=actor)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.save()
    plan.stages.all().delete()  # planned stages only: nothing hangs on them before the start
    for position, stage in enumerate(stages, start=1):
        ReviewStage.objects.create(
            plan=plan, position=position, **{k: stage.get(k) for k in STAGE_FIELDS}
        )
    audit_record(
        action=Action.PLAN_SAVED,
        actor=actor,
        target=plan,
        request=request,
        details={
            "criteria": [plan.criteria_organisation_id, plan.criteria_individual_id],
            "load_limit": plan.load_limit,
            "conflict_lookback_years": plan.conflict_lookback_years,
            "stages": [
                {k: str(stage.get(k)) for k in STAGE_FIELDS if stage.get(k) is not None}
                for stage in stages
            ],
        },
    )
    return plan


@dataclass
class PlanFit:
    """The plan against the review's working-day clock (Art. 18).

    ``start`` is the day the review starts (or today, before it has started); the period
    runs from ``first`` to 24:00 of ``end``. Each row: the stage, whether it fits, its
    working days, and its first and last working day counted in the review period.
    """

    start: date | None
    end: date | None
    working_days: int
    started: bool
    pending: str = ""
    warnings: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    first: date | None = None


def plan_fit(
    plan: ReviewPlan,
    *,
    calendar: WorkdayCalendar | None = None,
    today=None,
    stages: list[ReviewStage] | None = None,
) -> PlanFit:
    """The review's end date and every stage's dates against it.

    The clock starts when the round enters its expert review (a decision taken during a
    day: the period counts from the next day); before that, the page shows it as if the
    review started today. ``stages``: unsaved stages to measure instead of the plan's
    (the office's suggestion for a new plan).
    """
    calendar = calendar or WorkdayCalendar.load()
    cycle = plan.cycle
    n = cycle.edition.review_max_wd
    started = cycle.review_started_at is not None
    start = (
        timezone.localdate(cycle.review_started_at)
        if started
        else earliest_review_start(cycle, today or timezone.localdate())
    )
    fit = PlanFit(start=start, end=None, working_days=n, started=started)
    try:
        window = calendar.window(start, n, at_midnight=False)
        fit.first, fit.end = window.first, window.last
    except ScheduleUnknown as error:
        fit.pending = error.message
    for stage in plan.stages.all() if stages is None else stages:
        row = {"stage": stage, "fits": None, "working_days": None, "from_wd": None, "to_wd": None}
        if fit.end is not None:
            row["fits"] = start <= stage.starts_on and stage.ends_on <= fit.end
            try:
                row["working_days"] = calendar.between(
                    stage.starts_on - timedelta(days=1), stage.ends_on
                )
                if stage.starts_on > start and row["working_days"]:
                    before = stage.starts_on - timedelta(days=1)
                    row["from_wd"] = calendar.between(start, before) + 1
                    row["to_wd"] = calendar.between(start, stage.ends_on)
            except ScheduleUnknown:
                row["working_days"] = None
            if stage.ends_on > fit.end:
                fit.warnings.append(
                    _(
                        "%(stage)s ends on %(date)s, after the end of the review period "
                        "(%(end)s, %(n)s working days)."
                    )
                    % {
                        "stage": stage.get_kind_display(),
                        "date": _day(stage.ends_on),
                        "end": _day(fit.end),
                        "n": n,
                    }
                )
            if stage.starts_on < start:
                fit.warnings.append(
                    _("%(stage)s starts on %(date)s, before the review begins (%(start)s).")
                    % {
                        "stage": stage.get_kind_display(),
                        "date": _day(stage.starts_on),
                        "start": _day(start),
                    }
                )
        fit.rows.append(row)
    return fit


def earliest_review_start(cycle: Cycle, today: date) -> date:
    """The day the review could start at the earliest, as the plan page counts it: today;
    while the call is still open, not before it closes (24:00 of the application
    deadline), so the suggested stages fall after the call, never inside an open call."""
    deadline = cycle.application_deadline
    # the state as stored now (the call may have been closed since the object was read)
    state = Cycle.objects.filter(pk=cycle.pk).values_list("state", flat=True).first()
    if state in (CycleState.DRAFT, CycleState.ANNOUNCED) and deadline:
        return max(today, deadline)
    return today


def suggested_stages(
    cycle: Cycle, *, calendar: WorkdayCalendar | None = None, today=None
) -> list[dict]:
    """The default stages (``DEFAULT_STAGES``) with dates that share the review period
    among them, as if the review started today (or, while the call is open, when it
    closes): where a new plan starts. Without a known calendar the dates stay empty."""
    calendar = calendar or WorkdayCalendar.load()
    start = earliest_review_start(cycle, today or timezone.localdate())
    n = cycle.edition.review_max_wd
    rows = [{**STAGE_DEFAULT_VALUES, **stage} for stage in DEFAULT_STAGES]
    try:
        days = [calendar.add(start, i) for i in range(1, n + 1)]
    except ScheduleUnknown:
        return rows
    share, extra = divmod(len(days), len(rows))
    first = 0
    for index, row in enumerate(rows):
        size = share + (1 if index < extra else 0)
        if size:
            row["starts_on"], row["ends_on"] = days[first], days[first + size - 1]
        first += size
    return rows


def _stage_clock(stage: ReviewStage, *, calendar: WorkdayCalendar, start: date) -> None:
    """A deadline for the stage's sheets: due at 24:00 of its last day, for the agency and
    the office (the sweep reminds them and flags it overdue)."""
    cycle = stage.plan.cycle
    if stage.ends_on <= start:
        return
    try:
        working_days = calendar.between(start, stage.ends_on)
    except ScheduleUnknown:
        return
    if working_days < 1:
        return
    deadline_create(
        kind=STAGE_CLOCK,
        label=_("%(round)s: %(stage)s ends")
        % {"round": cycle.name, "stage": stage.get_kind_display()},
        start_date=start,
        working_days=working_days,
        responsible=agency_users(cycle) or office_users(),
        escalate_to=office_users(),
        subject=stage,
        url=reverse("review:board", args=[cycle.pk]),
        calendar=calendar,
    )


def _open_stage(stage: ReviewStage, *, actor, request, calendar: WorkdayCalendar) -> None:
    stage.state = StageState.OPEN
    stage.opened_at = timezone.now()
    stage.save(update_fields=["state", "opened_at"])
    _stage_clock(stage, calendar=calendar, start=timezone.localdate())
    audit_record(
        action=Action.STAGE_OPENED,
        actor=actor,
        target=stage.plan.cycle,
        request=request,
        details={"stage": stage.kind, "position": stage.position},
    )
    for user in agency_users(stage.plan.cycle):
        notify(
            user=user,
            title=_("%(round)s: %(stage)s has opened")
            % {"round": stage.plan.cycle.name, "stage": stage.get_kind_display()},
            body=_("Form the panels and assign the dossiers. The stage ends on %(date)s.")
            % {"date": _day(stage.ends_on)},
            url=reverse("review:panels", args=[stage.plan.cycle.pk]),
        )


def review_start_problem(cycle: Cycle) -> str | None:
    """Why the office cannot start the review now, or None."""
    if cycle.state != CycleState.QUALIFICATION:
        return _("The expert review starts from the qualification stage.")
    plan = ReviewPlan.objects.filter(cycle=cycle).first()
    if plan is None:
        return _("Enter the review plan first.")
    if getattr(cycle, "engagement", None) is None:
        return _("Record the review agency engaged for this round first.")
    data = {
        "criteria_organisation": plan.criteria_organisation,
        "criteria_individual": plan.criteria_individual,
    }
    stages = [{k: getattr(s, k) for k in STAGE_FIELDS} for s in plan.stages.all()]
    problems = validate_stages(cycle, stages, data)
    if problems:
        return " ".join(problems)
    pending = guard_problem(
        cycle, "start_expert_review", today=timezone.localdate(), calendar=WorkdayCalendar.load()
    )
    if pending:
        return pending
    if not cycle.dossiers.filter(state=DossierState.QUALIFIED).exists():
        return _("No application has qualified: there is nothing to review.")
    return None


@dataclass
class ReviewStartPreview:
    """What starting the review will do, for the office's confirmation page."""

    plan: ReviewPlan
    qualified: dict[str, int]  # applicant kind -> qualified dossiers
    first_stage: ReviewStage
    fit: PlanFit

    @property
    def total(self) -> int:
        return sum(self.qualified.values())


def review_start_preview(cycle: Cycle, *, today=None) -> ReviewStartPreview | None:
    """The plan that freezes, the qualified dossiers that go under review, the first stage
    that opens and the clock that starts today; None while the review cannot start."""
    if review_start_problem(cycle):
        return None
    plan = ReviewPlan.objects.select_related(
        "cycle__edition", "criteria_organisation", "criteria_individual"
    ).get(cycle=cycle)
    counts = {kind: 0 for kind in ApplicantKind.values}
    for kind in cycle.dossiers.filter(state=DossierState.QUALIFIED).values_list("kind", flat=True):
        counts[kind] += 1
    return ReviewStartPreview(
        plan=plan,
        qualified=counts,
        first_stage=plan.stages.order_by("position").first(),
        fit=plan_fit(plan, today=today),
    )


@transaction.atomic
def review_start(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> ReviewPlan:
    """The round enters its expert review (Art. 18).

    Side effects, in order: the round's transition ``start_expert_review`` (its guard:
    every received dossier has its final qualification outcome; one ``cycle.transition``
    event); the plan frozen and its criteria sets locked (``review.plan_frozen``); every
    qualified dossier under review (``dossier.review_started`` each); the review's
    working-day clock (``review_max_wd``) stored; the first stage opened
    (``review.stage_opened``, its end as a deadline, the agency told).
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=cycle.pk)
    problem = review_start_problem(cycle)
    if problem:
        raise ValidationError(problem)
    cycle = cycle_transition(actor=actor, cycle=cycle, name="start_expert_review", request=request)
    plan = ReviewPlan.objects.select_for_update().get(cycle=cycle)
    plan.frozen_at = timezone.now()
    plan.save(update_fields=["frozen_at", "updated_at"])
    now = timezone.now()
    for criteria_set in filter(None, [plan.criteria_organisation, plan.criteria_individual]):
        CriteriaSet.objects.filter(pk=criteria_set.pk, locked_at__isnull=True).update(locked_at=now)
    audit_record(action=Action.PLAN_FROZEN, actor=actor, target=plan, request=request)
    for dossier in cycle.dossiers.filter(state=DossierState.QUALIFIED):
        dossier_review_start(dossier=dossier, actor=actor)
    calendar = WorkdayCalendar.load()
    deadline_create(
        kind=REVIEW_CLOCK,
        label=_("%(round)s: expert review (%(n)s working days, Art. 18)")
        % {"round": cycle.name, "n": cycle.edition.review_max_wd},
        start_date=timezone.localdate(),
        working_days=cycle.edition.review_max_wd,
        responsible=office_users(),
        escalate_to=agency_users(cycle),
        subject=cycle,
        url=reverse("review:board", args=[cycle.pk]),
        calendar=calendar,
        allow_pending=True,
    )
    first = plan.stages.order_by("position").first()
    _open_stage(first, actor=actor, request=request, calendar=calendar)
    return plan


def stage_close_problem(stage: ReviewStage) -> str | None:
    if stage.state != StageState.OPEN:
        return _("This stage is not open.")
    missing = []
    for item in stage_dossiers(stage).select_related("dossier"):
        if not StageResult.objects.filter(
            stage=stage, dossier=item.dossier, superseded_at__isnull=True
        ).exists():
            missing.append(item.dossier.number or str(item.dossier.pk))
    unassigned = under_review_without_panel(stage)
    if unassigned:
        return _("These dossiers have no panel in this stage: %(list)s.") % {
            "list": "、".join(d.number for d in unassigned)
        }
    if missing:
        return _("These dossiers have no confirmed panel result yet: %(list)s.") % {
            "list": "、".join(missing)
        }
    if stage.kind == StageKind.ONSITE:
        from ..models import OnsiteVisit

        unrecorded = (
            OnsiteVisit.objects.filter(stage=stage, dossier__state=DossierState.UNDER_REVIEW)
            .filter(findings__isnull=True)
            .select_related("dossier")
            .order_by("visit_date", "dossier__number")
        )
        if unrecorded:
            return _(
                "The on-site stage cannot close while a planned visit has no record of its "
                "findings: %(list)s. The panel records what it found for each item first."
            ) % {
                "list": "、".join(
                    f"{visit.dossier.number}（{_day(visit.visit_date)}）" for visit in unrecorded
                )
            }
    return None


def stage_dossiers(stage: ReviewStage):
    """The stage's dossiers that are still in the review (not withdrawn)."""
    return PanelDossier.objects.filter(stage=stage, dossier__state=DossierState.UNDER_REVIEW)


def eligible_dossiers(stage: ReviewStage):
    """The dossiers the stage must review: every dossier under review in the first stage;
    afterwards those that advanced from the stage before."""
    cycle = stage.plan.cycle
    under_review = Dossier.objects.filter(cycle=cycle, state=DossierState.UNDER_REVIEW)
    previous = stage.plan.stages.filter(position__lt=stage.position).order_by("-position").first()
    if previous is None:
        return under_review
    return under_review.filter(
        review_results__stage=previous,
        review_results__superseded_at__isnull=True,
        review_results__advanced=True,
    )


def under_review_without_panel(stage: ReviewStage) -> list[Dossier]:
    assigned = PanelDossier.objects.filter(stage=stage).values("dossier")
    return list(eligible_dossiers(stage).exclude(pk__in=assigned).order_by("number"))


@transaction.atomic
def stage_close(*, actor, stage: ReviewStage, request: HttpRequest | None = None) -> ReviewStage:
    """Close a stage once every dossier has its panel result, and decide who advances.

    Side effects, in order: the stage row closed; each current result marked advanced or
    not, by the plan's rule per applicant kind; a dossier that does not advance, or any
    dossier after the last stage, concludes its review (``dossier.review_concluded``);
    every expert's object grant of the stage taken away (``permission.revoked`` each);
    the experts' notification links to the stage's result pages closed (counted in the
    event as ``links_closed``); the stage's deadline closed; one ``review.stage_closed``
    event; the next stage opened.
    """
    _require_office(actor)
    stage = ReviewStage.objects.select_for_update().select_related("plan__cycle").get(pk=stage.pk)
    problem = stage_close_problem(stage)
    if problem:
        raise ValidationError(problem)
    results = list(
        StageResult.objects.filter(
            stage=stage, superseded_at__isnull=True, dossier__state=DossierState.UNDER_REVIEW
        ).select_related("dossier")
    )
    following = stage.plan.stages.filter(position__gt=stage.position).order_by("position").first()
    advanced: set[int] = set()
    if following is not None:
        for kind in ApplicantKind.values:
            ranked = [(r.dossier_id, r.percent) for r in results if r.dossier.kind == kind]
            advanced |= aggregation.advancing(
                ranked,
                rule=stage.advance_rule,
                n=stage.advance_n,
                threshold=Decimal(stage.advance_threshold)
                if stage.advance_threshold is not None
                else None,
            )
    for result in results:
        result.advanced = result.dossier_id in advanced if following is not None else None
        result.save(update_fields=["advanced"])
        if result.dossier_id not in advanced:
            dossier_review_conclude(
                dossier=result.dossier,
                actor=actor,
                details={
                    "stage": stage.kind,
                    "score": str(result.score),
                    "advanced": False if following is not None else None,
                },
            )
    from .conflicts import assignment_revoke

    for assignment in stage.assignments.select_related("expert__user"):
        assignment_revoke(assignment=assignment, actor=actor, reason="stage closed")
    # a panel result opens to its leader only while the stage runs: the experts'
    # notifications stop offering the result pages of the stage
    dossier_ids = set(PanelDossier.objects.filter(stage=stage).values_list("dossier", flat=True))
    dossier_ids |= set(StageResult.objects.filter(stage=stage).values_list("dossier", flat=True))
    links_closed = notification_links_close(
        urls=[reverse("review:result", args=[stage.pk, pk]) for pk in sorted(dossier_ids)],
        roles=[Role.EXPERT],
    )
    deadline_close_for(subject=stage, kind=STAGE_CLOCK, status=DeadlineStatus.MET)
    stage.state = StageState.CLOSED
    stage.closed_at = timezone.now()
    stage.save(update_fields=["state", "closed_at"])
    audit_record(
        action=Action.STAGE_CLOSED,
        actor=actor,
        target=stage.plan.cycle,
        request=request,
        details={
            "stage": stage.kind,
            "results": len(results),
            "advanced": sorted(advanced),
            "links_closed": links_closed,
        },
    )
    if following is not None:
        _open_stage(following, actor=actor, request=request, calendar=WorkdayCalendar.load())
    else:
        deadline_close_for(subject=stage.plan.cycle, kind=REVIEW_CLOCK, status=DeadlineStatus.MET)
    return stage


def open_assignment_count(stage: ReviewStage) -> int:
    return stage.assignments.exclude(
        state__in=[AssignmentState.RECUSED, AssignmentState.WITHDRAWN]
    ).count()
