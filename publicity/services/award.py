"""The city government's approval (Art. 22) and the award (Art. 3, 5, 23, 31, 32):
certificates with a verification number, the plaque, the prize."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle
from applications.services.cycles import cycle_transition
from applications.services.dossiers import dossier_move
from applications.services.messaging import tell_applicants
from award_portal.accounts.enums import ApplicantKind
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.chinese import money
from award_portal.documents.files import inspect_upload
from award_portal.documents.services import document_issue

from ..models import Approval, ApprovalExclusion, Award, Prize
from ..permissions import is_office


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def valid_until(valid_from: date, years: int) -> date:
    """The last day of a title valid ``years`` years from ``valid_from`` (29 February
    becomes 28 February in a common year)."""
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:
        end = valid_from.replace(year=valid_from.year + years, day=28)
    return end - timedelta(days=1)


@transaction.atomic
def approval_record(
    *,
    actor,
    cycle: Cycle,
    document_number: str,
    approved_on: date,
    scan,
    exclusions: dict[int, str] | None = None,
    request: HttpRequest | None = None,
) -> Approval:
    """Record the city government's approval; only then are the winners awarded.

    Side effects, in order: the approval with its scan (private file); each excluded
    candidate ``not_approved`` with its reason (and told); the round's
    ``record_approval`` transition; one ``publicity.approval_recorded`` event; each
    approved candidate awarded (``award_grant``).
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=cycle.pk)
    if cycle.state != CycleState.APPROVAL:
        raise ValidationError(_("The approval is recorded after the publicity has ended."))
    if not (document_number or "").strip():
        raise ValidationError(_("Give the number of the government's document."))
    if scan is None:
        raise ValidationError(_("Attach the scanned approval."))
    exclusions = {k: v.strip() for k, v in (exclusions or {}).items()}
    proposed = {d.pk: d for d in cycle.dossiers.filter(state=DossierState.PROPOSED)}
    if not set(exclusions) <= set(proposed):
        raise ValidationError(_("Only a publicised candidate can be excluded."))
    if any(not reason for reason in exclusions.values()):
        raise ValidationError(_("Give the reason for each exclusion."))
    info = inspect_upload(scan)
    approval = Approval(
        cycle=cycle,
        document_number=document_number.strip(),
        approved_on=approved_on,
        scan_name=scan.name[:255],
        scan_sha256=info.sha256,
        recorded_by=actor,
    )
    scan.seek(0)
    approval.scan.save(f"approval{info.extension}", ContentFile(scan.read()), save=False)
    approval.save()
    for dossier_id, reason in exclusions.items():
        ApprovalExclusion.objects.create(
            approval=approval, dossier=proposed[dossier_id], reason=reason
        )
        dossier_move(
            dossier=proposed[dossier_id],
            name="not_approve",
            actor=actor,
            details={"approval": approval.document_number, "reason": reason},
        )
        tell_applicants(
            proposed[dossier_id],
            template="not_approved",
            context={"approval": approval, "reason": reason},
            url=reverse("applications:dossier-detail", args=[dossier_id]),
            folder="publicity/email",
        )
    cycle_transition(actor=actor, cycle=cycle, name="record_approval", request=request)
    audit_record(
        action=Action.APPROVAL_RECORDED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "document": approval.document_number,
            "approved_on": approved_on.isoformat(),
            "excluded": exclusions,
            "sha256": info.sha256,
        },
    )
    for dossier_id, dossier in proposed.items():
        if dossier_id in exclusions:
            continue
        dossier_move(
            dossier=dossier,
            name="approve",
            actor=actor,
            details={"approval": approval.document_number},
        )
        award_grant(actor=actor, dossier=dossier, approval=approval, request=request)
    return approval


