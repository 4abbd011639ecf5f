"""On-site review (现场评审, Art. 18): the panel leader schedules the visit of one dossier
(date within the stage, place, the team, the items to verify), the applicant is told,
and the leader and the team record what they found per item.

Who sees a visit: the panel leader of the dossier and the visit's team, each only while
the stage runs and after declaring no conflict (the same reading right as the score
sheet: a conflicted or undeclared expert gets the answer an unassigned one gets), the
office and the auditor. The applicant sees the date and the place on its review page,
never the findings or the team's names.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import DossierState
from applications.models import Dossier
from applications.services.grants import dossier_applicant_users
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.files import inspect_upload
from award_portal.documents.templatetags.official import day
from award_portal.notifications.services import notify

from ..enums import AssignmentState, FindingStatus, MemberState, StageKind
from ..models import (
    Assignment,
    Criterion,
    Expert,
    OnsiteFinding,
    OnsiteVisit,
    Panel,
    PanelDossier,
    ReviewStage,
)
from ..permissions import (
    agency_engaged_for,
    can_read_assignment,
    expert_of,
    is_conflicted,
    oversees_review,
    stage_is_running,
)
from .scoring import criteria_of, leads_undeclared

CLOSED_ASSIGNMENT_STATES = (AssignmentState.RECUSED, AssignmentState.WITHDRAWN)


def panel_of(stage: ReviewStage, dossier: Dossier) -> Panel | None:
    """The panel the dossier went to in the stage, or None."""
    item = (
        PanelDossier.objects.select_related("panel__leader")
        .filter(stage=stage, dossier=dossier)
        .first()
    )
    return item.panel if item is not None else None


def _reading_expert(user, stage: ReviewStage, dossier: Dossier) -> Expert | None:
    """The user's expert record when the user may read the dossier in this stage now
    (declared no conflict, the grant, the stage running), else None."""
    expert = expert_of(user)
    if expert is None:
        return None
    assignment = (
        Assignment.objects.select_related("stage__plan__cycle", "dossier")
        .filter(stage=stage, dossier=dossier, expert=expert)
        .first()
    )
    if assignment is None or not can_read_assignment(user, assignment):
        return None
    if is_conflicted(expert, dossier):
        return None
    return expert


def leads_visit(user, stage: ReviewStage, dossier: Dossier, panel: Panel | None = None) -> bool:
    panel = panel or panel_of(stage, dossier)
    return (
        panel is not None
        and leads_undeclared(user, panel, dossier)
        and _reading_expert(user, stage, dossier) is not None
    )


def on_visit_team(user, visit: OnsiteVisit | None) -> bool:
    if visit is None:
        return False
    expert = _reading_expert(user, visit.stage, visit.dossier)
    return expert is not None and visit.team.filter(pk=expert.pk).exists()


def can_view_visit(user, stage: ReviewStage, dossier: Dossier, visit: OnsiteVisit | None) -> bool:
    """The visit page: the office, the auditor, the dossier's panel leader and the visit's
    team (each readable now)."""
    if stage.kind != StageKind.ONSITE:
        return False
    if oversees_review(user):
        return True
    return leads_visit(user, stage, dossier) or on_visit_team(user, visit)


def can_schedule_visit(user, stage: ReviewStage, dossier: Dossier) -> bool:
    return (
        stage.kind == StageKind.ONSITE
        and stage_is_running(stage)
        and dossier.state == DossierState.UNDER_REVIEW
        and leads_visit(user, stage, dossier)
    )


def can_record_finding(user, visit: OnsiteVisit) -> bool:
    return (
        stage_is_running(visit.stage)
        and visit.dossier.state == DossierState.UNDER_REVIEW
        and (leads_visit(user, visit.stage, visit.dossier) or on_visit_team(user, visit))
    )


def team_candidates(stage: ReviewStage, dossier: Dossier, panel: Panel) -> list[Expert]:
    """The panel's accepted members who are not recused from the dossier: those the leader
    may take on the visit."""
    open_assignments = (
        Assignment.objects.filter(stage=stage, dossier=dossier, panel=panel)
        .exclude(state__in=CLOSED_ASSIGNMENT_STATES)
        .values("expert")
    )
    experts = Expert.objects.filter(
        memberships__panel=panel,
        memberships__state=MemberState.ACCEPTED,
        pk__in=open_assignments,
    ).order_by("name", "pk")
    return [expert for expert in experts if not is_conflicted(expert, dossier)]


def items_to_choose(stage: ReviewStage, dossier: Dossier) -> list[Criterion]:
    """The scored items of the criteria set the dossier is judged on."""
    _categories, items = criteria_of(stage, dossier)
    return items


def _tell_applicant(visit: OnsiteVisit, *, rescheduled: bool) -> None:
    dossier = visit.dossier
    title = (
        _("The on-site review of %(number)s has been moved")
        if rescheduled
        else _("On-site review of %(number)s scheduled")
    ) % {"number": dossier.number}
    body = _(
        "The review panel will visit you on %(date)s at %(place)s (Art. 18). Please have the "
        "people and the evidence behind your application ready. Contact the coordination "
        "office if the date does not suit you."
    ) % {"date": day(visit.visit_date), "place": visit.place}
    url = reverse("review:applicant-review", args=[dossier.pk])
    for user in dossier_applicant_users(dossier):
        notify(user=user, title=title, body=body, url=url)


def _tell_team(visit: OnsiteVisit, experts, *, leader: Expert) -> None:
    url = reverse("review:visit", args=[visit.stage_id, visit.dossier_id])
    for expert in experts:
        if expert.pk == leader.pk:
            continue
        notify(
            user=expert.user,
            title=_("On-site review of %(number)s on %(date)s")
            % {"number": visit.dossier.number, "date": day(visit.visit_date)},
            body=_("You are on the team. Place: %(place)s. Record your findings per item.")
            % {"place": visit.place},
            url=url,
        )


@transaction.atomic
def visit_save(
    *,
    actor,
    stage: ReviewStage,
    dossier: Dossier,
    visit_date: date,
    place: str,
    team: list[Expert],
    items: list[Criterion],
    notes: str = "",
    expected_updated_at=None,
    request: HttpRequest | None = None,
) -> OnsiteVisit:
    """The panel leader schedules (or changes) the on-site visit of the dossier.

    Refused: anyone but the dossier's panel leader (readable now); a date outside the
    stage or, when the date changes, in the past; an empty place, team or list of items;
    a team member who is not an accepted, non-recused member of the panel; an item of
    another criteria set; a visit saved by somebody else since the form was opened.

    Side effects, in order: the visit row (created or locked and changed), its team and
    items; one ``review.visit_saved`` event; when the date or place is new, the
    applicant's users told (in-app and e-mail); the team members other than the leader
    told when the date or place is new or they joined the team.
    """
    stage = ReviewStage.objects.select_related("plan__cycle").get(pk=stage.pk)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    panel = panel_of(stage, dossier)
    if dossier.cycle_id != stage.plan.cycle_id or panel is None:
        raise PermissionDenied
    if not can_schedule_visit(actor, stage, dossier):
        raise PermissionDenied
    leader = expert_of(actor)
    visit = OnsiteVisit.objects.select_for_update().filter(stage=stage, dossier=dossier).first()
    if (
        visit is not None
        and expected_updated_at is not None
        and visit.updated_at != expected_updated_at
    ):
        raise ValidationError(
            _(
                "Somebody else changed this visit while you were editing. Reload the page; "
                "your changes were not saved."
            )
        )
    place = " ".join((place or "").split())
    problems = []
    if visit_date is None:
        problems.append(_("Give the date of the visit."))
    elif not stage.starts_on <= visit_date <= stage.ends_on:
        problems.append(
            _("The visit must take place during the on-site review, %(start)s to %(end)s.")
            % {"start": day(stage.starts_on), "end": day(stage.ends_on)}
        )
    elif visit_date < timezone.localdate() and (visit is None or visit.visit_date != visit_date):
        problems.append(_("That date has passed."))
    if not place:
        problems.append(_("Give the place of the visit."))
    elif len(place) > 200:
        problems.append(_("The place may be at most 200 characters long."))
    allowed_team = {expert.pk for expert in team_candidates(stage, dossier, panel)}
    if not team:
        problems.append(_("Choose the team."))
    elif any(expert.pk not in allowed_team for expert in team):
        problems.append(_("The team is chosen from the panel's members who are not recused."))
    allowed_items = {item.pk for item in items_to_choose(stage, dossier)}
    if not items:
        problems.append(_("Choose the items to verify."))
    elif any(item.pk not in allowed_items for item in items):
        problems.append(_("An item of another criteria set was sent."))
    if problems:
        raise ValidationError(problems)
    created = visit is None
    before = (
        None
        if created
        else (visit.visit_date, visit.place, set(visit.team.values_list("pk", flat=True)))
    )
    if created:
        try:
            with transaction.atomic():
                visit = OnsiteVisit.objects.create(
                    stage=stage,
                    panel=panel,
                    dossier=dossier,
                    visit_date=visit_date,
                    place=place,
                    notes=notes.strip(),
                    scheduled_by=leader,
                )
        except IntegrityError:
            raise ValidationError(
                _("The visit was scheduled a moment ago. Reload the page.")
            ) from None
    else:
        visit.visit_date, visit.place, visit.notes = visit_date, place, notes.strip()
        visit.save()
    visit.team.set(team)
    visit.items_to_verify.set(items)
    moved = created or (before[0], before[1]) != (visit_date, place)
    audit_record(
        action=Action.VISIT_SAVED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "stage": stage.kind,
            "visit": visit.pk,
            "date": visit_date.isoformat(),
            "place": place,
            "team": sorted(expert.pk for expert in team),
            "items": sorted(item.code for item in items),
            "created": created,
            "moved": moved and not created,
        },
    )
    if moved:
        _tell_applicant(visit, rescheduled=not created)
        _tell_team(visit, team, leader=leader)
    else:
        joined = [expert for expert in team if expert.pk not in before[2]]
        _tell_team(visit, joined, leader=leader)
    return visit


@transaction.atomic
def finding_record(
    *,
    actor,
    visit: OnsiteVisit,
    criterion: Criterion,
    status: str,
    note: str,
    upload=None,
    request: HttpRequest | None = None,
) -> OnsiteFinding:
    """The leader or a team member records what was found for one item of the visit.

    Findings are appended, never changed: a later finding on the same item (new evidence
    after a first look) stands beside the first. The attachment is a private file (type
    from its content, SHA-256).

    Side effects, in order: the stored attachment (when given); the finding row; one
    ``review.finding_recorded`` event.
    """
    visit = (
        OnsiteVisit.objects.select_for_update()
        .select_related("stage__plan__cycle", "dossier", "panel")
        .get(pk=visit.pk)
    )
    if not can_record_finding(actor, visit):
        raise PermissionDenied
    problems = []
    if not visit.items_to_verify.filter(pk=criterion.pk).exists():
        problems.append(_("Choose one of the items this visit verifies."))
    if status not in FindingStatus.values:
        problems.append(_("Choose what was found."))
    if not (note or "").strip():
        problems.append(_("Describe what was seen."))
    if problems:
        raise ValidationError(problems)
    finding = OnsiteFinding(
        visit=visit,
        criterion=criterion,
        status=status,
        note=note.strip(),
        recorded_by=expert_of(actor),
    )
    if upload is not None:
        inspected = inspect_upload(upload)
        upload.seek(0)
        finding.attachment.save(
            f"finding{inspected.extension}", ContentFile(upload.read()), save=False
        )
        finding.attachment_name = upload.name[:255]
        finding.attachment_sha256 = inspected.sha256
        finding.attachment_content_type = inspected.content_type
    finding.save()
    audit_record(
        action=Action.FINDING_RECORDED,
        actor=actor,
        target=visit.dossier,
        request=request,
        details={
            "stage": visit.stage.kind,
            "visit": visit.pk,
            "finding": finding.pk,
            "item": criterion.code,
            "status": status,
            "sha256": finding.attachment_sha256,
        },
    )
    return finding


def visits_for_applicant(dossier: Dossier) -> list[OnsiteVisit]:
    """The dossier's visits, for its review page: date and place only are shown."""
    return list(
        OnsiteVisit.objects.filter(dossier=dossier)
        .select_related("stage")
        .order_by("stage__position")
    )


