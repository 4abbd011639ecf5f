"""Two things at once, with real threads against the real database: two experts
submitting their sheets, and a leader returning a sheet while its expert saves an old
copy of it. One clear outcome each time, nothing lost, no server error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from award_portal.notifications.models import Notification
from review.enums import AssignmentState, SheetState
from review.models import ItemScore, ScoreSheet, SheetReturn
from review.services.scoring import criteria_of, sheet_return, sheet_save, sheet_submit
from tests.factories.scoring import fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run the calls in threads released at once; return each one's result or error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as error:  # what the caller would see
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def running(office, cycle, applicant, org_dossier):
    return running_stage(office, cycle, [org_dossier], [applicant])


def test_two_experts_submitting_at_once_both_count_and_the_leader_is_told_once(running):
    leader, member, third = running.members
    fill(running.assignment(leader), 60)
    for expert in (member, third):
        fill(running.assignment(expert), 70, submit=False)
    outcomes = together(
        lambda: sheet_submit(actor=member.user, assignment=running.assignment(member)),
        lambda: sheet_submit(actor=third.user, assignment=running.assignment(third)),
    )
    assert [kind for kind, _value in outcomes] == ["ok", "ok"], outcomes
    for expert in running.members:
        assert running.assignment(expert).state == AssignmentState.SUBMITTED
    told = Notification.objects.filter(user=leader.user, title__contains=running.dossiers[0].number)
    assert told.filter(url__contains="/review/stages/").count() == 1


def test_a_leader_returning_a_sheet_while_its_expert_saves_an_old_copy(running):
    leader, member, _third = running.members
    fill(running.assignment(leader), 60)
    fill(running.assignment(_third), 60)
    draft = fill(running.assignment(member), 60, submit=False)
    opened_at = ScoreSheet.objects.get(pk=draft.pk).updated_at  # a window open on the draft
    sheet_submit(actor=member.user, assignment=running.assignment(member))
    _categories, items = criteria_of(running.stage, running.dossiers[0])
    outcomes = together(
        lambda: sheet_return(
            actor=leader.user, sheet=ScoreSheet.objects.get(pk=draft.pk), reason="请复核"
        ),
        lambda: sheet_save(
            actor=member.user,
            assignment=running.assignment(member),
            percents={i.pk: 95 for i in items},
            comments={},
            expected_updated_at=opened_at,
        ),
    )
    returned, saved = outcomes
    assert returned[0] == "ok", returned
    # whichever ran first, the old copy is refused with a message, never half-saved
    assert saved[0] == "error" and isinstance(saved[1], ValidationError), saved
    sheet = ScoreSheet.objects.get(pk=draft.pk)
    assert sheet.state == SheetState.DRAFT
    assert SheetReturn.objects.filter(sheet=sheet).count() == 1
    assert set(ItemScore.objects.filter(sheet=sheet).values_list("percent", flat=True)) == {60}
