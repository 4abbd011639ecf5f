"""The aggregation methods against hand-computed examples (pure functions, no database).

Two items worth 40 and 60 points (maximum 100), so a sheet's total reads as a percentage.
"""

from decimal import Decimal

import pytest

from review.aggregation import (
    AggregationError,
    Sheet,
    advancing,
    aggregate,
    composite,
    item_score,
    sheet_total,
    trimmed_keep,
)

pytestmark = [pytest.mark.unit]

POINTS = {1: 40, 2: 60}


def flat(sheet_id, percent):
    return Sheet(sheet_id, {1: percent, 2: percent})


def test_item_score_and_total():
    assert item_score(40, 65) == Decimal("26.00")
    assert item_score(110, 35) == Decimal("38.50")
    assert sheet_total(POINTS, {1: 50, 2: 60}) == Decimal("56.00")  # 20 + 36


def test_mean_of_three_sheets():
    sheets = [Sheet(1, {1: 50, 2: 60}), Sheet(2, {1: 70, 2: 80}), Sheet(3, {1: 60, 2: 40})]
    # totals 56, 76, 48
    figures = aggregate(method="mean", sheets=sheets, points=POINTS, threshold=30)
    assert figures.score == Decimal("60.00")  # (56 + 76 + 48) / 3
    assert figures.maximum == 100
    assert figures.kept == [1, 2, 3]
    assert figures.mean_total == Decimal("60.00")
    assert figures.range_total == Decimal("28.00")
    # population SD of 56, 76, 48: sqrt((16 + 256 + 144) / 3) = sqrt(138.67) = 11.78
    assert figures.sd_total == Decimal("11.78")
    item = figures.items[1]
    assert item.percent == Decimal("60.00")
    assert item.members_sd == Decimal("8.16")  # sqrt((100 + 100 + 0) / 3)
    assert item.members_range == 20
    assert figures.items[2].members_range == 40
    assert figures.items[2].dispersed is True  # 40 > 30
    assert item.dispersed is False


def test_trimmed_mean_drops_one_from_each_end_of_five():
    sheets = [flat(1, 50), flat(2, 90), flat(3, 30), flat(4, 70), flat(5, 60)]
    figures = aggregate(method="trimmed_mean", sheets=sheets, points=POINTS, threshold=30, k=1)
    assert sorted(figures.kept) == [1, 4, 5]  # 30 and 90 dropped
    assert figures.score == Decimal("60.00")  # (50 + 60 + 70) / 3
    assert figures.items[1].percent == Decimal("60.00")
    # the members' figures still describe every sheet
    assert figures.items[1].members_mean == Decimal("60.00")
    assert figures.items[1].members_range == 60
    assert figures.sheets == 5


def test_trimmed_mean_needs_2k_plus_1_sheets():
    three = [flat(1, 40), flat(2, 60), flat(3, 95)]
    figures = aggregate(method="trimmed_mean", sheets=three, points=POINTS, threshold=30, k=1)
    assert figures.kept == [2]
    assert figures.score == Decimal("60.00")
    with pytest.raises(AggregationError, match="at least 3"):
        aggregate(method="trimmed_mean", sheets=three[:2], points=POINTS, threshold=30, k=1)
    with pytest.raises(AggregationError):
        trimmed_keep([(1, Decimal(50)), (2, Decimal(60)), (3, Decimal(70)), (4, Decimal(80))], 2)
    assert trimmed_keep([(1, Decimal(50))], 0) == [1]


