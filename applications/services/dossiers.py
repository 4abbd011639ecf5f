"""Dossier writes: start, save the draft, files, submit, resubmit after a supplement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.files import inspect_upload
from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.models import DeadlineStatus
from award_portal.workdays.services import deadline_close_for, deadline_create

from ..declarations import EXCLUSIONS, conditions_for
from ..enums import Category, CycleState, DossierState, FileKind
from ..models import Cycle, Dossier, DossierFile, Individual
from ..permissions import can_edit_dossier, can_supplement_dossier, window_is_open
from .applicants import organisation_of
from .grants import dossier_applicant_users, grant_dossier_access

QUALIFICATION_CLOCK = "qualification_check"
SUPPLEMENT_REPLY = "supplement_reply"


def office_users() -> list[User]:
    return list(User.objects.filter(groups__name=Role.OFFICE, is_active=True))


@transaction.atomic
def dossier_start(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> Dossier:
    """Open the actor's dossier for ``cycle`` (or return the one already open).

    Side effects, in order: the dossier row; view/change grants to the applicant's users;
    one ``dossier.created`` audit event.
    """
    if actor.role != Role.APPLICANT:
        raise PermissionDenied
    cycle = Cycle.objects.select_related("edition").get(pk=cycle.pk)
    if not window_is_open(cycle):
        raise ValidationError(_("This call is not open for applications."))
    if actor.applicant_kind == ApplicantKind.ORGANISATION:
        organisation = organisation_of(actor)
        if organisation is None:
            raise ValidationError(_("Fill in your organisation's profile first."))
        if cycle.quota_organisation == 0:
            raise ValidationError(_("This call does not admit organisations."))
        lookup = {"organisation": organisation}
    else:
        individual = Individual.objects.filter(user=actor).first()
        if individual is None:
            raise ValidationError(_("Fill in your personal profile first."))
        if not cycle.edition.individual_track_enabled or cycle.quota_individual == 0:
            raise ValidationError(_("This call does not admit individuals."))
        lookup = {"individual": individual}
    existing = Dossier.objects.filter(cycle=cycle, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(cycle=cycle, kind=actor.applicant_kind, **lookup)
    except IntegrityError:  # a double click started it a moment ago
        return Dossier.objects.get(cycle=cycle, **lookup)
    grant_dossier_access(
        dossier=dossier, users=dossier_applicant_users(dossier), actor=actor, request=request
    )
    audit_record(action=Action.DOSSIER_CREATED, actor=actor, target=dossier, request=request)
    return dossier


@transaction.atomic
def dossier_save_draft(
    *,
    actor,
    dossier: Dossier,
    declarations: dict,
    summaries: dict,
    achievements: str,
    expected_updated_at=None,
) -> Dossier:
    """Save what the applicant entered so far. Refuses a stale form (another member
    saved in between) rather than overwrite their work."""
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied
    if expected_updated_at is not None and dossier.updated_at != expected_updated_at:
        raise ValidationError(
            _(
                "Somebody else saved this application while you were "
                "editing. Reload the page; your changes were not saved."
            )
        )
    dossier.declarations = declarations
    dossier.category_summaries = summaries
    dossier.achievements = achievements
    dossier.save(update_fields=["declarations", "category_summaries", "achievements", "updated_at"])
    return dossier


@transaction.atomic
def file_attach(
    *,
    actor,
    dossier: Dossier,
    kind: str,
    title: str,
    upload,
    trade_secret: bool,
    request: HttpRequest | None = None,
) -> DossierFile:
    """Store one file privately after checking its real type and size."""
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not (can_edit_dossier(actor, dossier) or can_supplement_dossier(actor, dossier)):
        raise PermissionDenied
    if kind not in FileKind.values:
        raise ValidationError(_("Choose what kind of file this is."))
    inspected = inspect_upload(upload)
    stored = DossierFile(
        dossier=dossier,
        kind=kind,
        title=title or upload.name,
        original_name=upload.name[:255],
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        trade_secret=trade_secret,
        uploaded_by=actor,
    )
    stored.file.save(f"upload{inspected.extension}", upload, save=False)
    stored.save()
    audit_record(
        action=Action.FILE_UPLOADED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "file": stored.pk,
            "kind": kind,
            "sha256": inspected.sha256,
            "size": inspected.size,
            "trade_secret": trade_secret,
        },
    )
    return stored


@transaction.atomic
def file_remove(*, actor, stored: DossierFile) -> None:
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=stored.dossier_id)
    if not (can_edit_dossier(actor, dossier) or can_supplement_dossier(actor, dossier)):
        raise PermissionDenied
    stored.file.delete(save=False)
    stored.delete()


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


def dossier_checks(dossier: Dossier, *, on: date | None = None) -> list[Check]:
    """The hard conditions computed from the data against the cycle's edition."""
    on = on or timezone.localdate()
    edition = dossier.cycle.edition
    checks = []
    if dossier.organisation_id:
        org = dossier.organisation
        years = org.years_of_operation(on)
        checks.append(
            Check(
                _("Years of continuous operation (Art. 10(1))"),
                years >= edition.organisation_min_operating_years,
                _("%(years)s years since %(founded)s; at least %(min)s required.")
                % {
                    "years": years,
                    "founded": org.founded_on.isoformat(),
                    "min": edition.organisation_min_operating_years,
                },
            )
        )
        if org.for_profit:
            wanted = list(range(on.year - edition.organisation_no_loss_years, on.year))
            by_year = {fy.year: fy for fy in org.years.all()}
            missing = [y for y in wanted if y not in by_year]
            losses = [y for y in wanted if y in by_year and by_year[y].profit < 0]
            ok = not missing and not losses
            if missing:
                detail = _("Figures missing for %(years)s.") % {
                    "years": ", ".join(map(str, missing))
                }
            elif losses:
                detail = _("Operating loss in %(years)s.") % {"years": ", ".join(map(str, losses))}
            else:
                detail = _("No operating loss in %(years)s.") % {
                    "years": ", ".join(map(str, wanted))
                }
            checks.append(
                Check(_("No operating loss in the recent years (Art. 10(3))"), ok, detail)
            )
    else:
        person = dossier.individual
        years = person.years_of_quality_work(on)
        checks.append(
            Check(
                _("Years of quality work in the city (Art. 11(1))"),
                years >= edition.individual_min_quality_years,
                _("%(years)s years since %(since)s; at least %(min)s required.")
                % {
                    "years": years,
                    "since": person.quality_work_since,
                    "min": edition.individual_min_quality_years,
                },
            )
        )
    return checks


