"""Bans on applying (Art. 12(4), 28): recorded by the office after a finding of fraud in
another government award, or by the revocation of a title for fraud; enforced when an
applicant starts a dossier.

A ban is keyed by the organisation's credit code or the person's ID number (its keyed
hash), so it follows the applicant, not the user account.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal import privacy
from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.templatetags.official import day

from ..models import ApplicantBan, BanSource, Dossier
from ..validators import normalise_id_number, normalise_uscc, validate_id_number, validate_uscc


def years_later_last_day(start: date, years: int) -> date:
    """The last day of a period of ``years`` years from ``start`` (29 February becomes
    28 February in a common year): from 2026-12-01, five years end on 2031-11-30."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:
        end = start.replace(year=start.year + years, day=28)
    return end - timedelta(days=1)


def ban_in_force(*, organisation=None, individual=None, on: date | None = None):
    """The ban in force on ``on`` for this organisation (by credit code) or person (by ID
    number), the one that lasts longest; or None."""
    on = on or timezone.localdate()
    bans = ApplicantBan.objects.filter(starts_on__lte=on, ends_on__gte=on)
    if organisation is not None:
        bans = bans.filter(kind=ApplicantKind.ORGANISATION, uscc=organisation.uscc)
    elif individual is not None:
        bans = bans.filter(kind=ApplicantKind.INDIVIDUAL, id_number_hash=individual.id_number_hash)
    else:
        return None
    return bans.order_by("-ends_on").first()


def bans_in_force_for(dossiers, on: date | None = None) -> dict[int, ApplicantBan]:
    """dossier id -> the longest ban in force on ``on`` for its applicant, for a whole
    list of dossiers in three queries whatever its length (a round's ranking, its
    candidates)."""
    from ..models import Individual, Organisation

    on = on or timezone.localdate()
    dossiers = list(dossiers)
    usccs = dict(
        Organisation.objects.filter(
            pk__in={d.organisation_id for d in dossiers if d.organisation_id}
        ).values_list("pk", "uscc")
    )
    hashes = dict(
        Individual.objects.filter(
            pk__in={d.individual_id for d in dossiers if d.individual_id}
        ).values_list("pk", "id_number_hash")
    )
    if not usccs and not hashes:
        return {}
    by_key: dict[tuple[str, str], ApplicantBan] = {}
    for ban in (
        ApplicantBan.objects.filter(starts_on__lte=on, ends_on__gte=on)
        .filter(
            models.Q(kind=ApplicantKind.ORGANISATION, uscc__in=set(usccs.values()))
            | models.Q(kind=ApplicantKind.INDIVIDUAL, id_number_hash__in=set(hashes.values()))
        )
        .order_by("ends_on")
    ):
        by_key[(ban.kind, ban.uscc or ban.id_number_hash)] = ban  # the longest last
    found = {}
    for dossier in dossiers:
        if dossier.organisation_id:
            key = (ApplicantKind.ORGANISATION, usccs.get(dossier.organisation_id))
        else:
            key = (ApplicantKind.INDIVIDUAL, hashes.get(dossier.individual_id))
        if key in by_key:
            found[dossier.pk] = by_key[key]
    return found


def ban_message(ban: ApplicantBan) -> str:
    """What a barred applicant reads: the reason and the ban's first and last day (both
    included, so "before" or "until" cannot be misread)."""
    reason = ban.reason.strip()
    if reason and reason[-1] not in "。.！!？?":
        reason += _(".")
    return _(
        "You may not apply for the Mayor's Quality Award from %(start)s to %(end)s, both "
        "days included. Ground: %(ground)s. %(reason)s If you think this is wrong, please "
        "contact the coordination office."
    ) % {
        "start": day(ban.starts_on),
        "end": day(ban.ends_on),
        "ground": ban.get_source_display(),
        "reason": reason,
    }


def _require_office(actor) -> None:
    if not (actor.is_authenticated and actor.role == Role.OFFICE):
        raise PermissionDenied


@transaction.atomic
def ban_record(
    *,
    actor,
    kind: str,
    name: str,
    identifier: str,
    reason: str,
    reference: str,
    starts_on: date,
    ends_on: date,
    request: HttpRequest | None = None,
) -> ApplicantBan:
    """Record a ban found in the qualification check (Art. 12(4): fraud in another
    government award), keyed by the credit code or the ID number.

    Side effects, in order: the ban row (the ID number kept only as a keyed hash and
    masked); one ``applicant.ban_recorded`` event (the ID number masked).
    """
    _require_office(actor)
    name, reason, reference = (
        (name or "").strip(),
        (reason or "").strip(),
        (reference or "").strip(),
    )
    if kind not in ApplicantKind.values:
        raise ValidationError(_("Choose an organisation or an individual."))
    if not name:
        raise ValidationError(_("Give the name of the organisation or person."))
    if not reason:
        raise ValidationError(_("Give the reason for the ban."))
    if ends_on < starts_on:
        raise ValidationError(_("The ban cannot end before it starts."))
    ban = ApplicantBan(
        kind=kind,
        name=name[:200],
        source=BanSource.OTHER_AWARD,
        reason=reason,
        reference=reference[:100],
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor,
    )
    if kind == ApplicantKind.ORGANISATION:
        validate_uscc(identifier or "")
        ban.uscc = normalise_uscc(identifier)
        shown = ban.uscc
    else:
        validate_id_number(identifier or "")
        number = normalise_id_number(identifier)
        ban.id_number_hash = privacy.keyed_hash(number)
        ban.id_number_masked = privacy.mask(number, keep_start=3, keep_end=4)
        shown = ban.id_number_masked
    ban.save()
    audit_record(
        action=Action.BAN_RECORDED,
        actor=actor,
        target=ban,
        request=request,
        details={
            "source": ban.source,
            "key": shown,
            "from": starts_on.isoformat(),
            "until": ends_on.isoformat(),
            "reference": ban.reference,
        },
    )
    return ban


@transaction.atomic
def ban_for_revocation(
    *,
    actor,
    dossier: Dossier,
    decided_on: date,
    years: int,
    reference: str,
    request: HttpRequest | None = None,
) -> ApplicantBan:
    """Art. 28: a title revoked for fraud bars its organisation or person for ``years``
    years from the decision date (the caller gives the edition's ``fraud_ban_years``).

    Side effects, in order: the ban row keyed by the dossier's credit code or ID number
    hash; one ``applicant.ban_recorded`` event.
    """
    _require_office(actor)
    ban = ApplicantBan(
        kind=dossier.kind,
        name=dossier.applicant_name[:200],
        source=BanSource.REVOCATION,
        reason=_("The city government revoked the title by its decision %(number)s of %(date)s.")
        % {"number": reference, "date": day(decided_on)},
        reference=reference[:100],
        starts_on=decided_on,
        ends_on=years_later_last_day(decided_on, years),
        recorded_by=actor,
    )
    if dossier.organisation_id:
        ban.uscc = dossier.organisation.uscc
    else:
        ban.id_number_hash = dossier.individual.id_number_hash
        ban.id_number_masked = dossier.individual.id_number_masked
    ban.save()
    audit_record(
        action=Action.BAN_RECORDED,
        actor=actor,
        target=ban,
        request=request,
        details={
            "source": ban.source,
            "key": ban.uscc or ban.id_number_masked,
            "from": ban.starts_on.isoformat(),
            "until": ban.ends_on.isoformat(),
            "reference": ban.reference,
            "dossier": dossier.number,
        },
    )
    return ban
