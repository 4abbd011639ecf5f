"""Things that happen at the same moment, in real threads against the real database:
two members voting at once, a vote arriving as the ballot closes, the same member's two
clicks, a double-clicked weighing and a double-clicked publication. Each ends in one
clear outcome: counted or refused with a message, never lost, never twice, never an
error page."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client

from applications.enums import CycleState
from applications.models import Cycle
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.models import Ballot, CommentWeighing, Decision, ResultsNotice, Vote
from publicity.services.comment import notice_save
from publicity.services.group import ballot_close, vote_cast
from tests.factories.office_flow import (
    close_comment,
    comment_on,
    first_ballot,
    meeting_in_session,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
    working_group,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def together(*calls) -> list:
    """Run the calls in threads released at once; each result is the return value or
    the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def in_session(cycle, office, june_2026):
    reviewed_dossiers(office, cycle, prefix="org_r")
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    rank_and_submit(office, cycle)
    members = working_group(office, cycle, n=3, prefix="wgr")
    meeting = meeting_in_session(office, cycle, members)
    ballot = first_ballot(meeting)
    return members, ballot, [d.pk for d in ballot.candidates.all()]


def test_two_members_voting_at_once_are_both_counted(in_session):
    members, ballot, ids = in_session
    results = together(
        *[
            lambda m=m: vote_cast(actor=m.user, ballot=ballot, choices={pk: "yes" for pk in ids})
            for m in members[:2]
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Vote.objects.filter(ballot=ballot).count() == 2 * len(ids)
    assert AuditEvent.objects.filter(action=Action.VOTE_CAST).count() == 2


def test_the_same_members_two_clicks_record_one_ballot(in_session):
    members, ballot, ids = in_session
    member = members[0]
    results = together(
        lambda: vote_cast(actor=member.user, ballot=ballot, choices={pk: "yes" for pk in ids}),
        lambda: vote_cast(actor=member.user, ballot=ballot, choices={pk: "no" for pk in ids}),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "已经记录" in refused[0].messages[0]
    votes = Vote.objects.filter(ballot=ballot, member=member)
    assert votes.count() == len(ids) and len({v.choice for v in votes}) == 1


def test_a_vote_arriving_as_the_ballot_closes_is_counted_or_the_close_refused(in_session, office):
    members, ballot, ids = in_session
    for member in members[:2]:
        vote_cast(actor=member.user, ballot=ballot, choices={pk: "yes" for pk in ids})
    last = members[2]
    vote, close = together(
        lambda: vote_cast(actor=last.user, ballot=ballot, choices={pk: "no" for pk in ids}),
        lambda: ballot_close(actor=office, ballot=ballot),
    )
    # the vote is never lost: it is recorded whichever came first
    assert not isinstance(vote, Exception), vote
    assert Vote.objects.filter(ballot=ballot, member=last).count() == len(ids)
    ballot.refresh_from_db()
    if isinstance(close, ValidationError):  # the close came first: refused, ballot open
        assert "1名出席成员未投票" in close.messages[0]
        assert ballot.closed_at is None and not Decision.objects.exists()
        ballot_close(actor=office, ballot=ballot)
    else:  # the vote came first: the close counted it
        assert not isinstance(close, Exception), close
    counted = {d.dossier_id: d.yes + d.no + d.abstain for d in Decision.objects.all()}
    runoffs = Ballot.objects.filter(meeting=ballot.meeting, number=2)
    for pk in ids:
        if pk in counted:
            assert counted[pk] == 3  # all three members' votes, the last one included
    assert counted or runoffs.exists()


def test_a_double_clicked_weighing_records_one(client, cycle, office, june_2026):
    reviewed = reviewed_dossiers(office, cycle, prefix="org_w")
    comment = comment_on(publish_results(office, cycle), reviewed[0])
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(office)
    form = {"decision": "taken", "reason": "经核实属实", "after": "0"}
    results = together(
        *[lambda c=c: c.post(f"/office/comments/{comment.pk}/", form) for c in clients]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status_code for r in results) == [302, 302]  # both answered, no error
    assert CommentWeighing.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.COMMENT_WEIGHED).count() == 1


def test_a_double_clicked_publication_publishes_once(cycle, office):
    reviewed_dossiers(office, cycle, prefix="org_p")
    notice_save(actor=office, cycle=cycle, data={"title": "公示", "body": "正文"})
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(office)
    url = f"/office/rounds/{cycle.pk}/results/"
    results = together(
        *[lambda c=c: c.post(url, {"action": "publish", "confirmed": "yes"}) for c in clients]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r.status_code for r in results] == [302, 302]
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLIC_COMMENT
    assert AuditEvent.objects.filter(action=Action.NOTICE_PUBLISHED).count() == 1
    notice = ResultsNotice.objects.get()
    assert notice.entries.count() == 3  # frozen once, not twice