def submission_problems(dossier: Dossier) -> list[str]:
    """Everything that still stops submission, in words for the applicant."""
    problems = []
    declared = dossier.declarations or {}
    for item in conditions_for(dossier.kind):
        if declared.get(item.code) is not True:
            problems.append(
                _("Declare that you meet %(article)s: %(text)s")
                % {"article": item.article, "text": item.text}
            )
    for item in EXCLUSIONS:
        answer = declared.get(item.code)
        if answer is True:
            problems.append(
                _("%(article)s bars the application: %(text)s")
                % {"article": item.article, "text": item.text}
            )
        elif answer is not False:
            problems.append(_("Answer the exclusion %(article)s.") % {"article": item.article})
    for check in dossier_checks(dossier):
        if not check.ok:
            problems.append(f"{check.label}: {check.detail}")
    kinds = {f.kind for f in dossier.files.all()}
    if dossier.kind == ApplicantKind.ORGANISATION:
        empty = [
            str(c.label) for c in Category if not (dossier.category_summaries or {}).get(c.value)
        ]
        if empty:
            problems.append(
                _("Summarise your self-evaluation for: %(list)s") % {"list": "、".join(empty)}
            )
        if FileKind.SELF_EVALUATION not in kinds:
            problems.append(_("Upload the full self-evaluation report."))
    elif not dossier.achievements.strip():
        problems.append(_("Write your statement of achievements."))
    if FileKind.STAMPED_FORM not in kinds:
        problems.append(_("Upload the scan of the stamped application form."))
    return problems


def _start_clock(dossier: Dossier, calendar: WorkdayCalendar) -> None:
    received = timezone.localdate(dossier.received_at)
    deadline_create(
        kind=QUALIFICATION_CLOCK,
        subject=dossier,
        calendar=calendar,
        label=_("Qualification check: %(name)s") % {"name": dossier.applicant_name},
        start_date=received,
        working_days=dossier.cycle.edition.qualification_max_wd,
        responsible=office_users(),
        url=reverse("applications:check", args=[dossier.pk]),
    )


