"""The round as the office's hub (DESIGN §11): every stage of the award with its dates,
its working-day clock, what is waiting and where its work is.

Stages later in the flow belong to downstream apps (review/, publicity/); they add what
they know through ``register_stage_provider`` so this app never imports them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from award_portal.documents.chinese import shown_day
from award_portal.rules.plan import cycle_plan
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from .enums import CycleState, DossierState


@dataclass
class Stage:
    key: str
    label: str
    article: str
    status: str = "upcoming"  # done / current / upcoming / cancelled
    start: date | None = None
    end: date | None = None
    planned: bool = True  # dates are the plan's earliest, not what happened
    pending: str = ""  # why a planned date cannot be computed yet
    clock: str = ""
    waiting: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


STAGES = [
    ("call", _("Call for applications"), _("Art. 14–15")),
    ("qualification", _("Qualification check"), _("Art. 16")),
    ("review", _("Expert review"), _("Art. 17–18")),
    ("comment", _("Public comment"), _("Art. 19")),
    ("vote", _("Ranking and the working group's vote"), _("Art. 20–21")),
    ("publicity", _("Publicity and objections"), _("Art. 22")),
    ("approval", _("Approval by the city government"), _("Art. 22")),
    ("award", _("Award, certificates and prize"), _("Art. 23")),
    ("supervision", _("Supervision after the award"), _("Art. 24, 28–29, 33")),
]

# which stage each state of the round is in
CURRENT = {
    CycleState.DRAFT: "call",
    CycleState.ANNOUNCED: "call",
    CycleState.QUALIFICATION: "qualification",
    CycleState.EXPERT_REVIEW: "review",
    CycleState.PUBLIC_COMMENT: "comment",
    CycleState.GROUP_VOTE: "vote",
    CycleState.PUBLICITY: "publicity",
    CycleState.APPROVAL: "approval",
    CycleState.AWARDED: "award",
}

# plan row -> (stage, "start"|"end")
PLAN_DATES = {
    "announcement": ("call", "start"),
    "close_applications": ("call", "end"),
    "qualification_due": ("qualification", "end"),
    "review_due": ("review", "end"),
    "comment_end": ("comment", "end"),
    "publicity_start": ("publicity", "start"),
    "publicity_end": ("publicity", "end"),
}

_providers: list[Callable] = []


def register_stage_provider(provider: Callable) -> None:
    """``provider(cycle, stages: dict[str, Stage], today, calendar)`` fills in what a
    downstream app knows (waiting work, links, actual dates)."""
    if provider not in _providers:
        _providers.append(provider)


def round_stages(cycle, *, today: date, calendar: WorkdayCalendar) -> list[Stage]:
    stages = {key: Stage(key, str(label), str(article)) for key, label, article in STAGES}
    order = [key for key, _label, _article in STAGES]
    current = CURRENT.get(cycle.state)
    if cycle.state == CycleState.CANCELLED:
        for stage in stages.values():
            stage.status = "cancelled"
    elif current:
        index = order.index(current)
        for position, key in enumerate(order):
            stages[key].status = (
                "done" if position < index else "current" if position == index else "upcoming"
            )
    if cycle.announcement_date:
        for row in cycle_plan(
            edition=cycle.edition, announcement=cycle.announcement_date, calendar=calendar
        ):
            key, which = PLAN_DATES.get(row.key, (None, None))
            if key is None:
                continue
            setattr(stages[key], which, row.end)
            if row.pending and not stages[key].pending:
                stages[key].pending = row.pending
        # a stage starts when the one before it may end at the earliest
        for before, after in itertools.pairwise(order):
            if stages[after].start is None and stages[before].end is not None:
                stages[after].start = stages[before].end
    _call_stage(cycle, stages["call"], today=today, calendar=calendar)
    _qualification_stage(cycle, stages["qualification"], today=today)
    for provider in _providers:
        provider(cycle, stages, today, calendar)
    return [stages[key] for key in order]


def _call_stage(cycle, stage: Stage, *, today: date, calendar: WorkdayCalendar) -> None:
    if cycle.announcement_date:
        stage.start = cycle.announcement_date
        stage.planned = cycle.state == CycleState.DRAFT
    if cycle.application_deadline:
        stage.end = max(filter(None, [stage.end, cycle.application_deadline]))
        if cycle.state == CycleState.ANNOUNCED and stage.end >= today:
            try:
                left = calendar.between(today, stage.end)
            except ScheduleUnknown as error:
                stage.clock = error.message
            else:
                stage.clock = ngettext(
                    "Applications close on %(date)s at 24:00: %(n)s working day left.",
                    "Applications close on %(date)s at 24:00: %(n)s working days left.",
                    left,
                ) % {"date": shown_day(stage.end), "n": left}
    drafts = sum(1 for s in cycle.dossier_states if s == DossierState.DRAFT)
    received = sum(1 for s in cycle.dossier_states if s != DossierState.DRAFT)
    if cycle.state in (CycleState.ANNOUNCED, CycleState.QUALIFICATION):
        stage.waiting.append(
            ngettext("%(n)s application received", "%(n)s applications received", received)
            % {"n": received}
        )
        if drafts:
            stage.waiting.append(
                ngettext("%(n)s draft not submitted", "%(n)s drafts not submitted", drafts)
                % {"n": drafts}
            )
    if cycle.state == CycleState.DRAFT:
        stage.links.append(
            (str(_("Edit the draft")), reverse("applications:cycle-edit", args=[cycle.pk]))
        )
    else:
        stage.links.append(
            (str(_("Public call")), reverse("applications:call-detail", args=[cycle.pk]))
        )


def _qualification_stage(cycle, stage: Stage, *, today: date) -> None:
    states = cycle.dossier_states
    waiting = sum(1 for s in states if s == DossierState.SUBMITTED)
    supplement = sum(1 for s in states if s == DossierState.SUPPLEMENT_REQUESTED)
    qualified = sum(1 for s in states if s == DossierState.QUALIFIED)
    if cycle.state in (CycleState.ANNOUNCED, CycleState.QUALIFICATION) or waiting or supplement:
        if waiting:
            stage.waiting.append(
                ngettext("%(n)s to check", "%(n)s to check", waiting) % {"n": waiting}
            )
        if supplement:
            stage.waiting.append(
                ngettext(
                    "%(n)s waiting for a supplement", "%(n)s waiting for a supplement", supplement
                )
                % {"n": supplement}
            )
        if cycle.overdue_clocks:
            stage.waiting.append(
                ngettext(
                    "%(n)s past its working-day limit",
                    "%(n)s past their working-day limit",
                    cycle.overdue_clocks,
                )
                % {"n": cycle.overdue_clocks}
            )
    if qualified:
        stage.waiting.append(
            ngettext("%(n)s qualified", "%(n)s qualified", qualified) % {"n": qualified}
        )
    if cycle.state != CycleState.DRAFT:
        stage.links.append(
            (str(_("Qualification queue")), reverse("applications:queue") + f"?cycle={cycle.pk}")
        )