def visits_list_for(user, stage: ReviewStage) -> list[dict]:
    """The stage's dossiers whose visit page the user may open, with their visit (or
    None): every dossier of the stage for the office and the auditor; the dossiers the
    user leads or visits (readable now) for an expert."""
    items = list(
        PanelDossier.objects.filter(stage=stage)
        .select_related("panel", "dossier__organisation", "dossier__individual")
        .order_by("dossier__number")
    )
    visits = {
        visit.dossier_id: visit
        for visit in OnsiteVisit.objects.filter(stage=stage).prefetch_related("team")
    }
    recorded = set(
        OnsiteFinding.objects.filter(visit__stage=stage).values_list("visit__dossier", flat=True)
    )
    everything = oversees_review(user) or agency_engaged_for(user, stage.plan.cycle)
    rows = []
    for item in items:
        visit = visits.get(item.dossier_id)
        if everything or can_view_visit(user, stage, item.dossier, visit):
            rows.append(
                {
                    "dossier": item.dossier,
                    "panel": item.panel,
                    "visit": visit,
                    "recorded": item.dossier_id in recorded,
                }
            )
    return rows


@transaction.atomic
def finding_attachment_open(
    *, actor, finding: OnsiteFinding, request: HttpRequest | None = None
) -> OnsiteFinding:
    """A finding's attachment is downloaded: checked, then logged.

    Side effects, in order: one ``file.downloaded`` event on the dossier.
    """
    visit = finding.visit
    if not finding.attachment or not can_view_visit(actor, visit.stage, visit.dossier, visit):
        raise PermissionDenied
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=visit.dossier,
        request=request,
        details={
            "onsite_finding": finding.pk,
            "visit": visit.pk,
            "sha256": finding.attachment_sha256,
        },
    )
    return finding