@transaction.atomic
def dossier_submit(
    *, actor, dossier: Dossier, pledge: bool, request: HttpRequest | None = None
) -> Dossier:
    """Submit inside the window (Art. 15); the qualification clock starts (Art. 16).

    The cycle row is locked first, so a submission and the office closing the window are
    served one after the other: either the dossier is received or the window is closed.
    Side effects, in order: pledge time, transition to ``submitted`` (time of receipt),
    the qualification deadline for the office, one ``dossier.submitted`` audit event,
    after commit the receipt e-mail to the applicant's users.
    """
    cycle = Cycle.objects.select_for_update().select_related("edition").get(pk=dossier.cycle_id)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not actor.has_perm("applications.change_dossier", dossier):
        raise PermissionDenied
    if dossier.state != DossierState.DRAFT:
        raise ValidationError(
            _("This application was already received on %(when)s.")
            % {"when": timezone.localtime(dossier.received_at).strftime("%Y-%m-%d %H:%M")}
        )
    if cycle.state != CycleState.ANNOUNCED or not window_is_open(cycle):
        raise ValidationError(
            _("Applications for this call closed on %(date)s at 24:00.")
            % {"date": cycle.application_deadline.isoformat()}
        )
    if not pledge:
        raise ValidationError(_("Accept the truthfulness pledge (Art. 28) to submit."))
    problems = submission_problems(dossier)
    if problems:
        raise ValidationError(problems)
    calendar = WorkdayCalendar.load()
    dossier.pledge_accepted_at = timezone.now()
    dossier.submit()
    try:
        _start_clock(dossier, calendar)
    except ScheduleUnknown as error:
        raise ValidationError(error.message) from None
    dossier.save()
    audit_record(
        action=Action.DOSSIER_SUBMITTED,
        actor=actor,
        target=dossier,
        request=request,
        details={"received_at": dossier.received_at.isoformat()},
    )
    _mail_applicants(
        dossier,
        _("Application received: %(name)s"),
        _(
            "Your application to “%(cycle)s” was received on %(when)s (Beijing "
            "time). The receipt: %(link)s"
        ),
        "applications:receipt-pdf",
    )
    return dossier


def _mail_applicants(dossier: Dossier, subject: str, body: str, url_name: str) -> None:
    from django.conf import settings

    link = settings.PORTAL_BASE_URL + reverse(url_name, args=[dossier.pk])
    text = body % {
        "cycle": dossier.cycle.name,
        "link": link,
        "name": dossier.applicant_name,
        "when": timezone.localtime(dossier.received_at).strftime("%Y-%m-%d %H:%M")
        if dossier.received_at
        else "",
    }
    title = subject % {"name": dossier.applicant_name}
    emails = [u.email for u in dossier_applicant_users(dossier) if u.email]
    transaction.on_commit(lambda: send_mail(title, text, None, emails))


@transaction.atomic
def dossier_resubmit(*, actor, dossier: Dossier, request: HttpRequest | None = None) -> Dossier:
    """Hand in the supplemented materials; the 10-working-day clock restarts."""
    dossier = (
        Dossier.objects.select_for_update().select_related("cycle__edition").get(pk=dossier.pk)
    )
    if not can_supplement_dossier(actor, dossier):
        if dossier.state != DossierState.SUPPLEMENT_REQUESTED:
            raise ValidationError(_("No supplement is requested for this application now."))
        raise PermissionDenied
    notice = dossier.notices.order_by("-number").first()
    notice.answered_at = timezone.now()
    notice.save(update_fields=["answered_at"])
    deadline_close_for(subject=dossier, kind=SUPPLEMENT_REPLY)
    dossier.resubmit()
    _start_clock(dossier, WorkdayCalendar.load())
    dossier.save()
    audit_record(
        action=Action.DOSSIER_RESUBMITTED,
        actor=actor,
        target=dossier,
        request=request,
        details={"notice": notice.number},
    )
    return dossier


def close_clock(dossier: Dossier, status: str = DeadlineStatus.MET) -> None:
    deadline_close_for(subject=dossier, kind=QUALIFICATION_CLOCK, status=status)
