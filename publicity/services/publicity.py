"""Publicity of the proposed winners for exactly the edition's working days, objections,
their investigation and the working group's decision on a founded one (Art. 22)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState, DossierState
from applications.models import Cycle
from applications.services.cycles import cycle_transition
from applications.services.dossiers import dossier_move
from applications.services.messaging import tell_applicants
from applications.validators import (
    normalise_id_number,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from award_portal import privacy
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record, client_ip
from award_portal.documents.chinese import shown_day
from award_portal.documents.files import inspect_upload
from award_portal.documents.services import document_issue
from award_portal.notifications.services import sms_queue
from award_portal.workdays.engine import WorkdayCalendar

from ..enums import ContactKind, GroupDecisionMethod, ObjectionState, ObjectorKind
from ..models import (
    GroupDecision,
    GroupMember,
    InvestigationStep,
    Objection,
    ObjectionFile,
    PublicityNotice,
)
from ..permissions import is_office
from .comment import receipt_number
from .contact import contact_check_spend, contact_check_verify

MAX_EVIDENCE_FILES = 8


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied


def publicity_period(cycle: Cycle, *, published_on, calendar: WorkdayCalendar | None = None):
    """The publicity window: published during a day, it counts from the next day and
    lasts exactly the edition's ``publicity_wd`` working days."""
    calendar = calendar or WorkdayCalendar.load()
    return calendar.window(published_on, cycle.edition.publicity_wd, at_midnight=False)


def period_end(notice: PublicityNotice) -> datetime:
    """24:00 of the last day, Asia/Shanghai: the first instant an objection is late."""
    from datetime import timedelta

    return timezone.make_aware(datetime.combine(notice.last_day + timedelta(days=1), time(0, 0)))


def period_start(notice: PublicityNotice) -> datetime:
    return timezone.make_aware(datetime.combine(notice.first_day, time(0, 0)))


@transaction.atomic
def publicity_publish(
    *, actor, cycle: Cycle, title: str, body: str, request: HttpRequest | None = None
) -> PublicityNotice:
    """Publish the decided list (拟授奖名单公示).

    Side effects, in order: the round's ``start_publicity`` transition; the notice with its
    exact period (first and last day), its document number, the proposed dossiers; one
    ``publicity.published`` event; the applicants told.
    """
    _require_office(actor)
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=cycle.pk)
    if cycle.state != CycleState.GROUP_VOTE:
        raise ValidationError(_("The decided list is publicised after the working group's vote."))
    from ..models import Meeting

    if not Meeting.objects.filter(cycle=cycle, state="closed").exists():
        raise ValidationError(_("The working group has not decided yet (no closed meeting)."))
    if cycle.dossiers.filter(state=DossierState.CANDIDATE).exists():
        raise ValidationError(_("Some candidates have no decision of the working group yet."))
    proposed = list(cycle.dossiers.filter(state=DossierState.PROPOSED))
    for kind, quota in (
        ("organisation", cycle.quota_organisation),
        ("individual", cycle.quota_individual),
    ):
        if sum(1 for d in proposed if d.kind == kind) > quota:
            raise ValidationError(_("The decided list holds more winners than the quota."))
    if not (title or "").strip() or not (body or "").strip():
        raise ValidationError(_("Give the notice a title and a text."))
    window = publicity_period(cycle, published_on=timezone.localdate())
    cycle = cycle_transition(actor=actor, cycle=cycle, name="start_publicity", request=request)
    notice = PublicityNotice.objects.create(
        cycle=cycle,
        title=title.strip(),
        body=body.strip(),
        first_day=window.first,
        last_day=window.last,
        working_days=window.working_days,
        document=document_issue(kind="publicity_notice", title=title.strip(), subject=cycle),
        published_by=actor,
    )
    notice.entries.set(proposed)
    audit_record(
        action=Action.PUBLICITY_PUBLISHED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "document": notice.document.number,
            "first_day": notice.first_day.isoformat(),
            "last_day": notice.last_day.isoformat(),
            "entries": [d.pk for d in proposed],
        },
    )
    for dossier in proposed:
        tell_applicants(
            dossier,
            template="publicised",
            context={"notice": notice},
            url=reverse("publicity:publicity", args=[cycle.pk]),
            folder="publicity/email",
        )
    return notice


