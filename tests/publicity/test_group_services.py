"""The working group's services as the office's meeting pages use them: the roster, the
quorum at the opening, paper ballots, recusals in the tally, second ballots. Each refusal
leaves everything as it was."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import DossierState
from applications.models import Dossier
from award_portal.audit.models import AuditEvent
from publicity.enums import MeetingState
from publicity.models import Attendance, Ballot, Decision, GroupMember, Meeting, Vote
from publicity.services.group import (
    ballot_close,
    conflict_declare,
    meeting_close,
    meeting_open,
    meeting_schedule,
    member_add,
    tally,
    vote_cast,
)
from tests.factories import UserFactory
from tests.factories.office_flow import (
    SH,
    close_comment,
    first_ballot,
    meeting_in_session,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
    vote,
    working_group,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def listed(cycle, office, june_2026):
    """Three organisations reviewed, all three on the candidate list; quota 1."""
    reviewed = reviewed_dossiers(office, cycle, prefix="org_g")
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    rank_and_submit(office, cycle, on_list=3)
    return [Dossier.objects.get(pk=d.pk) for d in reversed(reviewed)]  # best first


def scheduled(office, cycle, **rules):
    return meeting_schedule(
        actor=office,
        cycle=cycle,
        data={
            "held_on": datetime(2026, 7, 20, 14, 30, tzinfo=SH),
            "place": "会议室",
            "agenda": "审议",
            **rules,
        },
    )


def test_the_defaults_are_more_than_half_present_and_of_those_present(cycle, office, listed):
    meeting = scheduled(office, cycle)
    assert (meeting.quorum_rule, meeting.decision_rule) == ("more_than_half", "half_present")


def test_exactly_half_present_does_not_open_the_meeting(cycle, office, listed):
    members = working_group(office, cycle, n=4)
    meeting = scheduled(office, cycle)
    with pytest.raises(ValidationError, match="2名"):
        meeting_open(
            actor=office,
            meeting=meeting,
            present={m.pk: i < 2 for i, m in enumerate(members)},
        )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED and meeting.opened_at is None
    assert not Attendance.objects.exists() and not Ballot.objects.exists()
    meeting_open(
        actor=office, meeting=meeting, present={m.pk: i < 3 for i, m in enumerate(members)}
    )
    assert Meeting.objects.get().state == MeetingState.OPEN


def test_two_of_three_opens_under_the_two_thirds_rule_and_the_rule_is_then_frozen(
    cycle, office, listed
):
    members = working_group(office, cycle, n=3)
    meeting = scheduled(office, cycle, quorum_rule="two_thirds")
    meeting_open(
        actor=office, meeting=meeting, present={m.pk: m is not members[2] for m in members}
    )
    with pytest.raises(ValidationError):
        meeting_schedule(
            actor=office, cycle=cycle, meeting=meeting, data={"quorum_rule": "more_than_half"}
        )
    assert Meeting.objects.get().quorum_rule == "two_thirds"


def test_paper_ballots_only_for_members_present_and_only_by_the_office(cycle, office, listed):
    members = working_group(office, cycle, n=3)
    meeting = meeting_in_session(office, cycle, members, absent=[members[2]])
    ballot = first_ballot(meeting)
    choices = {d.pk: "yes" for d in listed}
    with pytest.raises(ValidationError, match="出席"):
        vote_cast(actor=office, ballot=ballot, choices=choices, member=members[2])
    with pytest.raises(PermissionDenied):
        vote_cast(actor=members[0].user, ballot=ballot, choices=choices, member=members[1])
    with pytest.raises(ValidationError, match="每一名候选对象"):
        vote_cast(actor=office, ballot=ballot, choices={listed[0].pk: "yes"}, member=members[1])
    with pytest.raises(ValidationError, match="同意、不同意或弃权"):
        vote_cast(
            actor=office,
            ballot=ballot,
            choices={d.pk: "maybe" for d in listed},
            member=members[1],
        )
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError, match="未投票"):
        ballot_close(actor=office, ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).closed_at is None


def test_a_recused_member_neither_votes_on_nor_counts_for_that_candidate(cycle, office, listed):
    members = working_group(office, cycle, n=3)
    conflict_declare(actor=members[2].user, cycle=cycle, dossier=listed[0], note="亲属任职")
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    with pytest.raises(ValidationError):  # the paper ballot cannot include that candidate
        vote_cast(
            actor=office,
            ballot=ballot,
            choices={d.pk: "yes" for d in listed},
            member=members[2],
        )
    vote(ballot, members, lambda m, d: "yes" if d == listed[0] else "no")
    counts = {t.dossier: t for t in tally(ballot)}
    assert counts[listed[0].pk].eligible == 2 and counts[listed[0].pk].yes == 2
    assert counts[listed[1].pk].eligible == 3
    ballot_close(actor=office, ballot=ballot)
    decision = Decision.objects.get(dossier=listed[0])
    assert (decision.recused, decision.present, decision.carried, decision.proposed) == (
        1,
        2,
        True,
        True,
    )


def test_more_carried_than_places_takes_the_most_votes_without_a_second_ballot(
    cycle, office, listed
):
    members = working_group(office, cycle, n=5)
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    # yes votes: listed[0] 5, listed[1] 4, listed[2] 3: all carried, one place
    vote(ballot, members, lambda m, d: "no" if members.index(m) >= 5 - listed.index(d) else "yes")
    assert ballot_close(actor=office, ballot=ballot) is None
    meeting_close(actor=office, meeting=meeting)
    states = {d.pk: Dossier.objects.get(pk=d.pk).state for d in listed}
    assert states == {
        listed[0].pk: DossierState.PROPOSED,
        listed[1].pk: DossierState.NOT_PROPOSED,
        listed[2].pk: DossierState.NOT_PROPOSED,
    }


def test_a_tie_again_in_the_second_ballot_opens_a_third(cycle, office, listed):
    members = working_group(office, cycle, n=4)
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    tied = {listed[0].pk, listed[1].pk}
    vote(ballot, members, lambda m, d: "yes" if d.pk in tied else "no")
    second = ballot_close(actor=office, ballot=ballot)
    assert second.number == 2 and set(second.candidates.values_list("pk", flat=True)) == tied
    assert second.reason == "2名候选对象同意票均为4票，争夺1个名额。"
    # the members insist on both: tied again, a third ballot with its own reason
    vote(second, members, lambda m, d: "yes")
    third = ballot_close(actor=office, ballot=second)
    assert third.number == 3 and third.reason == second.reason
    with pytest.raises(ValidationError):
        meeting_close(actor=office, meeting=meeting)  # a ballot is still open
    assert Meeting.objects.get().state == MeetingState.OPEN


def test_the_roster_takes_only_active_group_accounts_and_not_in_session(cycle, office, listed):
    members = working_group(office, cycle, n=3)
    expert = UserFactory(username="an_expert", role="expert")
    retired = UserFactory(username="retired_wg", role="working_group", is_active=False)
    for user in (expert, retired):
        with pytest.raises(ValidationError, match="专项工作组账户"):
            member_add(
                actor=office,
                cycle=cycle,
                user=user,
                position="member",
                department="x",
                since=date(2026, 7, 1),
            )
    with pytest.raises(ValidationError, match="组长"):
        member_add(
            actor=office,
            cycle=cycle,
            user=UserFactory(username="second_leader", role="working_group"),
            position="leader",
            department="x",
            since=date(2026, 7, 1),
        )
    meeting_in_session(office, cycle, members)
    with pytest.raises(ValidationError, match="会议进行期间"):
        member_add(
            actor=office,
            cycle=cycle,
            user=UserFactory(username="late_wg", role="working_group"),
            position="member",
            department="x",
            since=date(2026, 7, 20),
        )
    assert GroupMember.objects.count() == 3


def test_the_roster_of_a_round_that_is_over_no_longer_changes(client, office, edition_2021):
    """The roster of an awarded round is the record of who sat: its page offers no
    change and the services refuse one."""
    from publicity.services.group import member_end
    from tests.factories.publicity_rounds import awarded_round

    cycle, _awards = awarded_round(office, edition_2021)
    sat = GroupMember.objects.create(
        cycle=cycle,
        user=UserFactory(username="sat_wg", role="working_group"),
        position="member",
        department="市市场监督管理局",
        since=date(2024, 7, 1),
        added_by=office,
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="本届评选已结束"):
        member_add(
            actor=office,
            cycle=cycle,
            user=UserFactory(username="late_wg", role="working_group"),
            position="member",
            department="市发展和改革委员会",
            since=date(2026, 7, 1),
        )
    with pytest.raises(ValidationError, match="本届评选已结束"):
        member_end(actor=office, member=sat, until=date(2026, 7, 1))
    sat.refresh_from_db()
    assert sat.until is None and GroupMember.objects.filter(cycle=cycle).count() == 1
    assert AuditEvent.objects.count() == events
    client.force_login(office)
    page = client.get(f"/office/rounds/{cycle.pk}/group/").content.decode()
    assert "以下为本届专项工作组名单记录，不再变更" in page and sat.user.display_name in page
    assert "加入专项工作组" not in page and 'value="end"' not in page
    # a form kept open from before: refused with the reason shown, nothing changed
    events = AuditEvent.objects.count()  # the log-in wrote its own
    response = client.post(
        f"/office/rounds/{cycle.pk}/group/",
        {"action": "end", "member": sat.pk, f"e{sat.pk}-until": "2026-07-01"},
        follow=True,
    )
    assert "本届评选已结束，专项工作组名单作为记录保存，不再变更" in response.content.decode()
    sat.refresh_from_db()
    assert sat.until is None and AuditEvent.objects.count() == events
