"""Build the expert review through the real services, as the office, the agency and the
experts would."""

from datetime import date
from decimal import Decimal
from itertools import count

from applications.declarations import checklist_for
from applications.services.cycles import cycle_transition
from applications.services.dossiers import dossier_submit
from applications.services.qualification import check_item_record, qualification_decide
from review.criteria import install_shipped_sets
from review.models import BandGuidance, CriteriaSet, Criterion
from review.services.agencies import (
    agency_account_create,
    agency_save,
    engagement_save,
    expert_create,
)
from review.services.plans import plan_save
from tests.factories.applications import uscc

_serial = count(1)

# June 2026: the review starts on 2026-06-02 (the tests' fixed day); each stage ends on a
# working day inside the 20-working-day review period
STAGES = [
    {
        "kind": "material",
        "starts_on": date(2026, 6, 3),
        "ends_on": date(2026, 6, 9),
        "aggregation": "consensus",
        "weight": 30,
    },
    {
        "kind": "onsite",
        "starts_on": date(2026, 6, 10),
        "ends_on": date(2026, 6, 16),
        "aggregation": "consensus",
        "weight": 50,
    },
    {
        "kind": "defence",
        "starts_on": date(2026, 6, 17),
        "ends_on": date(2026, 6, 23),
        "aggregation": "trimmed_mean",
        "trim_k": 1,
        "weight": 20,
    },
]
STAGE_DEFAULTS = {
    "min_panel_size": 3,
    "trim_k": 1,
    "dispersion_threshold": 30,
    "advance_rule": "all",
    "advance_n": None,
    "advance_threshold": None,
}


def criteria_sets():
    """The shipped sets (a transactional test elsewhere may have flushed the migrated
    rows; they are installed again from the same data then)."""
    install_shipped_sets(CriteriaSet, Criterion, BandGuidance)
    return (
        CriteriaSet.objects.get(code="GB/T 19580", version="2012"),
        CriteriaSet.objects.get(applicant_kind="individual", version="2026"),
    )


def agency_for(office, cycle, *, name="内蒙古某质量评审中心有限公司"):
    n = next(_serial)
    agency = agency_save(
        actor=office,
        data={
            "name": f"{name}{n}",
            "uscc": uscc(5000 + n),
            "address": "呼和浩特市",
            "contact_name": "李经理",
            "contact_phone": "04710000000",
            "contact_email": f"agency{n}@example.invalid",
        },
    )
    engagement_save(
        actor=office,
        cycle=cycle,
        data={
            "agency": agency,
            "procurement_method": "competitive_consultation",
            "notice_number": f"EHZC-2026-{n:03d}",
            "notice_date": date(2026, 5, 6),
            "contract_number": f"HT-2026-{n:03d}",
            "amount_yuan": Decimal("98000.00"),
            "service_from": date(2026, 6, 1),
            "service_until": date(2026, 12, 31),
            "scope": "市长质量奖资料评审、现场评审和陈述答辩",
        },
    )
    return agency


def agency_user(office, agency):
    n = next(_serial)
    return agency_account_create(
        actor=office,
        agency=agency,
        username=f"agency_staff{n}",
        email=f"agency_staff{n}@example.invalid",
        display_name=f"评审机构职员{n}",
    )


def expert_for(actor, *, name=None, employer="内蒙古大学", sectors=("G",), **fields):
    n = next(_serial)
    return expert_create(
        actor=actor,
        username=f"expert_u{n}",
        email=f"expert_u{n}@example.invalid",
        data={
            "name": name or f"评审专家{n}",
            "employer": employer,
            "title": "教授",
            "sectors": list(sectors),
            "categories": ["4.1", "4.7"],
            "qualification": "自治区质量奖评审员",
            "certificate_number": f"NM-{n:04d}",
            "phone": "13900000000",
            **fields,
        },
    )


def review_plan(office, cycle, *, stages=STAGES, **stage_overrides):
    organisation_set, individual_set = criteria_sets()
    rows = [{**STAGE_DEFAULTS, **stage, **stage_overrides} for stage in stages]
    return plan_save(
        actor=office,
        cycle=cycle,
        data={
            "criteria_organisation": organisation_set,
            "criteria_individual": individual_set,
            "load_limit": 10,
            "conflict_lookback_years": 3,
        },
        stages=rows,
    )


def qualify(office, dossier, applicant):
    """Submit and qualify a ready dossier."""
    dossier = dossier_submit(actor=applicant, dossier=dossier, pledge=True)
    for item in checklist_for(dossier.kind):
        check_item_record(actor=office, dossier=dossier, code=item.code, outcome="pass", note="")
    return qualification_decide(actor=office, dossier=dossier, qualified=True)


def close_call(office, cycle):
    return cycle_transition(
        actor=office, cycle=cycle, name="close_applications", today=date(2026, 7, 1)
    )


def review_through(office, cycle, applicants_dossiers, *, percents=None):
    """Run a one-stage material review with one expert on ``applicants_dossiers``
    ([(applicant user, draft dossier)]) to the end: every dossier ``reviewed``.
    ``percents`` gives each dossier's flat percentage (default 60, 70, ...)."""
    from applications.models import Dossier
    from review.models import Assignment, ReviewStage
    from review.services.conflicts import conflict_declare
    from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
    from review.services.plans import review_start, stage_close
    from review.services.scoring import criteria_of, result_confirm, sheet_save, sheet_submit

    for applicant, dossier in applicants_dossiers:
        qualify(office, dossier, applicant)
    close_call(office, cycle)
    agency = agency_for(office, cycle)
    staff = agency_user(office, agency)
    review_plan(
        office,
        cycle,
        stages=[{**STAGES[0], "weight": 100, "min_panel_size": 1}],
    )
    review_start(actor=office, cycle=cycle)
    stage = ReviewStage.objects.get(plan__cycle=cycle)
    expert = expert_for(staff)
    panel = panel_create(actor=staff, stage=stage, name="评审组")
    member_invite(actor=staff, panel=panel, expert=expert, leader=True)
    member_answer(actor=expert.user, member=panel.members.get(), accept=True)
    for index, (_applicant, dossier) in enumerate(applicants_dossiers):
        dossier = Dossier.objects.get(pk=dossier.pk)
        dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
        assignment = Assignment.objects.get(stage=stage, dossier=dossier)
        conflict_declare(actor=expert.user, assignment=assignment, has_conflict=False)
        categories, items = criteria_of(stage, dossier)
        percent = (percents or {}).get(dossier.pk, 60 + 10 * index)
        sheet_save(
            actor=expert.user,
            assignment=assignment,
            percents={i.pk: percent for i in items},
            comments={c.pk: ("优势", "改进机会") for c in categories},
        )
        sheet_submit(actor=expert.user, assignment=assignment)
        result_confirm(
            actor=expert.user,
            stage=stage,
            dossier=dossier,
            agreed={i.pk: percent for i in items},
            reasons={},
            comments={c.pk: ("评审组认为的优势", "评审组建议的改进") for c in categories},
        )
    stage_close(actor=office, stage=stage)
    return expert
