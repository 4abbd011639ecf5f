"""``load_demo_supervision``: on the past demo round, the yearly report schedule, the
organisation winner's reports (filed, evaluated, the latest sent back for a correction
that is now due), a past visit with an Art. 32 finding closed and one open; idempotent;
refused in production."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from publicity.management.commands.load_demo_award import PAST_NAME
from publicity.models import Award, FollowUpVisit, FundReport, FundSchedule, VisitFinding
from tests.factories.review import criteria_sets

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def demo(settings, edition_2021):
    settings.DEBUG = True
    criteria_sets()
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)
    call_command("load_demo_cycle", stdout=io.StringIO())
    call_command("load_demo_award", stdout=io.StringIO())


def test_demo_supervision_shows_a_report_due_and_a_past_visit(demo, client):
    real_now = timezone.now
    out = io.StringIO()
    call_command("load_demo_supervision", stdout=out)
    assert PAST_NAME in out.getvalue()
    assert timezone.now is real_now  # the demo's clock is put back
    today = timezone.localdate()
    award = Award.objects.get(cycle__name=PAST_NAME, prize__isnull=False)
    assert FundSchedule.objects.filter(cycle=award.cycle).exists()
    reports = list(FundReport.objects.filter(award=award).order_by("sequence"))
    filed = [r for r in reports if r.version]
    if filed:  # a period of the title is over: the latest report waits for its correction
        latest = filed[-1]
        assert latest.state == "correction" and latest.deadline.due_date >= today
        assert all(r.state == "evaluated" for r in filed[:-1])
    visit = FollowUpVisit.objects.get(award=award, state="recorded")
    assert visit.visited_on < today
    findings = {f.article: f.closed_on for f in VisitFinding.objects.filter(visit=visit)}
    assert findings["32"] is not None and findings[""] is None
    # the winner sees its report due on its dashboard
    from applications.services.grants import dossier_applicant_users

    client.force_login(dossier_applicant_users(award.dossier)[0])
    page = client.get("/dashboard/").content.decode()
    assert "奖金使用情况报告" in page
    # once more: nothing new
    again = io.StringIO()
    call_command("load_demo_supervision", stdout=again)
    assert "already present" in again.getvalue()
    assert FollowUpVisit.objects.filter(award=award).count() == 2


def test_demo_supervision_is_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_supervision", stdout=io.StringIO())
