"""Scoring criteria as data (Art. 13): copying a set as a new version and editing a copy.

A shipped set is the standard as published and stays as it is; a set a frozen plan uses
is locked (``locked_at``) and never changes. A new version is a copy the office edits:
names, points and the band guidance, every change an audit event.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.web.fields import validate_one_line

from ..models import BandGuidance, CriteriaSet, Criterion
from ..permissions import is_office

SET_FIELDS = ["name", "version", "source", "note"]
CRITERION_FIELDS = ["name_zh", "name_en", "points"]
BAND_FIELDS = ["text_zh", "text_en"]


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


@dataclass
class CategoryRow:
    """A category with its items and the sum of their points (computed, never typed)."""

    category: Criterion
    items: list[Criterion]

    @property
    def items_points(self) -> int | None:
        return sum(item.points for item in self.items) if self.items else None

    @property
    def adds_up(self) -> bool:
        return not self.items or self.items_points == self.category.points


def criteria_table(criteria_set: CriteriaSet, criteria: list[Criterion] | None = None):
    """The set as categories with their items, in order (one query when ``criteria`` is
    not given)."""
    if criteria is None:
        criteria = list(criteria_set.criteria.order_by("position", "id"))
    children: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        if criterion.parent_id is not None:
            children.setdefault(criterion.parent_id, []).append(criterion)
    return [
        CategoryRow(category=c, items=children.get(c.pk, []))
        for c in criteria
        if c.parent_id is None
    ]


def criteria_problems(rows: list[CategoryRow]) -> list[str]:
    """What makes a table unusable for scoring: a category whose items do not add up to
    its points, or a set without points."""
    problems = []
    for row in rows:
        if not row.adds_up:
            problems.append(
                _(
                    "%(code)s %(name)s: its items add up to %(sum)s points, but the category "
                    "has %(points)s."
                )
                % {
                    "code": row.category.code,
                    "name": row.category.name,
                    "sum": row.items_points,
                    "points": row.category.points,
                }
            )
    if not sum(row.category.points for row in rows):
        problems.append(_("The set has no points to score."))
    return problems


def criteria_digest(criteria_set: CriteriaSet) -> str:
    """A fingerprint of everything the editor shows: an edit opened on one version of
    the table is refused once somebody saved another (the set has no ``updated_at``)."""
    payload = [
        [getattr(criteria_set, name) for name in SET_FIELDS],
        list(criteria_set.criteria.order_by("id").values_list("id", *CRITERION_FIELDS)),
        list(criteria_set.bands.order_by("id").values_list("id", *BAND_FIELDS)),
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def can_edit_criteria(criteria_set: CriteriaSet) -> bool:
    """Only an office copy not yet used by a frozen plan."""
    return criteria_set.copied_from_id is not None and not criteria_set.is_locked


def _clean_version(code: str, version: str, *, exclude: int | None = None) -> str:
    version = " ".join((version or "").split())
    if not version:
        raise ValidationError({"version": _("Give the new version a name, e.g. 2027.")})
    validate_one_line(version)
    clash = CriteriaSet.objects.filter(code=code, version=version)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        message = _("Version “%(version)s” of this set exists already.")
        raise ValidationError({"version": message % {"version": version}})
    return version


@transaction.atomic
def criteria_copy(
    *,
    actor,
    source: CriteriaSet,
    version: str,
    name: str = "",
    request: HttpRequest | None = None,
) -> CriteriaSet:
    """Copy a set as a new version (the office), every category, item and band with it.

    Side effects, in order: the new set, its criteria (the same tree) and band guidance;
    one ``review.criteria_saved`` event naming the source.
    """
    _require_office(actor)
    version = _clean_version(source.code, version)
    name = " ".join((name or "").split()) or source.name
    validate_one_line(name)
    copy = CriteriaSet.objects.create(
        code=source.code,
        version=version,
        name=name[:200],
        applicant_kind=source.applicant_kind,
        source=source.source,
        note=source.note,
        copied_from=source,
        created_by=actor,
    )
    copied: dict[int, Criterion] = {}
    pending = list(source.criteria.order_by("position", "id"))
    while pending:  # a row is copied once its parent is (categories first, then items)
        waiting = []
        for criterion in pending:
            if criterion.parent_id is not None and criterion.parent_id not in copied:
                waiting.append(criterion)
                continue
            copied[criterion.pk] = Criterion.objects.create(
                criteria_set=copy,
                parent=copied.get(criterion.parent_id),
                code=criterion.code,
                name_zh=criterion.name_zh,
                name_en=criterion.name_en,
                points=criterion.points,
                kind=criterion.kind,
                position=criterion.position,
            )
        if len(waiting) == len(pending):  # cannot happen with foreign keys; never loop
            break
        pending = waiting
    BandGuidance.objects.bulk_create(
        BandGuidance(
            criteria_set=copy,
            kind=band.kind,
            low=band.low,
            high=band.high,
            text_zh=band.text_zh,
            text_en=band.text_en,
        )
        for band in source.bands.all()
    )
    audit_record(
        action=Action.CRITERIA_SAVED,
        actor=actor,
        target=copy,
        request=request,
        details={"copied_from": source.pk, "source": str(source), "version": version},
    )
    return copy


@transaction.atomic
def criteria_save(
    *,
    actor,
    criteria_set: CriteriaSet,
    data: dict,
    criteria: dict[int, dict],
    bands: dict[int, dict],
    expected_digest: str | None = None,
    request: HttpRequest | None = None,
) -> CriteriaSet:
    """Change an office copy: the set's name, version, source and note; each criterion's
    names and points (``criteria``: id -> values); each band's texts (``bands``).

    Refused for a shipped set, a locked set, a table whose items do not add up to their
    category's points, and an edit opened before somebody else's save
    (``expected_digest``, see ``criteria_digest``); nothing is saved then.

    Side effects, in order: the rows changed; one ``review.criteria_saved`` event with
    every old and new value.
    """
    _require_office(actor)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.is_locked:
        raise ValidationError(
            _("This set is used by a review that has started; it can no longer be changed.")
        )
    if criteria_set.copied_from_id is None:
        raise ValidationError(
            _("A shipped set stays as published. Copy it as a new version to change it.")
        )
    if expected_digest is not None and expected_digest != criteria_digest(criteria_set):
        raise ValidationError(
            _(
                "Somebody else changed this criteria set while you were editing. Reload the "
                "page; your changes were not saved."
            )
        )
    changes: dict[str, list] = {}
    if "version" in data:
        data = {
            **data,
            "version": _clean_version(criteria_set.code, data["version"], exclude=criteria_set.pk),
        }
    for name in SET_FIELDS:
        if name in data and getattr(criteria_set, name) != data[name]:
            changes[name] = [getattr(criteria_set, name), data[name]]
            setattr(criteria_set, name, data[name])
    rows = list(criteria_set.criteria.order_by("position", "id"))
    for criterion in rows:
        for name, value in criteria.get(criterion.pk, {}).items():
            if name in CRITERION_FIELDS and getattr(criterion, name) != value:
                changes[f"{criterion.code}.{name}"] = [getattr(criterion, name), value]
                setattr(criterion, name, value)
    problems = criteria_problems(criteria_table(criteria_set, rows))
    if problems:
        raise ValidationError(problems)
    band_rows = list(criteria_set.bands.all())
    for band in band_rows:
        for name, value in bands.get(band.pk, {}).items():
            if name in BAND_FIELDS and getattr(band, name) != value:
                changes[f"{band.kind}.{band.low}-{band.high}.{name}"] = [getattr(band, name), value]
                setattr(band, name, value)
    criteria_set.full_clean(exclude=["copied_from", "created_by"])
    criteria_set.save()
    for criterion in rows:
        criterion.full_clean(exclude=["criteria_set", "parent"])
    Criterion.objects.bulk_update(rows, CRITERION_FIELDS)
    for band in band_rows:
        band.full_clean(exclude=["criteria_set"])
    BandGuidance.objects.bulk_update(band_rows, BAND_FIELDS)
    audit_record(
        action=Action.CRITERIA_SAVED,
        actor=actor,
        target=criteria_set,
        request=request,
        details={"changes": changes},
    )
    return criteria_set
