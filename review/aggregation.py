"""Turning the members' score sheets into a stage score (pure functions, no database).

A sheet is a mapping ``criterion id -> percentage`` (0–100 in steps of 5) over the scored
items of one criteria set; an item's score is its points × percentage / 100 and a sheet's
total the sum of its item scores (GB/Z 19579).

Methods (the office's choice per stage, DESIGN §3):

- ``mean``: the mean of the members' totals; per item, the mean percentage.
- ``trimmed_mean``: sort the sheets by total (ties by sheet id, so the result never
  depends on the order the sheets arrived in), drop the ``k`` lowest and ``k`` highest,
  and take the mean of the rest; per item, the mean over the same kept sheets. Needs
  ``n >= 2k + 1`` sheets.
- ``consensus``: the panel agrees one percentage per item after the independent scores;
  the stage score is computed from the agreed percentages.

Dispersion is reported per item (population standard deviation and range of the members'
percentages) and on the totals; an item whose members differ by more than the stage's
threshold (in percentage points) calls for a consensus discussion.

All arithmetic is in ``Decimal``; results are rounded half up to 0.01.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(score: Decimal, maximum: int) -> Decimal:
    """A score as a percentage of its maximum, rounded as shown."""
    return _round(Decimal(score) * HUNDRED / maximum) if maximum else Decimal(0)


def item_score(points: int, percent: int | Decimal) -> Decimal:
    return _round(Decimal(points) * Decimal(percent) / HUNDRED)


def sheet_total(points: Mapping[int, int], percents: Mapping[int, int | Decimal]) -> Decimal:
    """The sum of the item scores (each rounded as it is shown)."""
    return sum((item_score(points[key], percents[key]) for key in points), Decimal(0))


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _sd(values: Sequence[Decimal]) -> Decimal:
    """Population standard deviation (the panel is the whole population of its sheets)."""
    if len(values) < 2:
        return Decimal(0)
    mean = _mean(values)
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / len(values)
    return variance.sqrt()


class AggregationError(ValueError):
    """The method cannot be applied to these sheets (too few, missing items)."""


@dataclass(frozen=True)
class Sheet:
    id: int
    percents: Mapping[int, int]


@dataclass
class ItemFigures:
    criterion: int
    percent: Decimal  # the stage's percentage for the item
    score: Decimal
    members_mean: Decimal
    members_sd: Decimal
    members_range: int
    dispersed: bool


@dataclass
class StageFigures:
    method: str
    score: Decimal
    maximum: int
    sheets: int
    kept: list[int]  # ids of the sheets the score is computed from
    mean_total: Decimal
    sd_total: Decimal
    range_total: Decimal
    items: dict[int, ItemFigures] = field(default_factory=dict)

    @property
    def dispersed(self) -> bool:
        return any(item.dispersed for item in self.items.values())

    @property
    def dispersed_items(self) -> list[int]:
        return [key for key, item in self.items.items() if item.dispersed]


def trimmed_keep(totals: Sequence[tuple[int, Decimal]], k: int) -> list[int]:
    """The sheet ids kept after dropping the ``k`` lowest and ``k`` highest totals."""
    if k < 0:
        raise AggregationError("k must not be negative")
    if len(totals) < 2 * k + 1:
        raise AggregationError(
            f"a trimmed mean dropping {k} from each end needs at least {2 * k + 1} sheets, "
            f"there are {len(totals)}"
        )
    ordered = sorted(totals, key=lambda pair: (pair[1], pair[0]))
    kept = ordered[k : len(ordered) - k] if k else ordered
    return [sheet_id for sheet_id, _total in kept]


def aggregate(
    *,
    method: str,
    sheets: Sequence[Sheet],
    points: Mapping[int, int],
    threshold: int,
    k: int = 0,
    agreed: Mapping[int, int | Decimal] | None = None,
) -> StageFigures:
    """The stage figures of one dossier from its members' sheets.

    ``points``: criterion id -> points of every scored item; every sheet must rate every
    item. ``agreed``: the consensus percentages (method ``consensus`` only; items missing
    from it make the result incomplete and raise).
    """
    if not sheets:
        raise AggregationError("no submitted sheet")
    for sheet in sheets:
        missing = set(points) - set(sheet.percents)
        if missing:
            raise AggregationError(f"sheet {sheet.id} does not rate every item")
    totals = [(sheet.id, sheet_total(points, sheet.percents)) for sheet in sheets]
    total_values = [total for _id, total in totals]
    maximum = sum(points.values())

    kept = trimmed_keep(totals, k) if method == "trimmed_mean" else [s.id for s in sheets]
    kept_sheets = [sheet for sheet in sheets if sheet.id in set(kept)]

    items: dict[int, ItemFigures] = {}
    for key, item_points in points.items():
        members = [Decimal(sheet.percents[key]) for sheet in sheets]
        spread = int(max(members) - min(members))
        if method == "consensus":
            if agreed is None or key not in agreed:
                raise AggregationError(f"no agreed percentage for item {key}")
            percent = Decimal(agreed[key])
        else:
            percent = _mean([Decimal(sheet.percents[key]) for sheet in kept_sheets])
        items[key] = ItemFigures(
            criterion=key,
            percent=_round(percent),
            score=item_score(item_points, percent),
            members_mean=_round(_mean(members)),
            members_sd=_round(_sd(members)),
            members_range=spread,
            dispersed=spread > threshold,
        )

    if method == "consensus":
        score = sum((item.score for item in items.values()), Decimal(0))
    elif method in ("mean", "trimmed_mean"):
        score = _round(_mean([total for sheet_id, total in totals if sheet_id in set(kept)]))
    else:
        raise AggregationError(f"unknown method {method!r}")
    return StageFigures(
        method=method,
        score=score,
        maximum=maximum,
        sheets=len(sheets),
        kept=kept,
        mean_total=_round(_mean(total_values)),
        sd_total=_round(_sd(total_values)),
        range_total=max(total_values) - min(total_values),
        items=items,
    )


def composite(
    weights: Mapping[int, int], scores: Mapping[int, tuple[Decimal, int]]
) -> Decimal | None:
    """The weighted composite on a 0–100 scale.

    ``weights``: stage id -> weight (%) for every stage of the plan; ``scores``: stage id
    -> (score, maximum) of the stages the dossier has a result in. A stage of weight 0
    does not count; None when a weighted stage has no result (the dossier did not reach
    it) or no stage has a weight.
    """
    weighted = {stage: weight for stage, weight in weights.items() if weight}
    if not weighted or any(stage not in scores for stage in weighted):
        return None
    value = sum(
        (
            Decimal(weight) * scores[stage][0] * HUNDRED / scores[stage][1]
            for stage, weight in weighted.items()
        ),
        Decimal(0),
    )
    return _round(value / sum(weighted.values()))


def advancing(
    ranked: Sequence[tuple[int, Decimal]], *, rule: str, n: int | None, threshold: Decimal | None
) -> set[int]:
    """Which dossiers advance from ``ranked`` ((dossier id, score as % of the maximum)),
    one applicant kind at a time.

    ``top_n``: the N best; a tie at the cut advances everyone tied with the N-th (no
    dossier is left out by the order of equal scores). ``threshold``: a score at or above
    the threshold advances.
    """
    if rule == "all":
        return {dossier for dossier, _score in ranked}
    if rule == "threshold":
        if threshold is None:
            raise AggregationError("no threshold")
        return {dossier for dossier, score in ranked if score >= threshold}
    if rule == "top_n":
        if not n:
            raise AggregationError("no N")
        ordered = sorted(ranked, key=lambda pair: pair[1], reverse=True)
        if len(ordered) <= n:
            return {dossier for dossier, _score in ordered}
        cut = ordered[n - 1][1]
        return {dossier for dossier, score in ordered if score >= cut}
    raise AggregationError(f"unknown rule {rule!r}")