def objection_file(
    *,
    notice: PublicityNotice,
    dossier_id: int,
    objector_kind: str,
    name: str,
    phone: str,
    token: str,
    code: str,
    facts: str,
    uscc: str = "",
    id_number: str = "",
    contact_name: str = "",
    sealed_letter=None,
    files=(),
    request: HttpRequest | None = None,
    now=None,
) -> Objection:
    """Take an objection within the period (until 24:00 of the last day, Asia/Shanghai).

    An organisation gives its name, credit code, a contact person and its sealed letter
    (scan); an individual its name and resident ID number (validated, encrypted,
    masked). Both give a phone number that answered a code, the facts and evidence.
    Side effects, in order (one transaction after the code check): the code spent, the
    objection with its receipt number, its files, one ``publicity.objection_filed``
    event, the office told.
    """
    now = now or timezone.now()
    name = " ".join((name or "").split())
    facts = (facts or "").strip()
    if objector_kind not in ObjectorKind.values:
        raise ValidationError(_("Say whether you object as an organisation or as a person."))
    if not name:
        raise ValidationError(_("Give your name; anonymous objections are not taken."))
    if len(facts) < 10:
        raise ValidationError(_("State the facts of your objection (at least 10 characters)."))
    stored_uscc, encrypted, masked = "", "", ""
    if objector_kind == ObjectorKind.ORGANISATION:
        stored_uscc = normalise_uscc(uscc or "")
        validate_uscc(stored_uscc)
        if sealed_letter is None:
            raise ValidationError(_("An organisation attaches its letter with its seal (a scan)."))
        if not (contact_name or "").strip():
            raise ValidationError(_("Give the organisation's contact person."))
    else:
        number = normalise_id_number(id_number or "")
        validate_id_number(number)
        encrypted = privacy.encrypt(number)
        masked = privacy.mask(number, keep_start=3, keep_end=4)
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(_("Attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES})
    letter = inspect_upload(sealed_letter) if sealed_letter is not None else None
    inspected = [inspect_upload(upload) for upload in files]
    check = contact_check_verify(token=token, code=code, kind=ContactKind.PHONE, contact=phone)
    with transaction.atomic():
        notice = PublicityNotice.objects.select_for_update().get(pk=notice.pk)
        if now < period_start(notice):
            raise ValidationError(_("The publicity period has not begun."))
        if now >= period_end(notice) or notice.ended_at is not None:
            raise ValidationError(
                _(
                    "The publicity period ended on %(date)s at 24:00; objections are no longer "
                    "taken."
                )
                % {"date": shown_day(notice.last_day)}
            )
        if not notice.entries.filter(pk=dossier_id).exists():
            raise ValidationError(_("Choose a candidate of the publicised list."))
        check = contact_check_spend(check=check)
        objection = Objection(
            notice=notice,
            dossier_id=dossier_id,
            receipt_number=receipt_number("YY"),
            objector_kind=objector_kind,
            name=name[:200],
            uscc=stored_uscc,
            id_number_encrypted=encrypted,
            id_number_masked=masked,
            phone=check.contact,
            contact_name=" ".join((contact_name or "").split())[:100],
            facts=facts,
            contact_check=check,
            filed_at=now,
            source_ip=client_ip(request),
        )
        if letter is not None:
            sealed_letter.seek(0)
            objection.sealed_letter.save(
                f"letter{letter.extension}", ContentFile(sealed_letter.read()), save=False
            )
            objection.sealed_letter_name = sealed_letter.name[:255]
            objection.sealed_letter_sha256 = letter.sha256
        objection.save()
        for upload, info in zip(files, inspected, strict=True):
            upload.seek(0)
            stored = ObjectionFile(
                objection=objection,
                original_name=upload.name[:255],
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            stored.file.save(f"evidence{info.extension}", ContentFile(upload.read()), save=False)
            stored.save()
        audit_record(
            action=Action.OBJECTION_FILED,
            target=notice.cycle,
            request=request,
            actor_label="public",
            details={"receipt": objection.receipt_number, "dossier": dossier_id},
        )
    return objection


def _tell_objector(objection: Objection, text: str) -> None:
    sms_queue(to=objection.phone, text=text)


@transaction.atomic
def objection_investigate(
    *, actor, objection: Objection, text: str, request: HttpRequest | None = None
) -> InvestigationStep:
    """Record a step of the investigation (the first step starts it)."""
    _require_office(actor)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state not in (ObjectionState.FILED, ObjectionState.INVESTIGATING):
        raise ValidationError(_("This objection has been decided."))
    if not (text or "").strip():
        raise ValidationError(_("Describe the step taken and the evidence gathered."))
    if objection.state == ObjectionState.FILED:
        objection.investigate()
        objection.save()
    step = InvestigationStep.objects.create(
        objection=objection, text=text.strip(), recorded_by=actor
    )
    audit_record(
        action=Action.OBJECTION_STEP,
        actor=actor,
        target=objection.notice.cycle,
        request=request,
        details={"receipt": objection.receipt_number},
    )
    return step


@transaction.atomic
def objection_decide(
    *, actor, objection: Objection, founded: bool, finding: str, request: HttpRequest | None = None
) -> Objection:
    """The office's finding (founded / unfounded, with reasons); the objector is told by
    text message; the applicant is told the decision (never who objected)."""
    _require_office(actor)
    objection = (
        Objection.objects.select_for_update().select_related("notice__cycle").get(pk=objection.pk)
    )
    if objection.state != ObjectionState.INVESTIGATING:
        raise ValidationError(_("Record at least one investigation step before the finding."))
    if not (finding or "").strip():
        raise ValidationError(_("Give the finding and its reasons."))
    if founded:
        objection.find_founded(by=actor, finding=finding.strip())
    else:
        objection.find_unfounded(by=actor, finding=finding.strip())
    objection.objector_told_at = timezone.now()
    objection.save()
    audit_record(
        action=Action.OBJECTION_DECIDED,
        actor=actor,
        target=objection.notice.cycle,
        request=request,
        details={"receipt": objection.receipt_number, "founded": founded},
    )
    _tell_objector(
        objection,
        _(
            "Your objection %(receipt)s to the Mayor's Quality Award publicity: the "
            "coordination office found it %(result)s. %(finding)s"
        )
        % {
            "receipt": objection.receipt_number,
            "result": _("founded") if founded else _("unfounded"),
            "finding": objection.finding[:200],
        },
    )
    tell_applicants(
        objection.dossier,
        template="objection_decided",
        context={"objection": objection, "founded": founded},
        url=reverse("applications:dossier-detail", args=[objection.dossier_id]),
        folder="publicity/email",
    )
    return objection


@transaction.atomic
def group_decide(
    *,
    actor,
    objection: Objection,
    cancel: bool,
    method: str,
    agreed: list[GroupMember],
    decided_on,
    record: str,
    request: HttpRequest | None = None,
) -> GroupDecision:
    """Record the working group's decision on a founded objection (Art. 22): cancel the
    candidate's qualification or keep it, by a vote or a written resolution, with the
    members who agreed (more than half of the current members).

    On cancelling: the dossier moves to ``cancelled_after_objection`` and leaves the list;
    the applicant is told why. On keeping it: the applicant is told it stays on the list.
    """
    _require_office(actor)
    objection = (
        Objection.objects.select_for_update()
        .select_related("notice__cycle", "dossier")
        .get(pk=objection.pk)
    )
    if objection.state != ObjectionState.FOUNDED:
        raise ValidationError(_("Only a founded objection goes to the working group."))
    if hasattr(objection, "group_decision"):
        raise ValidationError(_("The working group has decided on this objection already."))
    if method not in GroupDecisionMethod.values:
        raise ValidationError(_("Say how the group decided."))
    cycle = objection.notice.cycle
    members = list(GroupMember.objects.filter(cycle=cycle, until__isnull=True))
    agreed_ids = {m.pk for m in agreed}
    if not agreed_ids <= {m.pk for m in members}:
        raise ValidationError(_("Only current members of the group can agree."))
    recused = set(objection.dossier.member_conflicts.values_list("member", flat=True))
    if agreed_ids & recused:
        raise ValidationError(_("A member with a conflict does not take part in this decision."))
    if len(agreed_ids) * 2 <= len(members):
        raise ValidationError(
            _("A decision of the group needs the agreement of more than half of its %(n)s members.")
            % {"n": len(members)}
        )
    if not (record or "").strip():
        raise ValidationError(_("Give the record of the decision."))
    decision = GroupDecision.objects.create(
        objection=objection,
        cancel=cancel,
        method=method,
        decided_on=decided_on,
        record=record.strip(),
        recorded_by=actor,
    )
    decision.agreed.set(agreed)
    if cancel:
        dossier_move(
            dossier=objection.dossier,
            name="cancel_after_objection",
            actor=actor,
            details={"objection": objection.receipt_number},
        )
        objection.notice.entries.remove(objection.dossier)
        tell_applicants(
            objection.dossier,
            template="cancelled_after_objection",
            context={"objection": objection, "decision": decision},
            url=reverse("applications:dossier-detail", args=[objection.dossier_id]),
            folder="publicity/email",
        )
    else:
        tell_applicants(
            objection.dossier,
            template="candidacy_kept",
            context={"objection": objection, "decision": decision},
            url=reverse("applications:dossier-detail", args=[objection.dossier_id]),
            folder="publicity/email",
        )
    audit_record(
        action=Action.GROUP_DECIDED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "receipt": objection.receipt_number,
            "cancel": cancel,
            "method": method,
            "agreed": sorted(agreed_ids),
        },
    )
    return decision


def end_problem(notice: PublicityNotice, *, now=None) -> str | None:
    now = now or timezone.now()
    if now < period_end(notice):
        return _("The publicity period runs until %(date)s 24:00.") % {
            "date": shown_day(notice.last_day)
        }
    undecided = notice.objections.exclude(
        state__in=[ObjectionState.FOUNDED, ObjectionState.UNFOUNDED]
    ).count()
    if undecided:
        return _("%(n)s objection(s) are not decided yet.") % {"n": undecided}
    waiting = notice.objections.filter(state=ObjectionState.FOUNDED, group_decision__isnull=True)
    if waiting.exists():
        return _("The working group has not decided on every founded objection.")
    return None


@transaction.atomic
def publicity_end(
    *, actor, cycle: Cycle, outcome: str, request: HttpRequest | None = None
) -> PublicityNotice:
    """End the publicity once the period is over and every objection is decided; the page
    then states the outcome. The round moves to ``approval``."""
    _require_office(actor)
    notice = PublicityNotice.objects.select_for_update().get(cycle=cycle)
    problem = end_problem(notice)
    if problem:
        raise ValidationError(problem)
    if not (outcome or "").strip():
        raise ValidationError(_("State the outcome of the publicity."))
    cycle_transition(actor=actor, cycle=cycle, name="end_publicity", request=request)
    notice.ended_at = timezone.now()
    notice.outcome = outcome.strip()
    notice.save(update_fields=["ended_at", "outcome"])
    audit_record(
        action=Action.PUBLICITY_ENDED,
        actor=actor,
        target=cycle,
        request=request,
        details={
            "outcome": notice.outcome,
            "entries": list(notice.entries.values_list("pk", flat=True)),
        },
    )
    return notice


# --- the office's objection pages --------------------------------------------------------------
def objection_open(*, actor, objection: Objection, request: HttpRequest | None = None) -> Objection:
    """The office or the auditor opens an objection: the objector's identity is personal
    data, so every opening is recorded.

    Side effects: one ``publicity.comment_opened`` event (comment or objection read).
    """
    from ..permissions import oversees

    if not oversees(actor):
        raise PermissionDenied
    audit_record(
        action=Action.COMMENT_OPENED,
        actor=actor,
        target=objection.notice.cycle,
        request=request,
        details={"objection": objection.receipt_number, "dossier": objection.dossier_id},
    )
    return objection


def objection_file_open(
    *, actor, objection: Objection, which: str, request: HttpRequest | None = None
):
    """The sealed letter (``which="letter"``) or one evidence file (its id) of an
    objection, for the office or the auditor: (field file, file name, content type, hash)
    or None when there is no such file.

    Side effects: one ``file.downloaded`` event naming the objection and the file.
    """
    from ..permissions import oversees

    if not oversees(actor):
        raise PermissionDenied
    if which == "letter":
        if not objection.sealed_letter:
            return None
        found = (
            objection.sealed_letter,
            objection.sealed_letter_name or "letter",
            None,
            objection.sealed_letter_sha256,
        )
    else:
        stored = (
            objection.files.filter(pk=int(which)).first()
            if which.isascii() and which.isdigit() and len(which) <= 18
            else None
        )
        if stored is None:
            return None
        found = (stored.file, stored.original_name, stored.content_type, stored.sha256)
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=objection.notice.cycle,
        request=request,
        details={"objection": objection.receipt_number, "file": which, "sha256": found[3]},
    )
    return found
