"""``load_demo_award``: a past round through the whole flow and a round in public
comment, built through the services with the clock set back inside the command only;
idempotent; refused in production."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications.enums import CycleState, DossierState
from applications.models import Cycle
from award_portal.audit.models import AuditEvent
from award_portal.workdays.models import Deadline, DeadlineStatus
from publicity.enums import MeetingState, ObjectionState, RevocationState
from publicity.management.commands.load_demo_award import CURRENT_NAME, PAST_NAME
from publicity.models import (
    Award,
    Comment,
    GroupMember,
    Meeting,
    MemberConflict,
    Objection,
    RevocationCase,
)
from publicity.services.award import certificate_lookup
from tests.factories.review import criteria_sets

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def demo(settings, edition_2021):
    settings.DEBUG = True  # the demo commands refuse to run otherwise, as in production
    criteria_sets()
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)
    call_command("load_demo_cycle", stdout=io.StringIO())


def run() -> str:
    out = io.StringIO()
    call_command("load_demo_award", stdout=out)
    return out.getvalue()


def test_demo_award_builds_a_past_round_and_one_in_comment_and_runs_twice(demo):
    real_now = timezone.now
    output = run()
    assert PAST_NAME in output and CURRENT_NAME in output
    today = timezone.localdate()

    past = Cycle.objects.get(name=PAST_NAME)
    assert past.state == CycleState.AWARDED
    assert past.announcement_date < today - timedelta(days=500)
    states = {d.applicant_name: d.state for d in past.dossiers.all()}
    assert states == {
        "二连浩特市口岸物流有限公司": DossierState.AWARDED,
        "二连浩特市恐龙乳业有限责任公司": DossierState.NOT_PROPOSED,
        "孙丽娟": DossierState.REVOKED,
    }
    awards = list(Award.objects.filter(cycle=past))
    assert len(awards) == 2
    for award in awards:
        # the certificate verifies; the organisation's title is valid today, the
        # person's was revoked for fraud (Art. 28) with a public notice and a ban
        assert certificate_lookup(award.certificate_number) == award
        assert award.status_on(today) == ("revoked" if award.kind == "individual" else "valid")
        assert award.plaque_delivered_on is not None
        # the round's dates lie in the past, as the clock said when each step was taken
        assert award.granted_at.date() == award.valid_from < today
    prize = Award.objects.get(cycle=past, kind="organisation").prize
    assert prize.paid_on is not None and prize.paid_on.year == prize.budget_year
    case = RevocationCase.objects.get(award__cycle=past)
    assert case.state == RevocationState.CLOSED and case.notice is not None
    assert case.statement and case.decided_on < today and case.recovery_completed_on < today
    assert case.ban.ends_on.year == case.decided_on.year + 5
    meeting = Meeting.objects.get(cycle=past)
    assert meeting.state == MeetingState.CLOSED and meeting.minutes is not None
    assert meeting.closed_at.date() < today
    assert MemberConflict.objects.filter(
        member__cycle=past, member__user__username="wg3", dossier__state=DossierState.NOT_PROPOSED
    ).exists()
    objection = Objection.objects.get(notice__cycle=past)
    assert objection.state == ObjectionState.UNFOUNDED
    assert objection.filed_at.date() < today
    assert past.publicity_notice.ended_at is not None
    assert past.results_notice.comments.get().weighings.exists()
    # nothing of the past round is left open or overdue (no reminder goes out for it)
    assert not Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__lt=today).exists()

    current = Cycle.objects.get(name=CURRENT_NAME)
    assert current.state == CycleState.PUBLIC_COMMENT
    notice = current.results_notice
    assert notice.is_open and notice.published_at.date() < today
    assert Comment.objects.filter(notice=notice).count() == 1
    assert {d.state for d in current.dossiers.all()} == {DossierState.REVIEWED}
    for cycle in (past, current):
        roster = {
            m.user.username: m.position
            for m in GroupMember.objects.filter(cycle=cycle, until__isnull=True)
        }
        assert roster == {"wg1": "leader", "wg2": "deputy", "wg3": "member"}

    # the clock is Django's own again, for every model default too
    assert timezone.now is real_now
    assert Comment._meta.get_field("received_at").default is real_now
    assert abs(AuditEvent().occurred_at - real_now()) < timedelta(minutes=1)

    counts = (Cycle.objects.count(), Award.objects.count(), AuditEvent.objects.count())
    again = run()
    assert "already present" in again
    assert (Cycle.objects.count(), Award.objects.count(), AuditEvent.objects.count()) == counts


def test_demo_award_refuses_without_debug(settings, demo):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_award", stdout=io.StringIO())
    assert not Cycle.objects.filter(name__in=[PAST_NAME, CURRENT_NAME]).exists()
