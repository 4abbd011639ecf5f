"""The working group's quorum, decision and quota rules against a table of cases, at the
boundaries where a one-character mistake (> for >=, members for present) changes the
outcome."""

import pytest

from publicity.rules import Tally, carried, decide, quorum_met

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("rule", "members", "present", "met"),
    [
        # more than half: exactly half is NO quorum
        ("more_than_half", 4, 2, False),
        ("more_than_half", 4, 3, True),
        ("more_than_half", 5, 2, False),
        ("more_than_half", 5, 3, True),
        ("more_than_half", 1, 1, True),
        ("more_than_half", 1, 0, False),
        ("more_than_half", 7, 4, True),
        ("more_than_half", 6, 3, False),
        # at least two thirds: 2 of 3 is two thirds
        ("two_thirds", 3, 2, True),
        ("two_thirds", 3, 1, False),
        ("two_thirds", 6, 4, True),
        ("two_thirds", 7, 4, False),  # 4/7 < 2/3
        ("two_thirds", 7, 5, True),
        ("two_thirds", 9, 6, True),
        ("two_thirds", 9, 5, False),
        # a group without members never has a quorum
        ("more_than_half", 0, 0, False),
        ("two_thirds", 0, 0, False),
    ],
)
def test_quorum(rule, members, present, met):
    assert quorum_met(rule, members=members, present=present) is met


def test_an_unknown_quorum_rule_is_an_error_not_a_quorum():
    with pytest.raises(ValueError, match="quorum"):
        quorum_met("most", members=5, present=5)


@pytest.mark.parametrize(
    ("rule", "yes", "members", "present", "result"),
    [
        # more than half of those present (who may vote on the candidate)
        ("half_present", 2, 5, 4, False),  # exactly half of 4 present
        ("half_present", 3, 5, 4, True),
        ("half_present", 2, 5, 3, True),  # a recusal lowers the count that matters
        ("half_present", 3, 7, 6, False),
        ("half_present", 4, 7, 6, True),
        ("half_present", 0, 5, 0, False),  # nobody could vote: not carried
        # more than half of ALL members, whoever came
        ("half_members", 3, 5, 3, True),
        ("half_members", 3, 6, 6, False),  # exactly half of 6 members
        ("half_members", 4, 6, 4, True),
        ("half_members", 2, 5, 2, False),  # unanimous but too few
        # at least two thirds of those present
        ("two_thirds_present", 2, 5, 3, True),  # 2 of 3 is two thirds
        ("two_thirds_present", 3, 5, 5, False),
        ("two_thirds_present", 4, 7, 6, True),
        ("two_thirds_present", 3, 7, 5, False),
    ],
)
def test_carried(rule, yes, members, present, result):
    assert carried(rule, yes=yes, members=members, present=present) is result


def test_an_unknown_decision_rule_is_an_error_not_a_decision():
    with pytest.raises(ValueError, match="decision"):
        carried("acclamation", yes=5, members=5, present=5)


def t(dossier: int, yes: int, *, passed: bool = True, eligible: int = 5) -> Tally:
    return Tally(
        dossier=dossier, yes=yes, no=eligible - yes, abstain=0, eligible=eligible, carried=passed
    )


@pytest.mark.parametrize(
    ("tallies", "quota", "proposed", "runoff", "slots"),
    [
        # the carried fit the quota: all proposed, most votes first
        ([t(1, 4), t(2, 5)], 2, [2, 1], [], 0),
        # more carried than places, no tie at the edge: the best ones
        ([t(1, 3), t(2, 5), t(3, 4)], 2, [2, 3], [], 0),
        ([t(1, 3), t(2, 5), t(3, 4)], 1, [2], [], 0),
        # a tie at the quota's edge goes to a second ballot among the tied, for the
        # places left; never decided by the order of the list
        ([t(1, 4), t(2, 4)], 1, [], [1, 2], 1),
        ([t(1, 5), t(2, 4), t(3, 4)], 2, [1], [2, 3], 1),
        ([t(1, 4), t(2, 4), t(3, 4)], 2, [], [1, 2, 3], 2),
        # a tie below the edge changes nothing
        ([t(1, 5), t(2, 3), t(3, 3)], 1, [1], [], 0),
        # a tie that fits the quota: both proposed
        ([t(1, 4), t(2, 4)], 2, [1, 2], [], 0),
        # quota 0: nobody, whatever the votes
        ([t(1, 5), t(2, 5)], 0, [], [], 0),
        # fewer carried than the quota: the rest stays vacant
        ([t(1, 5), t(2, 1, passed=False)], 2, [1], [], 0),
        # nobody carried: every place vacant
        ([t(1, 2, passed=False), t(2, 1, passed=False)], 1, [], [], 0),
        # not carried candidates never take a place, however many yes votes
        ([t(1, 4, passed=False), t(2, 3)], 1, [2], [], 0),
        ([], 1, [], [], 0),
    ],
)
def test_decide(tallies, quota, proposed, runoff, slots):
    outcome = decide(tallies, quota=quota)
    assert outcome.proposed == proposed
    assert sorted(outcome.runoff) == runoff
    assert outcome.runoff_slots == slots