def award_grant(*, actor, dossier, approval: Approval, request: HttpRequest | None = None) -> Award:
    """One winner: the award with its validity, its certificate (an official document
    with an unguessable verification number), the prize (an organisation's, in the
    budget of the next year), the dossier ``awarded``, the winner told."""
    cycle = approval.cycle
    edition = cycle.edition
    award = Award(
        dossier=dossier,
        cycle=cycle,
        kind=dossier.kind,
        winner_name=dossier.applicant_name,
        award_year=approval.approved_on.year,
        valid_from=approval.approved_on,
        valid_until=valid_until(approval.approved_on, edition.title_valid_years),
        granted_by=actor,
    )
    award.certificate = document_issue(
        kind="certificate",
        title=_("Certificate of honour"),
        subject=dossier,
        addressee=dossier.applicant_name,
    )
    award.save()
    amount = (
        edition.prize_organisation_yuan
        if dossier.kind == ApplicantKind.ORGANISATION
        else edition.prize_individual_yuan
    )
    if amount:
        Prize.objects.create(award=award, amount_yuan=amount, budget_year=award.award_year + 1)
    dossier_move(
        dossier=dossier,
        name="confer",
        actor=actor,
        details={"certificate": award.certificate_number},
    )
    audit_record(
        action=Action.AWARD_GRANTED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "certificate": award.certificate_number,
            "certificate_document": award.certificate.number,
            "valid_until": award.valid_until.isoformat(),
            "prize": money(amount) if amount is not None else None,
        },
    )
    tell_applicants(
        dossier,
        template="awarded",
        context={"award": award},
        url=reverse("publicity:certificate-pdf", args=[award.pk]),
        folder="publicity/email",
    )
    return award


@transaction.atomic
def plaque_deliver(
    *, actor, award: Award, delivered_on: date, received_by: str, request: HttpRequest | None = None
) -> Award:
    _require_office(actor)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked_on is not None:
        raise ValidationError(_("The title has been revoked: no plaque is delivered."))
    if not (received_by or "").strip():
        raise ValidationError(_("Who received the plaque?"))
    if delivered_on < award.valid_from:
        raise ValidationError(_("The plaque cannot be delivered before the approval."))
    award.plaque_delivered_on = delivered_on
    award.plaque_received_by = received_by.strip()[:100]
    award.save(update_fields=["plaque_delivered_on", "plaque_received_by"])
    audit_record(
        action=Action.PLAQUE_DELIVERED,
        actor=actor,
        target=award.dossier,
        request=request,
        details={"on": delivered_on.isoformat(), "received_by": award.plaque_received_by},
    )
    return award


@transaction.atomic
def prize_pay(
    *, actor, prize: Prize, paid_on: date, reference: str, request: HttpRequest | None = None
) -> Prize:
    """Record the payment; Art. 5: the prize comes from the budget of the year after the
    award, so a payment dated before that year is refused."""
    _require_office(actor)
    prize = Prize.objects.select_for_update().select_related("award").get(pk=prize.pk)
    if prize.paid_on is not None:
        raise ValidationError(_("The payment is recorded already."))
    if prize.award.revoked_on is not None:
        raise ValidationError(_("The title has been revoked: the prize is not paid."))
    if paid_on.year < prize.budget_year:
        raise ValidationError(
            _("The prize is paid from the %(year)s budget (Art. 5), not before.")
            % {"year": prize.budget_year}
        )
    if not (reference or "").strip():
        raise ValidationError(_("Give the payment's reference."))
    prize.paid_on = paid_on
    prize.payment_reference = reference.strip()[:100]
    prize.recorded_by = actor
    prize.save()
    audit_record(
        action=Action.PRIZE_PAID,
        actor=actor,
        target=prize.award.dossier,
        request=request,
        details={
            "paid_on": paid_on.isoformat(),
            "amount": money(prize.amount_yuan),
            "reference": prize.payment_reference,
        },
    )
    return prize


def certificate_lookup(number: str) -> Award | None:
    """The award a verification number belongs to (case and spaces ignored), or None."""
    cleaned = "".join((number or "").split()).upper().replace("-", "")
    if len(cleaned) != 16 or not cleaned.isalnum() or not cleaned.isascii():
        return None
    formatted = "-".join(cleaned[i : i + 4] for i in range(0, 16, 4))
    return Award.objects.select_related("cycle").filter(certificate_number=formatted).first()


def approval_scan_open(*, actor, approval: Approval, request: HttpRequest | None = None):
    """The scanned approval (a government document, kept private) is downloaded by the
    office or the auditor.

    Side effects: one ``file.downloaded`` event naming the approval and the file's hash.
    """
    from ..permissions import oversees

    if not oversees(actor):
        raise PermissionDenied
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=approval.cycle,
        request=request,
        details={"approval": approval.document_number, "sha256": approval.scan_sha256},
    )
    return approval
