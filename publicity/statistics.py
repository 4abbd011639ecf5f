"""The award's statistics (Art. 6): counts per round by stage, kind, sector, district and
ownership (private enterprises are encouraged), pass rates at each stage and the
distribution of review scores.

Reads only, in a fixed number of queries whatever the number of rounds and dossiers:
counts are grouped by the database, never per row in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.enums import CycleState, District, DossierState, Ownership, Sector
from award_portal.accounts.enums import ApplicantKind, Role

S = DossierState
# which states have passed each stage, and which have been decided at it; a title
# revoked later had passed every stage (it is counted apart from the winners, never
# dropped)
STAGES = [
    (
        "qualification",
        pgettext_lazy("statistics", "Qualification check"),
        {
            S.QUALIFIED, S.UNDER_REVIEW, S.REVIEWED, S.CANDIDATE, S.NOT_SHORTLISTED,
            S.PROPOSED, S.NOT_PROPOSED, S.CANCELLED_AFTER_OBJECTION, S.APPROVED,
            S.NOT_APPROVED, S.AWARDED, S.REVOKED,
        },
        {S.NOT_QUALIFIED},
    ),
    (
        "review",
        pgettext_lazy("statistics", "Expert review and ranking"),
        {
            S.CANDIDATE, S.PROPOSED, S.NOT_PROPOSED, S.CANCELLED_AFTER_OBJECTION,
            S.APPROVED, S.NOT_APPROVED, S.AWARDED, S.REVOKED,
        },
        {S.NOT_SHORTLISTED},
    ),
    (
        "vote",
        pgettext_lazy("statistics", "Working group's vote"),
        {
            S.PROPOSED, S.CANCELLED_AFTER_OBJECTION, S.APPROVED, S.NOT_APPROVED, S.AWARDED,
            S.REVOKED,
        },
        {S.NOT_PROPOSED},
    ),
    (
        "publicity",
        pgettext_lazy("statistics", "Publicity and approval"),
        {S.AWARDED, S.REVOKED},
        {S.CANCELLED_AFTER_OBJECTION, S.NOT_APPROVED},
    ),
]  # fmt: skip

SCORE_BANDS = [
    (Decimal(0), Decimal(60), "<60"),
    (Decimal(60), Decimal(70), "60–69"),
    (Decimal(70), Decimal(80), "70–79"),
    (Decimal(80), Decimal(90), "80–89"),
    (Decimal(90), Decimal(101), "90–100"),
]
INDIVIDUAL = pgettext_lazy("statistics", "Individuals")


def can_read_statistics(user) -> bool:
    """The office, the auditor and the working group; figures only, no names."""
    return user.is_authenticated and user.role in (Role.OFFICE, Role.AUDITOR, Role.WORKING_GROUP)


@dataclass
class Rate:
    key: str
    label: str
    passed: int
    decided: int

    @property
    def percent(self) -> float | None:
        return round(self.passed * 100 / self.decided, 1) if self.decided else None


@dataclass
class RoundFigures:
    cycle: object
    received: int = 0
    organisations: int = 0
    individuals: int = 0
    winners: int = 0  # titles awarded and not revoked
    revoked: int = 0  # titles awarded and later revoked (Art. 28, 29)
    private: int = 0
    private_winners: int = 0
    by_state: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    by_sector: dict = field(default_factory=dict)
    by_district: dict = field(default_factory=dict)
    by_ownership: dict = field(default_factory=dict)
    rates: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # stage label -> {band: n}

    @property
    def private_share(self) -> float | None:
        return round(self.private * 100 / self.organisations, 1) if self.organisations else None


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def round_statistics() -> list[RoundFigures]:
    """Every round that has been announced, newest first, with its figures (4 queries)."""
    from applications.models import Cycle, Dossier
    from review.models import StageResult

    cycles = list(
        Cycle.objects.exclude(state=CycleState.DRAFT).order_by("-announcement_date", "-pk")
    )
    figures = {c.pk: RoundFigures(cycle=c) for c in cycles}
    rows = (
        Dossier.objects.filter(cycle__in=list(figures), received_at__isnull=False)
        .values(
            "cycle_id",
            "state",
            "kind",
            "organisation__sector",
            "organisation__district",
            "organisation__ownership",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    states, kinds = _labels(DossierState.choices), _labels(ApplicantKind.choices)
    sectors, districts = _labels(Sector.choices), _labels(District.choices)
    ownerships = _labels(Ownership.choices)
    state_sets = defaultdict(lambda: defaultdict(int))
    for row in rows:
        f, n = figures[row["cycle_id"]], row["n"]
        organisation = row["kind"] == ApplicantKind.ORGANISATION
        f.received += n
        f.organisations += n if organisation else 0
        f.individuals += 0 if organisation else n
        winner = row["state"] == DossierState.AWARDED
        f.winners += n if winner else 0
        f.revoked += n if row["state"] == DossierState.REVOKED else 0
        state_sets[f.cycle.pk][row["state"]] += n
        _add(f.by_state, states.get(row["state"], row["state"]), n)
        _add(f.by_kind, kinds.get(row["kind"], row["kind"]), n)
        if organisation:
            _add(f.by_sector, sectors.get(row["organisation__sector"], "—"), n)
            _add(f.by_district, districts.get(row["organisation__district"], "—"), n)
            _add(f.by_ownership, ownerships.get(row["organisation__ownership"], "—"), n)
            if row["organisation__ownership"] == Ownership.PRIVATE:
                f.private += n
                f.private_winners += n if winner else 0
        else:
            for table in (f.by_sector, f.by_district, f.by_ownership):
                _add(table, str(INDIVIDUAL), n)
    order = {str(label): i for i, (_v, label) in enumerate(DossierState.choices)}
    for f in figures.values():
        f.by_state = dict(sorted(f.by_state.items(), key=lambda kv: order.get(kv[0], 99)))
        for name in ("by_sector", "by_district", "by_ownership"):
            setattr(f, name, dict(sorted(getattr(f, name).items(), key=lambda kv: -kv[1])))
        counts = state_sets[f.cycle.pk]
        for key, label, passed, failed in STAGES:
            ok = sum(counts[s] for s in passed)
            f.rates.append(Rate(key, str(label), ok, ok + sum(counts[s] for s in failed)))
    stage_labels = _labels(_stage_kinds())
    results = StageResult.objects.filter(
        dossier__cycle__in=list(figures), superseded_at__isnull=True
    ).values_list("dossier__cycle_id", "stage__position", "stage__kind", "score", "maximum")
    for cycle_id, position, kind, score, maximum in results.order_by("stage__position"):
        percent = score * 100 / maximum if maximum else Decimal(0)
        label = f"{position}. {stage_labels.get(kind, kind)}"
        bands = figures[cycle_id].scores.setdefault(label, {b[2]: 0 for b in SCORE_BANDS})
        for low, high, name in SCORE_BANDS:
            if low <= percent < high:
                bands[name] += 1
                break
    return list(figures.values())


def _stage_kinds():
    from review.enums import StageKind

    return StageKind.choices


def _add(table: dict, key: str, n: int) -> None:
    table[key] = table.get(key, 0) + n


# --- the spreadsheet --------------------------------------------------------------------------
def export_sheets(rounds: list[RoundFigures]) -> list[tuple[str, list, list]]:
    """The workbook: one overview sheet and one long table per breakdown."""
    overview = [
        [
            f.cycle.name,
            f.cycle.get_state_display(),
            f.received,
            f.organisations,
            f.individuals,
            f.private,
            f.winners,
            f.private_winners,
            f.revoked,
        ]
        for f in rounds
    ]
    sheets = [
        (
            _("Rounds"),
            [
                _("Round"),
                _("Stage"),
                _("Applications received"),
                _("Organisations"),
                _("Individuals"),
                _("Private enterprises"),
                _("Winners (titles not revoked)"),
                _("Private enterprises among the winners"),
                _("Titles revoked"),
            ],
            overview,
        )
    ]
    # the sheet says how the figures are cut; each column says what it holds
    for title, column, name in (
        (_("By status"), _("Status of the application"), "by_state"),
        (_("By kind"), _("Kind of applicant"), "by_kind"),
        (_("By sector"), _("Sector"), "by_sector"),
        (_("By district"), _("District"), "by_district"),
        (_("By ownership"), _("Ownership of the organisation"), "by_ownership"),
    ):
        rows = [[f.cycle.name, k, v] for f in rounds for k, v in getattr(f, name).items()]
        sheets.append((title, [_("Round"), column, _("Applications received")], rows))
    rates = [
        [f.cycle.name, r.label, r.passed, r.decided, r.percent] for f in rounds for r in f.rates
    ]
    sheets.append(
        (
            _("Pass rates"),
            [_("Round"), _("Stage"), _("Passed"), _("Outcomes decided"), _("Pass rate (%)")],
            rates,
        )
    )
    scores = [
        [f.cycle.name, stage, band, n]
        for f in rounds
        for stage, bands in f.scores.items()
        for band, n in bands.items()
    ]
    sheets.append(
        (
            _("Review scores"),
            [
                _("Round"),
                _("Review stage"),
                _("Score as a percentage of the maximum"),
                _("Results"),
            ],
            scores,
        )
    )
    return [(str(t), [str(h) for h in header], rows) for t, header, rows in sheets]
