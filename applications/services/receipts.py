"""Receipts (Art. 15–16): what the office received, frozen at the time it was received.

Each submission — the first and every supplement — writes one ``Receipt`` with its own
number (from the office's document register), time, the applicant's data, the answers
and the file list. Pages, checks and PDFs of a received dossier read the latest receipt
through ``received_version``; later profile edits never change what was received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal import privacy
from award_portal.documents.chinese import shown_day
from award_portal.documents.services import document_issue

from ..enums import DossierState
from ..models import (
    Dossier,
    DossierFile,
    FinancialYear,
    Individual,
    Organisation,
    Receipt,
    ReceiptKind,
    SupplementNotice,
)

ORGANISATION_SNAPSHOT = [
    "name",
    "uscc",
    "district",
    "legal_representative",
    "founded_on",
    "sector",
    "ownership",
    "for_profit",
    "contact_name",
    "contact_phone",
    "contact_email",
]
INDIVIDUAL_SNAPSHOT = [
    "full_name",
    "id_number_encrypted",
    "id_number_hash",
    "id_number_masked",
    "employer",
    "position",
    "quality_work_since",
    "top_manager_of_uscc",
    "top_manager_of_name",
    "phone",
    "email",
]
# Shown masked in the list of changes since receipt (personal data)
MASKED_FIELDS = {"contact_phone": (3, 2), "phone": (3, 2), "email": (2, 0), "contact_email": (2, 0)}


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def ended_years(years, on: date) -> list:
    """The financial years among ``years`` (rows with a ``year``) that had ended on
    ``on``: a year still running has no final figures, so nothing freezes or judges it."""
    return [row for row in years if _year_of(row) < on.year]


def _year_of(row) -> int:
    return row["year"] if isinstance(row, dict) else row.year


def applicant_snapshot(dossier: Dossier, *, on: date | None = None) -> dict:
    """The applicant's data as it stands now, as plain JSON; an organisation's figures of
    the years that had ended on ``on`` (default today)."""
    on = on or timezone.localdate()
    if dossier.organisation_id:
        org = Organisation.objects.get(pk=dossier.organisation_id)
        data = {name: _plain(getattr(org, name)) for name in ORGANISATION_SNAPSHOT}
        data["years"] = [
            {"year": fy.year, "revenue": str(fy.revenue), "profit": str(fy.profit)}
            for fy in ended_years(org.years.order_by("-year"), on)
        ]
        return {"kind": "organisation", "id": org.pk, **data}
    person = Individual.objects.get(pk=dossier.individual_id)
    data = {name: _plain(getattr(person, name)) for name in INDIVIDUAL_SNAPSHOT}
    return {"kind": "individual", "id": person.pk, "user_id": person.user_id, **data}


def answers_snapshot(dossier: Dossier) -> dict:
    return {
        "declarations": dict(dossier.declarations or {}),
        "category_summaries": dict(dossier.category_summaries or {}),
        "achievements": dossier.achievements,
        "named_conflicts": list(dossier.named_conflicts or []),
    }


def _file_entry(stored: DossierFile, *, new: bool) -> dict:
    return {
        "id": stored.pk,
        "title": stored.title,
        "kind": stored.kind,
        "size": stored.size,
        "sha256": stored.sha256,
        "content_type": stored.content_type,
        "trade_secret": stored.trade_secret,
        "uploaded_at": stored.uploaded_at.isoformat(),
        "answers_item": stored.answers_item,
        "supersedes": stored.supersedes_id,
        "new": new,
    }


def receipt_create(
    *,
    dossier: Dossier,
    actor,
    kind: str,
    notice: SupplementNotice | None = None,
    notes: dict[str, str] | None = None,
) -> Receipt:
    """Freeze what is being received now. Call inside the submitting transaction, with
    the dossier row locked.

    Side effects, in order: a number from the office's document register; the receipt
    row with the snapshots; every file not yet received is marked as received with it.
    """
    # the first receipt's time is the dossier's time of receipt, to the microsecond
    now = dossier.received_at if kind == ReceiptKind.SUBMISSION else timezone.now()
    sequence = dossier.receipts.count() + 1
    files = list(dossier.files.order_by("kind", "uploaded_at", "id"))
    title = (
        _("Receipt of application materials")
        if kind == ReceiptKind.SUBMISSION
        else _("Receipt of supplemented materials")
    )
    document = document_issue(
        kind="receipt", title=title, subject=dossier, addressee=dossier.applicant_name
    )
    receipt = Receipt.objects.create(
        dossier=dossier,
        sequence=sequence,
        kind=kind,
        received_at=now,
        received_by=actor,
        notice=notice,
        document=document,
        applicant=applicant_snapshot(dossier, on=timezone.localdate(now)),
        answers=answers_snapshot(dossier),
        supplement_notes=notes or {},
        files=[_file_entry(f, new=f.receipt_id is None) for f in files],
    )
    DossierFile.objects.filter(dossier=dossier, receipt__isnull=True).update(receipt=receipt)
    return receipt


# --- reading what was received ---------------------------------------------------------------


def _organisation_from(data: dict) -> Organisation:
    org = Organisation(
        pk=data["id"],
        **{name: data.get(name) for name in ORGANISATION_SNAPSHOT if name not in {"founded_on"}},
    )
    org.founded_on = date.fromisoformat(data["founded_on"])
    return org


def _individual_from(data: dict) -> Individual:
    return Individual(
        pk=data["id"],
        user_id=data.get("user_id"),
        **{name: data.get(name, "") for name in INDIVIDUAL_SNAPSHOT},
    )


def _years_from(data: dict, *, on: date) -> list[FinancialYear]:
    """The frozen figures; a year that was still running on ``on`` (the receipt's day),
    which an older receipt may hold, is not shown as received."""
    return [
        FinancialYear(
            year=row["year"], revenue=Decimal(row["revenue"]), profit=Decimal(row["profit"])
        )
        for row in ended_years(data.get("years", []), on)
    ]


@dataclass
class DossierVersion:
    """The dossier as the office received it (or, for a draft, as it stands).

    ``as_of`` is the date the computed checks are evaluated on: the first receipt's date
    (a dossier received in December is not judged on January's "last three years").
    """

    dossier: Dossier
    received: bool
    applicant: Organisation | Individual
    years: list[FinancialYear]
    declarations: dict
    category_summaries: dict
    achievements: str
    as_of: date
    receipt: Receipt | None = None
    receipts: list[Receipt] = field(default_factory=list)
    # Art. 25: experts or organisations the applicant considers conflicted
    named_conflicts: list = field(default_factory=list)

    @property
    def organisation(self) -> Organisation | None:
        return self.applicant if isinstance(self.applicant, Organisation) else None

    @property
    def individual(self) -> Individual | None:
        return self.applicant if isinstance(self.applicant, Individual) else None


def received_version(dossier: Dossier, *, receipts: list[Receipt] | None = None) -> DossierVersion:
    """What the pages, checks and PDFs of ``dossier`` show: the latest receipt once the
    dossier was received, the live data while it is a draft."""
    if receipts is None:
        receipts = list(dossier.receipts.select_related("document").order_by("sequence"))
    if dossier.state == DossierState.DRAFT or not receipts:
        if dossier.organisation_id:
            applicant = dossier.organisation
            years = ended_years(applicant.years.all(), timezone.localdate())
        else:
            applicant, years = dossier.individual, []
        return DossierVersion(
            dossier=dossier,
            received=False,
            applicant=applicant,
            years=years,
            declarations=dossier.declarations or {},
            category_summaries=dossier.category_summaries or {},
            achievements=dossier.achievements,
            as_of=timezone.localdate(),
            receipts=receipts,
            named_conflicts=list(dossier.named_conflicts or []),
        )
    return version_of_receipt(dossier, receipts[-1], receipts=receipts)


def version_of_receipt(
    dossier: Dossier, receipt: Receipt, *, receipts: list[Receipt] | None = None
) -> DossierVersion:
    """The dossier exactly as one receipt froze it."""
    if receipts is None:
        receipts = list(dossier.receipts.select_related("document").order_by("sequence"))
    data = receipt.applicant
    if data["kind"] == "organisation":
        on = timezone.localdate(receipt.received_at)
        applicant, years = _organisation_from(data), _years_from(data, on=on)
    else:
        applicant, years = _individual_from(data), []
    return DossierVersion(
        dossier=dossier,
        received=True,
        applicant=applicant,
        years=years,
        declarations=receipt.answers.get("declarations", {}),
        category_summaries=receipt.answers.get("category_summaries", {}),
        achievements=receipt.answers.get("achievements", ""),
        as_of=timezone.localdate(receipts[0].received_at),
        receipt=receipt,
        receipts=receipts,
        named_conflicts=receipt.answers.get("named_conflicts", []),
    )


@dataclass(frozen=True)
class Change:
    label: str
    received: str
    now: str


def _shown(name: str, value, model=None) -> str:
    if value in (None, ""):
        return "—"
    if model is not None and isinstance(value, str):
        kind = model._meta.get_field(name)
        if isinstance(kind, models.DateField) and not isinstance(kind, models.DateTimeField):
            return shown_day(date.fromisoformat(value))  # stored as ISO in the snapshot
    if name in MASKED_FIELDS:
        start, end = MASKED_FIELDS[name]
        return privacy.mask(str(value), keep_start=start, keep_end=end)
    return str(value)


def profile_changes_since(version: DossierVersion) -> list[Change]:
    """How the applicant's live profile differs from what was received (personal data
    masked). Empty for a draft."""
    if not version.received:
        return []
    received = version.receipt.applicant
    on = timezone.localdate(version.receipt.received_at)
    live = applicant_snapshot(version.dossier, on=on)
    changes = []
    if received["kind"] == "organisation":
        names = ORGANISATION_SNAPSHOT
        model = Organisation
    else:
        names = [
            n for n in INDIVIDUAL_SNAPSHOT if n not in {"id_number_encrypted", "id_number_hash"}
        ]
        model = Individual
    for name in names:
        if received.get(name) != live.get(name):
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(
                Change(
                    label,
                    _shown(name, received.get(name), model),
                    _shown(name, live.get(name), model),
                )
            )
    if received["kind"] == "individual" and received.get("id_number_hash") != live.get(
        "id_number_hash"
    ):
        changes.append(
            Change(
                str(Individual._meta.get_field("id_number_masked").verbose_name),
                received.get("id_number_masked", ""),
                live.get("id_number_masked", ""),
            )
        )
    if received["kind"] == "organisation":
        old = {row["year"]: row for row in ended_years(received.get("years", []), on)}
        new = {row["year"]: row for row in live.get("years", [])}
        for year in sorted(set(old) | set(new), reverse=True):
            if old.get(year) != new.get(year):

                def fmt(row):
                    if not row:
                        return "—"
                    return _("revenue %(revenue)s, profit %(profit)s") % row

                changes.append(
                    Change(
                        _("Figures of %(year)s") % {"year": year},
                        fmt(old.get(year)),
                        fmt(new.get(year)),
                    )
                )
    return changes
