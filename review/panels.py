"""What the review adds to the core's navigation and dashboards, and to the round's hub."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from award_portal.web.navigation import CALENDAR_AND_RULES, ROUNDS, WORKBENCH, NavItem
from award_portal.web.registry import Panel


def _expert(request) -> dict:
    from .selectors import expert_worklist

    return expert_worklist(request.user)


def _agency(request) -> dict:
    from .selectors import cycles_for_review

    return {"cycles": list(cycles_for_review(request.user).order_by("-announcement_date"))}


NAV = [
    NavItem(_("Expert review"), "review:home", ROUNDS, "review.view_reviewplan"),
    NavItem(_("My reviews"), "review:expert-home", WORKBENCH, "review.view_assignment"),
    NavItem(_("Expert pool"), "review:expert-list", ROUNDS, "review.view_expert"),
    NavItem(_("Review agencies"), "review:agency-list", ROUNDS, "review.view_reviewagency"),
    NavItem(
        _("Scoring criteria"), "review:criteria-list", CALENDAR_AND_RULES, "review.view_criteriaset"
    ),
    NavItem(_("Conduct feedback"), "review:conduct", ROUNDS, "review.view_conductrating"),
]

PANELS = [
    ("expert", Panel("review/panels/expert.html", _expert)),
    ("agency", Panel("review/panels/agency.html", _agency)),
]


def review_stage(cycle, stages, today, calendar) -> None:
    """The hub's "expert review" stage: the agency, the plan, the panels, the board."""
    from applications.enums import CycleState

    from .models import ReviewPlan, StageResult
    from .selectors import open_flags

    stage = stages["review"]
    if cycle.state in (CycleState.DRAFT, CycleState.CANCELLED):
        return
    engagement = getattr(cycle, "engagement", None)
    plan = ReviewPlan.objects.filter(cycle=cycle).first()
    if engagement is None:
        stage.waiting.append(str(_("No review agency recorded yet")))
    if plan is None:
        stage.waiting.append(str(_("No review plan yet")))
    if cycle.review_started_at:
        _review_clock(cycle, stage, today=today, calendar=calendar)
    flags = open_flags(cycle).count()
    if flags:
        stage.waiting.append(
            ngettext(
                "%(n)s likely conflict to decide",
                "%(n)s likely conflicts to decide",
                flags,
            )
            % {"n": flags}
        )
    if cycle.state == CycleState.EXPERT_REVIEW and plan is not None:
        confirmed = StageResult.objects.filter(
            stage__plan=plan, superseded_at__isnull=True, stage__state="open"
        ).count()
        stage.waiting.append(
            ngettext(
                "%(n)s panel result confirmed in the open stage",
                "%(n)s panel results confirmed in the open stage",
                confirmed,
            )
            % {"n": confirmed}
        )
    stage.links.append((str(_("Review agency")), reverse("review:engagement", args=[cycle.pk])))
    stage.links.append((str(_("Review plan")), reverse("review:plan", args=[cycle.pk])))
    if plan is not None and plan.is_frozen:
        stage.links.append((str(_("Panels")), reverse("review:panels", args=[cycle.pk])))
        stage.links.append((str(_("Review board")), reverse("review:board", args=[cycle.pk])))
        stage.links.append(
            (str(_("Conflicts of interest")), reverse("review:conflicts", args=[cycle.pk]))
        )
        # the follow-up pages of the plan's on-site and defence stages
        pages = {
            "onsite": (_("On-site visits"), "review:visits"),
            "defence": (_("Defence slots"), "review:slots"),
        }
        for step in plan.stages.filter(kind__in=list(pages)):
            label, name = pages[step.kind]
            stage.links.append((str(label), reverse(name, args=[step.pk])))
        stage.links.append(
            (str(_("Feedback reports")), reverse("review:feedback-release", args=[cycle.pk]))
        )
        if review_finished(cycle, plan):
            stage.links.append(
                (str(_("Publish the results")), reverse("publicity:notice", args=[cycle.pk]))
            )
    elif cycle.state == CycleState.QUALIFICATION:
        stage.links.append(
            (str(_("Start the expert review")), reverse("review:review-start", args=[cycle.pk]))
        )


def _review_clock(cycle, stage, *, today, calendar) -> None:
    """The review's working-day clock from the calendar engine: it starts the day after
    the round entered its expert review and runs the edition's ``review_max_wd``."""
    from django.utils import timezone

    from applications.enums import CycleState
    from award_portal.documents.templatetags.official import day
    from award_portal.workdays.engine import ScheduleUnknown

    start = timezone.localdate(cycle.review_started_at)
    stage.start = start
    stage.planned = False
    n = cycle.edition.review_max_wd
    try:
        window = calendar.window(start, n, at_midnight=False)
    except ScheduleUnknown as error:
        stage.end = None
        stage.pending = error.message
        stage.clock = error.message
        return
    stage.end = window.last
    if cycle.state != CycleState.EXPERT_REVIEW:
        return
    if today > window.last:
        stage.clock = _("The review period of %(n)s working days ended on %(date)s at 24:00.") % {
            "n": n,
            "date": day(window.last),
        }
        return
    try:
        left = calendar.between(today, window.last)
    except ScheduleUnknown as error:
        stage.clock = error.message
        return
    stage.clock = ngettext(
        "The review period (%(n)s working days) ends on %(date)s at 24:00: "
        "%(left)s working day left.",
        "The review period (%(n)s working days) ends on %(date)s at 24:00: "
        "%(left)s working days left.",
        left,
    ) % {"n": n, "date": day(window.last), "left": left}


def review_finished(cycle, plan) -> bool:
    """The review is over: the round moved on, or every stage is closed and every
    dossier of the review concluded (the board's ``review_done``)."""
    from applications.enums import CycleState

    from .selectors import review_board

    if cycle.state in (CycleState.DRAFT, CycleState.ANNOUNCED, CycleState.QUALIFICATION):
        return False
    if cycle.state not in (CycleState.EXPERT_REVIEW, CycleState.CANCELLED):
        return True
    if cycle.state == CycleState.CANCELLED or plan is None:
        return False
    board = review_board(cycle)
    return board is not None and board.review_done