def test_ties_in_trimmed_totals_are_broken_by_sheet_id():
    # sheets 2 and 4 both total 50 (32 + 18 and 20 + 30), 6 and 8 both 70
    sheets = [
        Sheet(8, {1: 70, 2: 70}),
        Sheet(2, {1: 80, 2: 30}),
        Sheet(5, {1: 60, 2: 60}),
        Sheet(6, {1: 40, 2: 90}),  # 16 + 54 = 70
        Sheet(4, {1: 50, 2: 50}),
    ]
    figures = aggregate(method="trimmed_mean", sheets=sheets, points=POINTS, threshold=30, k=1)
    # the lowest is the tied 50 with the smaller id (2), the highest the tied 70 with the
    # larger id (8)
    assert figures.kept == [4, 5, 6]
    assert figures.items[1].percent == Decimal("50.00")  # (50 + 60 + 40) / 3
    # whatever order the sheets arrive in
    again = aggregate(
        method="trimmed_mean", sheets=list(reversed(sheets)), points=POINTS, threshold=30, k=1
    )
    assert again.kept == figures.kept and again.score == figures.score


def test_consensus_departing_from_the_mean():
    sheets = [Sheet(1, {1: 50, 2: 60}), Sheet(2, {1: 70, 2: 60}), Sheet(3, {1: 60, 2: 60})]
    figures = aggregate(
        method="consensus", sheets=sheets, points=POINTS, threshold=30, agreed={1: 80, 2: 60}
    )
    assert figures.score == Decimal("68.00")  # 40 × 80 % + 60 × 60 %
    assert figures.items[1].percent == Decimal("80.00")
    assert figures.items[1].members_mean == Decimal("60.00")
    assert figures.mean_total == Decimal("60.00")
    with pytest.raises(AggregationError):
        aggregate(method="consensus", sheets=sheets, points=POINTS, threshold=30, agreed={1: 80})


def test_dispersion_exactly_at_the_threshold_is_not_dispersed():
    at = [Sheet(1, {1: 50, 2: 50}), Sheet(2, {1: 80, 2: 85})]
    figures = aggregate(method="mean", sheets=at, points=POINTS, threshold=30)
    assert figures.items[1].members_range == 30
    assert figures.items[1].dispersed is False
    assert figures.items[2].members_range == 35
    assert figures.items[2].dispersed is True
    assert figures.dispersed_items == [2]


def test_a_sheet_missing_an_item_is_refused():
    with pytest.raises(AggregationError):
        aggregate(method="mean", sheets=[Sheet(1, {1: 50})], points=POINTS, threshold=30)


def test_composite_with_weights_and_a_missing_stage():
    weights = {10: 30, 20: 50, 30: 20}
    first_two = {10: (Decimal("600.00"), 1000), 20: (Decimal("35.00"), 50)}
    assert composite(weights, first_two) is None  # the defence has no result yet
    every = {**first_two, 30: (Decimal("45.00"), 50)}
    # 30 × 60 % + 50 × 70 % + 20 × 90 % = 71
    assert composite(weights, every) == Decimal("71.00")
    # a stage of weight 0 does not count, present or not
    assert composite({10: 50, 20: 50, 30: 0}, first_two) == Decimal("65.00")
    assert composite({10: 0}, first_two) is None


def test_top_n_advances_everyone_tied_at_the_cut():
    ranked = [(1, Decimal(80)), (2, Decimal(70)), (3, Decimal(70)), (4, Decimal(60))]
    assert advancing(ranked, rule="top_n", n=2, threshold=None) == {1, 2, 3}
    assert advancing(ranked, rule="top_n", n=1, threshold=None) == {1}
    assert advancing(ranked, rule="top_n", n=3, threshold=None) == {1, 2, 3}
    assert advancing(ranked, rule="top_n", n=9, threshold=None) == {1, 2, 3, 4}
    assert advancing(ranked, rule="all", n=None, threshold=None) == {1, 2, 3, 4}
    with pytest.raises(AggregationError):
        advancing(ranked, rule="top_n", n=None, threshold=None)


def test_a_score_exactly_at_the_threshold_advances():
    ranked = [(1, Decimal("60.00")), (2, Decimal("59.99")), (3, Decimal("75"))]
    assert advancing(ranked, rule="threshold", n=None, threshold=Decimal(60)) == {1, 3}
    with pytest.raises(AggregationError):
        advancing(ranked, rule="threshold", n=None, threshold=None)
