"""Follow-up visits (Art. 33 定期寻访, Art. 32 the title's use): planned within the title's
validity by the office or a department it names, recorded with what was seen and the
Art. 32 checks as yes/no findings, findings followed up to closure."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from award_portal.audit.models import AuditEvent
from publicity.models import Award, FollowUpVisit, VisitFinding
from publicity.services.supervision import finding_close, title_days_left, visit_plan, visit_record
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def award(office, edition_2021, june_2026, applicant):
    """Valid 2024-08-05 to 2027-08-04; today 2026-06-02."""
    _cycle, awards = awarded_round(office, edition_2021, winners=(1, 0), owner=applicant)
    return awards[0]


def record(office, visit, **changes):
    data = {
        "visited_on": date(2026, 6, 2),
        "visitors": "王科长、李干事",
        "production": "生产线运行正常。",
        "quality_management": "质量管理体系运行有效。",
        "title_use": "企业宣传册使用了市长质量奖称号。",
        "award_year_stated": True,
        "title_on_products": False,
        "rating": "good",
        "findings": [],
    }
    data.update(changes)
    return visit_record(actor=office, visit=visit, **data)


def test_visits_are_planned_within_the_validity(award, office):
    # the last day of the title is fine, the next is not
    visit = visit_plan(
        actor=office, award=award, planned_on=date(2027, 8, 4), department="市市场监管局质量股"
    )
    assert visit.department == "市市场监管局质量股"
    with pytest.raises(ValidationError, match="2027年8月4日"):
        visit_plan(actor=office, award=award, planned_on=date(2027, 8, 5), department="协调办")
    with pytest.raises(ValidationError):
        visit_plan(actor=office, award=award, planned_on=date(2026, 6, 1), department="协调办")
    with pytest.raises(ValidationError):
        visit_plan(actor=office, award=award, planned_on=date(2026, 7, 1), department=" ")
    assert FollowUpVisit.objects.count() == 1


def test_a_revoked_title_is_not_visited(award, office):
    Award.objects.filter(pk=award.pk).update(revoked_on=date(2026, 6, 1))
    award.refresh_from_db()
    with pytest.raises(ValidationError):
        visit_plan(actor=office, award=award, planned_on=date(2026, 7, 1), department="协调办")
    assert title_days_left(award, date(2026, 6, 2)) is None


def test_days_left_of_the_title(award):
    assert title_days_left(award, date(2027, 8, 4)) == 0
    assert title_days_left(award, date(2027, 8, 3)) == 1
    assert title_days_left(award, date(2027, 8, 5)) is None


def test_only_the_office_plans_and_records(award, auditor, applicant, office):
    for actor in (auditor, applicant):
        with pytest.raises(PermissionDenied):
            visit_plan(actor=actor, award=award, planned_on=date(2026, 7, 1), department="x")
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    with pytest.raises(PermissionDenied):
        record(auditor, visit)
    visit.refresh_from_db()
    assert visit.state == "planned"


def test_a_breach_of_article_32_opens_its_own_finding(award, office):
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    record(
        office,
        visit,
        award_year_stated=False,
        title_on_products=True,
        rating="fair",
        findings=["质量档案不完整", "  "],
    )
    visit.refresh_from_db()
    assert (visit.state, visit.award_year_stated, visit.title_on_products) == (
        "recorded",
        False,
        True,
    )
    findings = list(visit.findings.order_by("id"))
    assert len(findings) == 3
    assert [f.article for f in findings] == ["32", "32", ""]
    assert all(f.is_open and f.opened_on == date(2026, 6, 2) for f in findings)


def test_a_clean_visit_opens_no_finding(award, office):
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    record(office, visit)
    assert not VisitFinding.objects.exists()


def test_a_visit_is_recorded_once_and_not_before_it_happens(award, office):
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    with pytest.raises(ValidationError):
        record(office, visit, visited_on=date(2026, 6, 3))
    with pytest.raises(ValidationError):
        record(office, visit, visitors="")
    record(office, visit)
    with pytest.raises(ValidationError, match="本次寻访已登记"):
        record(office, visit, rating="poor")
    visit.refresh_from_db()
    assert visit.rating == "good"


def test_a_finding_is_closed_with_a_date_and_a_note(award, office, june_2026):
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    record(office, visit, findings=["质量档案不完整"])
    finding = visit.findings.get()
    with pytest.raises(ValidationError):
        finding_close(actor=office, finding=finding, closed_on=date(2026, 6, 1), note="已整改")
    with pytest.raises(ValidationError):
        finding_close(actor=office, finding=finding, closed_on=date(2026, 6, 2), note=" ")
    finding.refresh_from_db()
    assert finding.is_open
    # the day of the visit itself is allowed
    finding_close(actor=office, finding=finding, closed_on=date(2026, 6, 2), note="已补齐档案")
    finding.refresh_from_db()
    assert (finding.closed_on, finding.closing_note, finding.closed_by) == (
        date(2026, 6, 2),
        "已补齐档案",
        office,
    )
    with pytest.raises(ValidationError, match="已整改销号"):
        finding_close(actor=office, finding=finding, closed_on=date(2026, 6, 2), note="again")


def test_visit_services_write_their_audit_rows(award, office):
    visit = visit_plan(actor=office, award=award, planned_on=date(2026, 6, 2), department="协调办")
    planned = AuditEvent.objects.get(action="publicity.visit_planned")
    assert (planned.actor, planned.target_id) == (office, str(visit.pk))
    record(office, visit, findings=["质量档案不完整"])
    recorded = AuditEvent.objects.get(action="publicity.visit_recorded")
    assert (recorded.actor, recorded.target_id) == (office, str(visit.pk))
    assert recorded.details["findings"] == 1
    finding_close(
        actor=office, finding=visit.findings.get(), closed_on=date(2026, 6, 2), note="已整改"
    )
    closed = AuditEvent.objects.get(action="publicity.finding_closed")
    assert (closed.actor, closed.target_id) == (office, str(visit.pk))
    assert closed.target_type.model_class() is FollowUpVisit
