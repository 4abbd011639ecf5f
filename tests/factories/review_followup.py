"""A review carried through its stages with the real services, for the on-site visit,
the defence slots, the feedback report and the conduct ratings: the agency forms a panel
per stage, the experts declare and score, the leader confirms, the office closes."""

from __future__ import annotations

from dataclasses import dataclass, field

from applications.models import Dossier
from review.enums import Aggregation
from review.models import Assignment, Panel, ReviewStage
from review.services.conflicts import conflict_declare
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from review.services.plans import review_start, stage_close
from review.services.scoring import criteria_of, result_confirm, sheet_save, sheet_submit
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    expert_for,
    qualify,
    review_plan,
)


def flat(percent: int):
    return lambda item: percent


SIXTY = flat(60)


def same_comment(stage, category) -> tuple[str, str]:
    return (
        f"{stage.get_kind_display()}：{category.code}方法系统、展开充分",
        f"{stage.get_kind_display()}：{category.code}需加强对标与持续改进",
    )


@dataclass
class World:
    cycle: object
    dossiers: list[Dossier]
    agency: object
    staff: object
    experts: list
    stages: dict[str, ReviewStage]
    panels: dict[str, Panel] = field(default_factory=dict)
    conflicted: object | None = None

    @property
    def dossier(self) -> Dossier:
        return self.dossiers[0]

    @property
    def leader(self):
        return self.experts[0]

    def refresh(self):
        for dossier in self.dossiers:
            dossier.refresh_from_db()
        for stage in self.stages.values():
            stage.refresh_from_db()
        return self


def start(office, cycle, applicant, dossier, *, experts=3, more=()) -> World:
    """The round in expert review with an engaged agency, three experts and the default
    plan (material 6/3–6/9, on-site 6/10–6/16, defence 6/17–6/23). ``more``: further
    (user, dossier) pairs qualified with the first."""
    qualify(office, dossier, applicant)
    for user, other in more:
        qualify(office, other, user)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(office, cycle)
    review_start(actor=office, cycle=cycle)
    stages = {s.kind: s for s in ReviewStage.objects.filter(plan__cycle=cycle)}
    return World(
        cycle=cycle,
        dossiers=[Dossier.objects.get(pk=d.pk) for d in [dossier, *(o for _u, o in more)]],
        agency=agency,
        staff=staff,
        experts=[expert_for(staff, name=f"专家{n}号") for n in range(1, experts + 1)],
        stages=stages,
    )


def form_panel(world: World, kind: str, *, extra=()) -> Panel:
    """The stage's panel: every expert of the world (the first leads), plus ``extra``;
    all accept; the dossier assigned."""
    stage = world.stages[kind]
    panel = panel_create(actor=world.staff, stage=stage, name=f"{stage.get_kind_display()}组")
    for index, expert in enumerate([*world.experts, *extra]):
        member_invite(actor=world.staff, panel=panel, expert=expert, leader=index == 0)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    for dossier in world.dossiers:
        dossier_assign(actor=world.staff, stage=stage, dossier=dossier, panel=panel)
    world.panels[kind] = panel
    return panel


def declare(world: World, kind: str, *, conflicted=()) -> None:
    conflicted_ids = {expert.pk for expert in conflicted}
    for assignment in Assignment.objects.filter(
        stage=world.stages[kind], dossier__in=world.dossiers, state="offered"
    ).select_related("expert__user"):
        has_conflict = assignment.expert_id in conflicted_ids
        conflict_declare(
            actor=assignment.expert.user,
            assignment=assignment,
            has_conflict=has_conflict,
            conflict_type="consulting" if has_conflict else "",
            note="曾为其提供咨询服务" if has_conflict else "",
        )


def score_and_confirm(world: World, kind: str, *, percent_of=SIXTY, comment_of=same_comment):
    """Every open sheet of the stage scored and submitted; the leader confirms each
    dossier's result."""
    stage = world.stages[kind]
    for dossier in world.dossiers:
        categories, items = criteria_of(stage, dossier)
        for assignment in Assignment.objects.filter(
            stage=stage, dossier=dossier, state__in=["declared", "scoring"]
        ).select_related("expert__user"):
            sheet_save(
                actor=assignment.expert.user,
                assignment=assignment,
                percents={item.pk: percent_of(item) for item in items},
                comments={c.pk: ("个人意见：优势", "个人意见：改进机会") for c in categories},
            )
            sheet_submit(actor=assignment.expert.user, assignment=assignment)
        result_confirm(
            actor=world.leader.user,
            stage=stage,
            dossier=dossier,
            agreed={item.pk: percent_of(item) for item in items}
            if stage.aggregation == Aggregation.CONSENSUS
            else None,
            reasons={},
            comments={c.pk: comment_of(stage, c) for c in categories},
        )


def run_stage(office, world: World, kind: str, **scoring) -> None:
    form_panel(world, kind)
    declare(world, kind)
    score_and_confirm(world, kind, **scoring)
    stage_close(actor=office, stage=world.stages[kind])


def concluded(office, cycle, applicant, dossier, *, last_percent_of=SIXTY, more=()) -> World:
    """The dossiers through all three stages: their review concluded (``reviewed``)."""
    world = start(office, cycle, applicant, dossier, more=more)
    run_stage(office, world, "material", percent_of=flat(40))
    run_stage(office, world, "onsite", percent_of=flat(50))
    run_stage(office, world, "defence", percent_of=last_percent_of)
    return world.refresh()


def at_onsite(office, cycle, applicant, dossier, *, conflicted=True) -> World:
    """The material stage done, the on-site stage open with its panel: the three experts
    declared no conflict; a fourth member (when ``conflicted``) declared a conflict."""
    world = start(office, cycle, applicant, dossier)
    run_stage(office, world, "material")
    extra = []
    if conflicted:
        world.conflicted = expert_for(world.staff, name="回避专家")
        extra.append(world.conflicted)
    form_panel(world, "onsite", extra=extra)
    declare(world, "onsite", conflicted=extra)
    return world.refresh()


def at_defence(office, cycle, applicant, dossier, *, more=()) -> World:
    """The material and on-site stages done; the defence stage open with its panel."""
    world = start(office, cycle, applicant, dossier, more=more)
    run_stage(office, world, "material")
    run_stage(office, world, "onsite")
    form_panel(world, "defence")
    declare(world, "defence")
    return world.refresh()
