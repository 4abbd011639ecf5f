"""Review agencies, their engagement for a round (Art. 17, procured by the government),
their accounts, and the expert pool."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import CycleState
from applications.models import Cycle
from applications.validators import normalise_uscc, validate_uscc
from award_portal import privacy
from award_portal.accounts.enums import Role
from award_portal.accounts.services import staff_account_provision
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.files import inspect_upload

from ..enums import ProcurementMethod
from ..models import AgencyStaff, Engagement, Expert, FormerEmployment, ReviewAgency
from ..permissions import agency_of, can_keep_expert, can_view_review, is_office

AGENCY_FIELDS = ["name", "uscc", "address", "contact_name", "contact_phone", "contact_email"]
ENGAGEMENT_FIELDS = [
    "agency",
    "procurement_method",
    "procurement_method_other",
    "notice_number",
    "notice_date",
    "contract_number",
    "amount_yuan",
    "service_from",
    "service_until",
    "scope",
]
EXPERT_FIELDS = [
    "name",
    "employer",
    "employer_uscc",
    "title",
    "sectors",
    "categories",
    "qualification",
    "certificate_number",
    "phone",
    "available",
    "availability_note",
]


STALE = gettext_lazy(
    "Somebody else changed this record while you were editing. Reload the page; "
    "your changes were not saved."
)


def _uscc(value: str) -> str:
    code = normalise_uscc(value)
    validate_uscc(code)
    return code


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def _current(instance, name: str):
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:  # a foreign key not set yet on a new row
        return None


# personal data is masked in the audit trail's old/new values (characters kept at the
# start, at the end), as for the applicants' profiles
MASKED_IN_AUDIT = {"contact_phone": (3, 2), "phone": (3, 2), "contact_email": (2, 0)}


def _audit_value(name: str, value) -> str:
    text = "" if value is None else str(value)
    if name in MASKED_IN_AUDIT and text:
        start, end = MASKED_IN_AUDIT[name]
        return privacy.mask(text, keep_start=start, keep_end=end)
    return text


def _changes(instance, data: dict, fields: list[str]) -> dict:
    """{field: [old, new]} for the fields ``data`` changes, personal data masked."""
    changes = {}
    for name in fields:
        if name in data and _current(instance, name) != data[name]:
            before = _current(instance, name)
            changes[name] = [_audit_value(name, before), _audit_value(name, data[name])]
            setattr(instance, name, data[name])
    return changes


@transaction.atomic
def agency_save(
    *,
    actor,
    data: dict,
    agency: ReviewAgency | None = None,
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> ReviewAgency:
    """Create or change an agency (the office). Refused when ``expected_updated_at`` is
    given and the agency was saved since. Side effects: the row; one
    ``review.agency_saved`` event with the changed values."""
    _require_office(actor)
    data = dict(data)
    if "uscc" in data:
        data["uscc"] = _uscc(data["uscc"])
        clash = ReviewAgency.objects.filter(uscc=data["uscc"])
        if agency is not None:
            clash = clash.exclude(pk=agency.pk)
        if clash.exists():
            raise ValidationError(
                {"uscc": _("An agency with this credit code is recorded already.")}
            )
    agency = (
        ReviewAgency.objects.select_for_update().get(pk=agency.pk) if agency else ReviewAgency()
    )
    if agency.pk and expected_updated_at is not None and agency.updated_at != expected_updated_at:
        raise ValidationError(STALE)
    changes = _changes(agency, data, AGENCY_FIELDS)
    agency.full_clean()
    agency.save()
    audit_record(
        action=Action.AGENCY_SAVED,
        actor=actor,
        target=agency,
        request=request,
        details={"changes": changes},
    )
    return agency


@transaction.atomic
def agency_account_create(
    *,
    actor,
    agency: ReviewAgency,
    username: str,
    email: str,
    display_name: str,
    request: HttpRequest | None = None,
):
    """An account for a person of the agency (the office). Side effects: as
    ``staff_account_provision`` (account, event naming the agency, welcome e-mail); the
    staff row."""
    _require_office(actor)
    user = staff_account_provision(
        actor=actor,
        username=username,
        email=email,
        display_name=display_name,
        role=Role.AGENCY,
        request=request,
        details={"agency": agency.pk, "agency_name": agency.name},
    )
    AgencyStaff.objects.create(agency=agency, user=user)
    return user


@transaction.atomic
def engagement_save(
    *,
    actor,
    cycle: Cycle,
    data: dict,
    contract_upload=None,
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Record (or correct) the procurement of the round's agency (Art. 8(2), 17).

    Refused once the review has started for the agency itself (another agency cannot
    take over scores in progress); the other fields stay correctable, every change an
    audit event with old and new values. The contract scan is a private file (type by
    content, SHA-256).
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state == CycleState.CANCELLED:
        raise ValidationError(_("The round is cancelled."))
    engagement = Engagement.objects.select_for_update().filter(cycle=cycle).first()
    if (
        engagement is not None
        and expected_updated_at is not None
        and engagement.updated_at != expected_updated_at
    ):
        raise ValidationError(STALE)
    if (
        engagement is not None
        and cycle.state != CycleState.QUALIFICATION
        and cycle.review_started_at is not None
        and data.get("agency") is not None
        and data["agency"].pk != engagement.agency_id
    ):
        raise ValidationError(_("The review has started: the engaged agency can no longer change."))
    if (
        data.get("procurement_method") == ProcurementMethod.OTHER
        and not (data.get("procurement_method_other") or "").strip()
    ):
        raise ValidationError({"procurement_method_other": _("Name the procurement method.")})
    if (
        data.get("service_from")
        and data.get("service_until")
        and data["service_until"] < data["service_from"]
    ):
        raise ValidationError({"service_until": _("The service ends before it starts.")})
    if data.get("amount_yuan") is not None and data["amount_yuan"] < 0:
        raise ValidationError({"amount_yuan": _("The amount cannot be negative.")})
    if engagement is None:
        engagement = Engagement(cycle=cycle, recorded_by=actor)
    changes = _changes(engagement, data, ENGAGEMENT_FIELDS)
    if contract_upload is not None:
        inspected = inspect_upload(contract_upload)
        previous = engagement.contract_sha256
        contract_upload.seek(0)
        engagement.contract_scan.save(
            f"contract{inspected.extension}", ContentFile(contract_upload.read()), save=False
        )
        engagement.contract_name = contract_upload.name[:255]
        engagement.contract_sha256 = inspected.sha256
        engagement.contract_content_type = inspected.content_type
        # the earlier scan stays in storage: the trail names both by their digest
        changes["contract_scan"] = [previous, inspected.sha256]
    engagement.save()
    audit_record(
        action=Action.ENGAGEMENT_SAVED,
        actor=actor,
        target=cycle,
        request=request,
        details={"agency": engagement.agency_id, "changes": changes},
    )
    return engagement


@transaction.atomic
def engagement_contract_open(
    *, actor, engagement: Engagement, request: HttpRequest | None = None
) -> Engagement:
    """Record that somebody opened the contract scan (the office, the auditor, the engaged
    agency). Side effects: one ``file.downloaded`` event on the round."""
    if not can_view_review(actor, engagement.cycle) or not engagement.contract_scan:
        raise PermissionDenied
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=engagement.cycle,
        request=request,
        details={"file": "contract_scan", "sha256": engagement.contract_sha256},
    )
    return engagement


def _clean_expert(data: dict) -> dict:
    from applications.enums import Category, Sector

    data = dict(data)
    if data.get("employer_uscc"):
        data["employer_uscc"] = _uscc(data["employer_uscc"])
    for name, allowed in (("sectors", Sector.values), ("categories", Category.values)):
        if name in data:
            values = list(data[name] or [])
            if any(value not in allowed for value in values):
                raise ValidationError({name: _("Choose from the list.")})
            data[name] = values
    return data


@transaction.atomic
def expert_create(
    *,
    actor,
    username: str,
    email: str,
    data: dict,
    agency: ReviewAgency | None = None,
    former: list[dict] | None = None,
    request: HttpRequest | None = None,
) -> Expert:
    """Add an expert to the pool with an account (the office, or an agency for its own
    pool). Side effects, in order: the account (``account.staff_created``, welcome
    e-mail with the password link); the expert row; its former employers; one
    ``review.expert_saved`` event."""
    if is_office(actor):
        pool = agency
    else:
        pool = agency_of(actor)
        if pool is None:
            raise PermissionDenied
    data = _clean_expert(data)
    user = staff_account_provision(
        actor=actor,
        username=username,
        email=email,
        display_name=data["name"],
        role=Role.EXPERT,
        request=request,
    )
    expert = Expert(user=user, agency=pool, created_by=actor)
    _changes(expert, data, EXPERT_FIELDS)
    expert.full_clean(exclude=["user", "created_by"])
    expert.save()
    _before, after = _former_replace(expert, former or [])
    audit_record(
        action=Action.EXPERT_SAVED,
        actor=actor,
        target=expert,
        request=request,
        details={
            "created": True,
            "agency": pool.pk if pool else None,
            "former_employers": after,
        },
    )
    return expert


def _former_replace(expert: Expert, former: list[dict]) -> tuple[list[str], list[str]]:
    """Replace the expert's former employers (they feed the conflict detection, Art. 25);
    (before, after) as text for the audit trail."""
    rows, seen = [], set()
    for row in former:
        organisation = " ".join((row.get("organisation") or "").split())[:200]
        if not organisation:
            continue
        if organisation.casefold() in seen:
            raise ValidationError(
                _("“%(name)s” is listed twice among the former employers.") % {"name": organisation}
            )
        seen.add(organisation.casefold())
        year = int(row["until_year"])
        if not 1950 <= year <= timezone.localdate().year:
            raise ValidationError(
                _("%(name)s: the year the expert left must lie between 1950 and this year.")
                % {"name": organisation}
            )
        rows.append(
            FormerEmployment(
                expert=expert,
                organisation=organisation,
                uscc=_uscc(row["uscc"]) if row.get("uscc") else "",
                until_year=year,
            )
        )
    before = [f"{f.organisation}–{f.until_year}" for f in expert.former_employers.all()]
    expert.former_employers.all().delete()
    FormerEmployment.objects.bulk_create(rows)
    return before, [f"{r.organisation}–{r.until_year}" for r in rows]


@transaction.atomic
def expert_update(
    *,
    actor,
    expert: Expert,
    data: dict,
    former: list[dict] | None = None,
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> Expert:
    """Change an expert's record (and, when given, replace the list of former employers).
    Side effects: the row; the former employers; one ``review.expert_saved`` event with
    old and new values."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if not can_keep_expert(actor, expert):
        raise PermissionDenied
    if expected_updated_at is not None and expert.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else changed this expert while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    changes = _changes(expert, _clean_expert(data), EXPERT_FIELDS)
    expert.full_clean(exclude=["user", "created_by"])
    expert.save()
    if former is not None:
        before, after = _former_replace(expert, former)
        if before != after:
            changes["former_employers"] = [before, after]
    if expert.user.display_name != expert.name:
        expert.user.display_name = expert.name
        expert.user.save(update_fields=["display_name"])
    audit_record(
        action=Action.EXPERT_SAVED,
        actor=actor,
        target=expert,
        request=request,
        details={"changes": changes},
    )
    return expert
