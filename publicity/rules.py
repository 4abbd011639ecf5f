"""The working group's quorum, decision and quota rules (pure functions, no database).

The Measures (Art. 21) ask for a plenary meeting (全体成员会议) that decides the proposed
list; the quorum and the majority are the office's procedure for the round (defaults: a
plenary is valid with more than half of the members present; a candidate is carried by
the yes votes of more than half of the members present). The proposed list holds at
most the round's quota per kind; a slot may stay vacant; a tie at the quota's edge or
more carried candidates than slots goes to a second ballot among the tied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def quorum_met(rule: str, *, members: int, present: int) -> bool:
    if members <= 0:
        return False
    if rule == "more_than_half":
        return present * 2 > members
    if rule == "two_thirds":
        return present * 3 >= members * 2
    raise ValueError(f"unknown quorum rule {rule!r}")


def carried(rule: str, *, yes: int, members: int, present: int) -> bool:
    """Whether ``yes`` votes carry a candidate. ``present`` counts the members present who
    may vote on this candidate (recused members are not counted)."""
    if rule == "half_present":
        return yes * 2 > present
    if rule == "half_members":
        return yes * 2 > members
    if rule == "two_thirds_present":
        return yes * 3 >= present * 2
    raise ValueError(f"unknown decision rule {rule!r}")


@dataclass(frozen=True)
class Tally:
    dossier: int
    yes: int
    no: int
    abstain: int
    eligible: int  # present and not recused
    carried: bool


@dataclass
class Outcome:
    """The proposed list of one kind, or the candidates that need a second ballot."""

    proposed: list[int]
    runoff: list[int]  # tied at the quota's edge: a second ballot among them
    runoff_slots: int  # slots left for the second ballot


def decide(tallies: Sequence[Tally], *, quota: int) -> Outcome:
    """The proposed list from the carried candidates, at most ``quota``.

    Carried candidates are taken by yes votes, most first. When they fit the quota, all
    are proposed. When they do not, those above the edge are proposed and the candidates
    tied at the edge (same yes count) go to a second ballot for the remaining slots —
    never decided by the order of the list.
    """
    winners = sorted((t for t in tallies if t.carried), key=lambda t: -t.yes)
    if len(winners) <= quota:
        return Outcome(proposed=[t.dossier for t in winners], runoff=[], runoff_slots=0)
    edge = winners[quota - 1].yes if quota else None
    if quota == 0:
        return Outcome(proposed=[], runoff=[], runoff_slots=0)
    above = [t.dossier for t in winners if t.yes > edge]
    tied = [t.dossier for t in winners if t.yes == edge]
    slots = quota - len(above)
    if len(tied) <= slots:  # cannot happen with the sort above, kept for clarity
        return Outcome(proposed=above + tied, runoff=[], runoff_slots=0)
    return Outcome(proposed=above, runoff=tied, runoff_slots=slots)
