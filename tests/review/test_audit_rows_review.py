"""The review's writing services leave their audit row in the same transaction: the
action, who did it and what it was done to (see ``tests/test_audit_rows.py``, whose
``SERVICE_TESTS`` point here). Each test walks the real services and reads the rows
written since its mark."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Dossier
from applications.services.dossiers import dossier_review_start
from award_portal.audit.enums import Action
from review.models import (
    ConflictFlag,
    FeedbackReport,
    MisconductCase,
    OnsiteFinding,
    PanelDossier,
    ReviewStage,
)
from review.services.agencies import engagement_contract_open, engagement_save, expert_update
from review.services.conflicts import conflict_declare, flag_resolve, register_export_record
from review.services.criteria import criteria_copy, criteria_save
from review.services.defence import slot_confirm, slot_save
from review.services.exports import review_export_record
from review.services.feedback import (
    case_close,
    conduct_rate,
    feedback_pdf_open,
    feedback_release,
)
from review.services.onsite import (
    finding_attachment_open,
    finding_record,
    items_to_choose,
    visit_save,
)
from review.services.panels import (
    dossier_assign,
    dossier_unassign,
    member_answer,
    member_invite,
    member_remove,
    panel_create,
    panel_set_leader,
)
from review.services.plans import review_start, stage_close
from review.services.scoring import (
    assigned_file_open,
    criteria_of,
    result_reopen,
    sheet_return,
    sheet_save,
    sheet_submit,
)
from tests.factories.applications import pdf_upload
from tests.factories.review import (
    STAGES,
    agency_for,
    agency_user,
    close_call,
    criteria_sets,
    expert_for,
    qualify,
    review_plan,
)
from tests.factories.review_followup import at_defence, at_onsite, concluded
from tests.factories.scoring import confirm, fill, running_stage
from tests.test_audit_rows import Trail

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ONE_STAGE = [{**STAGES[0], "weight": 100, "min_panel_size": 1}]


# --- the agency, its accounts and experts, the plan, the start --------------------------


def test_agency_engagement_accounts_and_experts(cycle, office):
    trail = Trail()
    agency = agency_for(office, cycle)
    saved = trail.one(Action.AGENCY_SAVED, actor=office, target=agency)
    assert saved.details["changes"]["name"] == ["", agency.name]
    # the contact's phone and address are masked in the trail
    assert saved.details["changes"]["contact_phone"] == ["", "047******00"]
    assert saved.details["changes"]["contact_email"][1].startswith("ag*")
    assert agency.contact_email not in str(saved.details)
    engaged = trail.one(Action.ENGAGEMENT_SAVED, actor=office, target=cycle)
    assert engaged.details["agency"] == agency.pk
    assert engaged.details["changes"]["contract_number"][1].startswith("HT-2026-")

    trail.move()
    engagement = engagement_save(
        actor=office, cycle=cycle, data={"agency": agency}, contract_upload=pdf_upload("合同.pdf")
    )
    rescanned = trail.one(Action.ENGAGEMENT_SAVED, actor=office, target=cycle)
    assert rescanned.details["changes"] == {"contract_scan": ["", engagement.contract_sha256]}
    trail.move()
    engagement_contract_open(actor=office, engagement=engagement)
    opened = trail.one(Action.FILE_DOWNLOADED, actor=office, target=cycle)
    assert opened.details == {"file": "contract_scan", "sha256": engagement.contract_sha256}

    trail.move()
    staff = agency_user(office, agency)
    created = trail.one(Action.STAFF_CREATED, actor=office, target=staff)
    assert created.details == {
        "role": "agency",
        "working_group_position": "",
        "agency": agency.pk,
        "agency_name": agency.name,
    }
    assert staff.agency_staff.agency == agency

    trail.move()
    expert = expert_for(staff, name="高文")
    trail.one(Action.STAFF_CREATED, actor=staff, target=expert.user)
    added = trail.one(Action.EXPERT_SAVED, actor=staff, target=expert)
    assert added.details == {"created": True, "agency": agency.pk, "former_employers": []}
    trail.move()
    expert_update(
        actor=staff,
        expert=expert,
        data={"title": "研究员", "phone": "13812345678"},
        former=[{"organisation": "锡林郭勒盟质量技术服务中心", "until_year": 2021}],
    )
    changed = trail.one(Action.EXPERT_SAVED, actor=staff, target=expert)
    assert changed.details == {
        "changes": {
            "title": ["教授", "研究员"],
            "phone": ["139******00", "138******78"],
            "former_employers": [[], ["锡林郭勒盟质量技术服务中心–2021"]],
        }
    }
    # an expert of another pool: refused, nothing written
    other = agency_user(office, agency_for(office, cycle, name="另一评审机构"))
    trail.move()
    with pytest.raises(PermissionDenied):
        expert_update(actor=other, expert=expert, data={"title": "讲师"})
    assert trail.rows() == []


def test_plan_start_and_exports(cycle, office, applicant, org_dossier, auditor):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    agency_for(office, cycle)
    trail = Trail()
    plan = review_plan(office, cycle)
    saved = trail.one(Action.PLAN_SAVED, actor=office, target=plan)
    assert [stage["kind"] for stage in saved.details["stages"]] == [
        "material",
        "onsite",
        "defence",
    ]
    assert saved.details["load_limit"] == 10

    trail.move()
    review_start(actor=office, cycle=cycle)
    trail.one(Action.PLAN_FROZEN, actor=office, target=plan)
    started = trail.one(Action.REVIEW_STARTED, actor=office, target=org_dossier)
    assert started.details == {}
    moved = trail.one(Action.CYCLE_TRANSITION, actor=office, target=cycle)
    assert moved.details["transition"] == "start_expert_review"
    opened = trail.one(Action.STAGE_OPENED, actor=office, target=cycle)
    assert opened.details == {"stage": "material", "position": 1}
    # a dossier under review already does not start again: refused, nothing written
    trail.move()
    with pytest.raises(ValidationError):
        dossier_review_start(dossier=org_dossier, actor=office)
    assert trail.rows() == []

    review_export_record(actor=auditor, cycle=cycle, export="scores", rows=70)
    exported = trail.one(Action.REVIEW_EXPORTED, actor=auditor, target=cycle)
    assert exported.details == {"export": "scores", "rows": 70}
    trail.move()
    register_export_record(actor=office, cycle=cycle, rows=2)
    register = trail.one(Action.REVIEW_EXPORTED, actor=office, target=cycle)
    assert register.details == {"export": "recusal_register", "format": "xlsx", "rows": 2}
    trail.move()
    with pytest.raises(PermissionDenied):
        register_export_record(actor=applicant, cycle=cycle, rows=2)
    assert trail.rows() == []


def test_criteria_copy_and_save(office):
    organisation_set, _individual_set = criteria_sets()
    trail = Trail()
    copy = criteria_copy(actor=office, source=organisation_set, version="2027", name="准则（2027）")
    copied = trail.one(Action.CRITERIA_SAVED, actor=office, target=copy)
    assert copied.details == {
        "copied_from": organisation_set.pk,
        "source": str(organisation_set),
        "version": "2027",
    }
    trail.move()
    band = copy.bands.order_by("id").first()
    criteria_save(
        actor=office,
        criteria_set=copy,
        data={"name": "准则（2027 试行）"},
        criteria={},
        bands={band.pk: {"text_zh": "尚未建立系统方法。"}},
    )
    saved = trail.one(Action.CRITERIA_SAVED, actor=office, target=copy)
    assert saved.details["changes"]["name"] == ["准则（2027）", "准则（2027 试行）"]
    assert saved.details["changes"][f"{band.kind}.{band.low}-{band.high}.text_zh"][1] == (
        "尚未建立系统方法。"
    )
    # a shipped set stays as published: refused, nothing written
    trail.move()
    with pytest.raises(ValidationError):
        criteria_save(
            actor=office, criteria_set=organisation_set, data={"name": "改"}, criteria={}, bands={}
        )
    assert trail.rows() == []


# --- panels: forming them, the invitations, the dossiers --------------------------------


def test_panels_members_and_dossiers(cycle, office, applicant, org_dossier):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    staff = agency_user(office, agency_for(office, cycle))
    review_plan(office, cycle, stages=ONE_STAGE)
    review_start(actor=office, cycle=cycle)
    stage = ReviewStage.objects.get(plan__cycle=cycle)
    dossier = Dossier.objects.get(pk=org_dossier.pk)
    first, second = expert_for(staff, name="甲专家"), expert_for(staff, name="乙专家")

    trail = Trail()
    panel = panel_create(actor=staff, stage=stage, name="第一评审组")
    created = trail.one(Action.PANEL_SAVED, actor=staff, target=cycle)
    assert created.details == {"panel": panel.pk, "name": "第一评审组", "stage": "material"}

    trail.move()
    member = member_invite(actor=staff, panel=panel, expert=first, leader=True)
    invited = trail.one(Action.MEMBER_INVITED_TO_PANEL, actor=staff, target=cycle)
    assert invited.details == {
        "panel": panel.pk,
        "expert": first.pk,
        "expert_name": "甲专家",
        "leader": True,
    }
    trail.move()
    member_answer(actor=first.user, member=member, accept=True)
    answered = trail.one(Action.MEMBER_ANSWERED, actor=first.user, target=cycle)
    assert answered.details == {"panel": panel.pk, "accepted": True, "reason": ""}
    trail.move()
    with pytest.raises(ValidationError):  # answered already: nothing written
        member_answer(actor=first.user, member=member, accept=False, reason="没空")
    assert trail.rows() == []
    other = member_invite(actor=staff, panel=panel, expert=second)
    member_answer(actor=second.user, member=other, accept=True)

    trail.move()
    panel_set_leader(actor=staff, panel=panel, expert=second)
    led = trail.one(Action.PANEL_SAVED, actor=staff, target=cycle)
    assert led.details == {"panel": panel.pk, "leader": second.pk, "leader_name": "乙专家"}

    trail.move()
    dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)
    assigned = trail.one(Action.DOSSIER_ASSIGNED, actor=staff, target=dossier)
    assert assigned.details == {"panel": panel.pk, "panel_name": "第一评审组", "stage": "material"}
    trail.move()
    dossier_assign(actor=staff, stage=stage, dossier=dossier, panel=panel)  # a double click
    assert trail.rows() == []

    assignment = first.assignments.get(stage=stage, dossier=dossier)
    conflict_declare(actor=first.user, assignment=assignment, has_conflict=False)
    declared = trail.one(Action.CONFLICT_DECLARED, actor=first.user, target=dossier)
    assert declared.details == {"stage": "material", "conflict": False, "type": ""}
    granted = trail.one(Action.GRANT, actor=first.user, target=dossier)
    assert granted.details["user"] == first.user.username

    # an expert working for the applicant: the invitation is refused, the likely conflict
    # flagged (by the system) for the office, which decides it with a reason
    insider = expert_for(staff, name="内部专家", employer=dossier.organisation.name)
    trail.move()
    with pytest.raises(ValidationError, match="内部专家"):
        member_invite(actor=staff, panel=panel, expert=insider)
    trail.one(Action.CONFLICT_FLAGGED, actor=None, target=dossier, actor_label="system")
    assert trail.rows(Action.MEMBER_INVITED_TO_PANEL) == []
    trail.move()
    flag = ConflictFlag.objects.get(expert=insider, dossier=dossier)
    flag_resolve(actor=office, flag=flag, confirmed=True, reason="该专家现任申报单位顾问")
    resolved = trail.one(Action.CONFLICT_RESOLVED, actor=office, target=dossier)
    assert resolved.details == {
        "expert": insider.pk,
        "expert_name": "内部专家",
        "source": flag.source,
        "confirmed": True,
        "reason": "该专家现任申报单位顾问",
    }

    trail.move()
    member_remove(actor=staff, member=member)
    removed = trail.one(Action.PANEL_SAVED, actor=staff, target=cycle)
    assert removed.details == {"panel": panel.pk, "removed": first.pk, "expert_name": "甲专家"}
    revoked = trail.one(Action.REVOKE, actor=staff, target=dossier)
    assert revoked.details["reason"] == "removed from the panel"

    trail.move()
    dossier_unassign(actor=staff, item=PanelDossier.objects.get(stage=stage, dossier=dossier))
    taken = trail.one(Action.DOSSIER_UNASSIGNED, actor=staff, target=dossier)
    assert taken.details == {"panel": panel.pk, "panel_name": "第一评审组", "stage": "material"}


# --- sheets, results, the close ----------------------------------------------------------


def test_sheets_results_and_the_close_of_the_last_stage(cycle, office, applicant, org_dossier):
    running = running_stage(
        office, cycle, [org_dossier], [applicant], members=2, conflicted=False, stages=ONE_STAGE
    )
    leader, member = running.members
    dossier = running.dossiers[0]
    assignment = running.assignment(member)
    categories, items = criteria_of(running.stage, dossier)

    trail = Trail()
    ordinary = dossier.files.filter(receipt__isnull=False, trade_secret=False).first()
    assigned_file_open(actor=member.user, assignment=assignment, file_pk=ordinary.pk)
    read = trail.one(Action.FILE_DOWNLOADED, actor=member.user, target=dossier)
    assert read.details == {
        "file": ordinary.pk,
        "sha256": ordinary.sha256,
        "stage": "material",
        "assignment": assignment.pk,
    }
    secret = dossier.files.get(receipt__isnull=False, trade_secret=True)
    assigned_file_open(actor=member.user, assignment=assignment, file_pk=secret.pk)
    stamped = trail.one(Action.SECRET_FILE_OPENED, actor=member.user, target=dossier)
    assert stamped.details["stamped"] is True and stamped.details["file"] == secret.pk

    trail.move()
    sheet_save(
        actor=member.user,
        assignment=assignment,
        percents={item.pk: 60 for item in items},
        comments={c.pk: ("方法系统", "测量分析尚需加强") for c in categories},
    )
    saved = trail.one(Action.SHEET_SAVED, actor=member.user, target=dossier)
    assert (saved.details["stage"], saved.details["rated"]) == ("material", len(items))
    trail.move()
    sheet = sheet_submit(actor=member.user, assignment=assignment)
    submitted = trail.one(Action.SHEET_SUBMITTED, actor=member.user, target=dossier)
    assert submitted.details == {"stage": "material", "total": str(sheet.total)}
    trail.move()
    with pytest.raises(PermissionDenied):  # submitted twice: locked, nothing written
        sheet_submit(actor=member.user, assignment=assignment)
    assert trail.rows() == []

    sheet_return(actor=leader.user, sheet=sheet, reason="4.7 结果项评分依据不足")
    returned = trail.one(Action.SHEET_RETURNED, actor=leader.user, target=dossier)
    assert returned.details == {
        "stage": "material",
        "expert": member.pk,
        "reason": "4.7 结果项评分依据不足",
    }

    fill(running.assignment(member), 60)
    fill(running.assignment(leader), 60)
    trail.move()
    result = confirm(running)
    confirmed = trail.one(Action.RESULT_CONFIRMED, actor=leader.user, target=dossier)
    assert (confirmed.details["score"], confirmed.details["sheets"]) == (str(result.score), 2)
    trail.move()
    result_reopen(actor=office, result=result, reason="合议理由需补充")
    reopened = trail.one(Action.RESULT_REOPENED, actor=office, target=dossier)
    assert reopened.details == {
        "stage": "material",
        "score": str(result.score),
        "reason": "合议理由需补充",
    }

    result = confirm(running)
    trail.move()
    stage_close(actor=office, stage=running.stage)
    closed = trail.one(Action.STAGE_CLOSED, actor=office, target=running.cycle)
    # the leader's two "all sheets are in" notices (before and after the reopening)
    # stop offering the result page, which closes to the leader with the stage
    assert closed.details == {
        "stage": "material",
        "results": 1,
        "advanced": [],
        "links_closed": 2,
    }
    # the last stage: the dossier's review concludes, by the office that closed it
    done = trail.one(Action.REVIEW_CONCLUDED, actor=office, target=dossier)
    assert done.details == {"stage": "material", "score": str(result.score), "advanced": None}
    assert len(trail.rows(Action.REVOKE)) == 2  # each expert's grant of the stage


# --- the on-site visit, the defence, the feedback report, the conduct ratings -------------


def test_visit_finding_and_its_attachment(office, cycle, applicant, org_dossier):
    world = at_onsite(office, cycle, applicant, org_dossier, conflicted=False)
    stage = world.stages["onsite"]
    items = items_to_choose(stage, world.dossier)[:2]
    trail = Trail()
    visit = visit_save(
        actor=world.leader.user,
        stage=stage,
        dossier=world.dossier,
        visit_date=date(2026, 6, 12),
        place="二连浩特市口岸物流园区",
        team=world.experts[:2],
        items=items,
    )
    scheduled = trail.one(Action.VISIT_SAVED, actor=world.leader.user, target=world.dossier)
    assert scheduled.details["visit"] == visit.pk and scheduled.details["created"] is True
    assert scheduled.details["date"] == "2026-06-12"

    trail.move()
    finding = finding_record(
        actor=world.experts[1].user,
        visit=visit,
        criterion=items[0],
        status="verified",
        note="管理制度文件与申报材料一致",
        upload=pdf_upload("制度.pdf"),
    )
    recorded = trail.one(Action.FINDING_RECORDED, actor=world.experts[1].user, target=world.dossier)
    assert recorded.details["finding"] == finding.pk
    assert recorded.details["sha256"] == finding.attachment_sha256 != ""

    trail.move()
    finding_attachment_open(actor=office, finding=OnsiteFinding.objects.get(pk=finding.pk))
    opened = trail.one(Action.FILE_DOWNLOADED, actor=office, target=world.dossier)
    assert opened.details == {
        "onsite_finding": finding.pk,
        "visit": visit.pk,
        "sha256": finding.attachment_sha256,
    }


def test_feedback_report_its_pdf_and_the_conduct_ratings(
    office, cycle, applicant, org_dossier, other_applicant
):
    world = concluded(office, cycle, applicant, org_dossier)
    trail = Trail()
    report = feedback_release(actor=office, dossier=world.dossier)
    released = trail.one(Action.FEEDBACK_RELEASED, actor=office, target=world.dossier)
    assert released.details["document"] == report.document.number

    trail.move()
    feedback_pdf_open(actor=applicant, report=FeedbackReport.objects.get(pk=report.pk))
    opened = trail.one(Action.FILE_DOWNLOADED, actor=applicant, target=world.dossier)
    assert opened.details == {"document": report.document.number, "kind": "review_feedback"}
    trail.move()
    with pytest.raises(PermissionDenied):  # somebody else's report: refused, not logged
        feedback_pdf_open(actor=other_applicant, report=report)
    assert trail.rows() == []

    rating = conduct_rate(
        actor=applicant,
        dossier=world.dossier,
        panel=world.panels["onsite"],
        timeliness=5,
        confidentiality=4,
        integrity=1,
        misconduct=True,
        misconduct_report="评审期间有专家暗示需要安排宴请",
    )
    rated = trail.one(Action.CONDUCT_RATED, actor=applicant, target=world.dossier)
    case = MisconductCase.objects.get(rating=rating)
    assert (rated.details["misconduct"], rated.details["case"]) == (True, case.pk)
    trail.move()
    case_close(actor=office, case=case, outcome="经核查，相关专家已移出专家库。")
    closed = trail.one(Action.MISCONDUCT_CLOSED, actor=office, target=world.dossier)
    assert closed.details == {
        "case": case.pk,
        "rating": rating.pk,
        "outcome": "经核查，相关专家已移出专家库。",
    }
    trail.move()
    with pytest.raises(ValidationError):  # closed already: nothing written
        case_close(actor=office, case=case, outcome="再次关闭")
    assert trail.rows() == []


def test_defence_slot_booked_and_confirmed(office, cycle, applicant, org_dossier):
    world = at_defence(office, cycle, applicant, org_dossier)
    stage = world.stages["defence"]
    starts = datetime(2026, 6, 18, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    trail = Trail()
    slot = slot_save(
        actor=world.staff,
        stage=stage,
        dossier=world.dossier,
        starts_at=starts,
        minutes=30,
        room="第一会议室",
    )
    booked = trail.one(Action.SLOT_SAVED, actor=world.staff, target=world.dossier)
    assert booked.details["slot"] == slot.pk and booked.details["created"] is True
    assert booked.details["starts_at"] == "2026-06-18T09:00:00+08:00"
    trail.move()
    slot_confirm(actor=applicant, slot=slot)
    confirmed = trail.one(Action.SLOT_CONFIRMED, actor=applicant, target=world.dossier)
    assert confirmed.details == {
        "stage": "defence",
        "slot": slot.pk,
        "starts_at": "2026-06-18T09:00:00+08:00",
    }
    trail.move()
    slot_confirm(actor=applicant, slot=slot)  # a double click confirms once
    assert trail.rows() == []
