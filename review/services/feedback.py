"""After the review (Art. 26): the feedback report the office releases to each applicant,
and the two-way conduct feedback with the misconduct cases it may open.

What the feedback report says, decided here:

- Comments: per category, the panel's agreed strengths and opportunities for
  improvement (``PanelComment``) of EVERY stage the dossier completed, in stage order
  and labelled with the stage. Each stage's panel looked at different evidence (the
  documents, the site, the defence), so dropping earlier stages would lose advice.
- Band: per category, from the LAST stage the dossier completed (the panel's most
  informed view, after the site and the defence): the category's percentage is its
  items' result percentages weighted by their points (the category's score over its
  points), rounded half up to the 5 % step the experts score in, and placed in the band
  of the criteria set's band guidance (0–5 %, 10–25 %, …, 90–100 %) for the category's
  kind. The band's guidance text says what it means.
- Maturity: for GB/T 19580 (1000 points), the band of that stage's total
  (``MATURITY_BANDS``, training practice, not the standard).
- Never: experts' names, individual sheets, scores, ranks, or anything of another
  applicant. The content is frozen in ``FeedbackReport.content`` when released; the PDF
  is rendered from it, so it reads the same every time.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from applications.enums import DossierState
from applications.models import Cycle, Dossier
from applications.services.grants import dossier_applicant_users
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.services import document_issue
from award_portal.notifications.services import notify

from ..enums import CaseState, RatingDirection, StageKind, StageState
from ..models import (
    ConductRating,
    FeedbackReport,
    MisconductCase,
    Panel,
    PanelComment,
    ResultItem,
    StageResult,
)
from ..permissions import expert_of, is_office, oversees_review
from .defence import is_dossier_user
from .plans import office_users

CONTENT_VERSION = 1
DOCUMENT_KIND = "review_feedback"
STEP = Decimal(5)

# 0–250 起步 · 251–400 基础 · 401–550 成熟 · 551–650 优秀 · 651–1000 卓越 (training
# practice for GB/T 19580 totals; /work/shared/review/README.md)
MATURITY_BANDS = [
    (0, 250, "起步", pgettext_lazy("maturity", "Beginning")),
    (251, 400, "基础", pgettext_lazy("maturity", "Basic")),
    (401, 550, "成熟", pgettext_lazy("maturity", "Mature")),
    (551, 650, "优秀", pgettext_lazy("maturity", "Excellent")),
    (651, 1000, "卓越", pgettext_lazy("maturity", "Outstanding")),
]
GBT_19580 = "GB/T 19580"


# --- the report's content ------------------------------------------------------------------
def current_results(dossier: Dossier) -> list[StageResult]:
    """The dossier's confirmed results of closed stages, in stage order."""
    return list(
        StageResult.objects.filter(
            dossier=dossier, superseded_at__isnull=True, stage__state=StageState.CLOSED
        )
        .select_related("stage__plan", "panel")
        .order_by("stage__position")
    )


def _step(value: Decimal) -> int:
    return int((value / STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * STEP)


def band_for(percent: Decimal, bands) -> dict | None:
    """The band guidance row holding ``percent`` rounded to the scoring step."""
    rounded = _step(percent)
    for band in bands:
        if band.low <= rounded <= band.high:
            return {
                "low": band.low,
                "high": band.high,
                "text_zh": band.text_zh,
                "text_en": band.text_en,
            }
    return None


def maturity_for(total: Decimal) -> dict | None:
    value = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    for low, high, label_zh, label_en in MATURITY_BANDS:
        if low <= value <= high:
            return {"low": low, "high": high, "label_zh": label_zh, "label_en": str(label_en)}
    return None


def feedback_content(dossier: Dossier) -> dict:
    """The report's content computed from the stored results (see the module's doc).

    Raises ``ValidationError`` when the dossier has no confirmed result of a closed stage.
    """
    results = current_results(dossier)
    if not results:
        raise ValidationError(
            _("%(number)s has no confirmed panel result of a closed stage.")
            % {"number": dossier.number}
        )
    basis = results[-1]
    criteria_set = basis.stage.plan.criteria_for(dossier.kind)
    rows = list(criteria_set.criteria.all())
    parents = {row.parent_id for row in rows if row.parent_id}
    categories = [row for row in rows if row.parent_id is None]
    leaves_of = {
        c.pk: ([row for row in rows if row.parent_id == c.pk] if c.pk in parents else [c])
        for c in categories
    }
    scores = {row.criterion_id: row.score for row in ResultItem.objects.filter(result=basis)}
    bands = {}
    for band in criteria_set.bands.all():
        bands.setdefault(band.kind, []).append(band)
    comments: dict[int, list[dict]] = {c.pk: [] for c in categories}
    for comment in (
        PanelComment.objects.filter(result__in=results)
        .select_related("result__stage")
        .order_by("result__stage__position", "id")
    ):
        if comment.criterion_id in comments and (comment.strengths or comment.opportunities):
            comments[comment.criterion_id].append(
                {
                    "stage": comment.result.stage.kind,
                    "strengths": comment.strengths,
                    "opportunities": comment.opportunities,
                }
            )
    out_categories = []
    for category in categories:
        leaves = leaves_of[category.pk]
        points = sum(leaf.points for leaf in leaves)
        score = sum((scores.get(leaf.pk, Decimal(0)) for leaf in leaves), Decimal(0))
        percent = score * 100 / points if points else Decimal(0)
        out_categories.append(
            {
                "code": category.code,
                "name_zh": category.name_zh,
                "name_en": category.name_en,
                "points": category.points,
                "band": band_for(percent, bands.get(category.kind, [])),
                "comments": comments[category.pk],
            }
        )
    maturity = None
    if criteria_set.code == GBT_19580 and basis.maximum == 1000:
        maturity = maturity_for(basis.score)
    return {
        "version": CONTENT_VERSION,
        "criteria_set": str(criteria_set),
        "stages": [result.stage.kind for result in results],
        "basis": {"stage": basis.stage.kind, "result": basis.pk},
        "categories": out_categories,
        "maturity": maturity,
    }


def release_problem(dossier: Dossier) -> str | None:
    """Why the dossier's report cannot be released now, or None."""
    if FeedbackReport.objects.filter(dossier=dossier).exists():
        return _("The feedback report of %(number)s has been released already.") % {
            "number": dossier.number
        }
    if dossier.state != DossierState.REVIEWED:
        return _("The review of %(number)s has not concluded.") % {"number": dossier.number}
    if not current_results(dossier):
        return _("%(number)s has no confirmed panel result of a closed stage.") % {
            "number": dossier.number
        }
    return None


def reviewing_panels(dossier: Dossier) -> list[Panel]:
    """The panels that reviewed the dossier (a confirmed result of a closed stage), in
    stage order."""
    seen, panels = set(), []
    for result in current_results(dossier):
        if result.panel_id not in seen:
            seen.add(result.panel_id)
            panels.append(result.panel)
    return panels


@transaction.atomic
def feedback_release(
    *, actor, dossier: Dossier, request: HttpRequest | None = None
) -> FeedbackReport:
    """The office releases the dossier's feedback report (Art. 26).

    Side effects, in order: the content computed and frozen; a number from the office's
    document register (``review_feedback``); the report row; one
    ``review.feedback_released`` event; the applicant's users told (in-app and e-mail);
    the leaders of the panels that reviewed it asked to rate the applicant's conduct.
    """
    if not is_office(actor):
        raise PermissionDenied
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "individual")
        .get(pk=dossier.pk)
    )
    problem = release_problem(dossier)
    if problem:
        raise ValidationError(problem)
    content = feedback_content(dossier)
    with translation.override("zh-hans"):  # official documents are Chinese
        title = _("Feedback report of the expert review")
    document = document_issue(
        kind=DOCUMENT_KIND,
        title=title,
        subject=dossier,
        addressee=dossier.applicant_name,
    )
    try:
        with transaction.atomic():
            report = FeedbackReport.objects.create(
                dossier=dossier, content=content, document=document, released_by=actor
            )
    except IntegrityError:
        raise ValidationError(
            _("The feedback report of %(number)s has been released already.")
            % {"number": dossier.number}
        ) from None
    audit_record(
        action=Action.FEEDBACK_RELEASED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "document": document.number,
            "basis": content["basis"],
            "stages": content["stages"],
        },
    )
    url = reverse("review:applicant-review", args=[dossier.pk])
    for user in dossier_applicant_users(dossier):
        notify(
            user=user,
            title=_("The feedback report on your application %(number)s is ready")
            % {"number": dossier.number},
            body=_(
                "The coordination office has released the experts' feedback: strengths, "
                "opportunities for improvement and the band reached per category. You may "
                "also rate the conduct of the review panels (Art. 26)."
            ),
            url=url,
        )
    from .panels import acting_leader

    led: dict[int, tuple] = {}
    for panel in reviewing_panels(dossier):
        leader = acting_leader(panel, dossier)  # never a leader recused from the dossier
        if leader is not None:
            led.setdefault(leader.pk, (leader, []))[1].append(panel.name)
    for leader, names in led.values():  # one message per leader, however many panels
        notify(
            user=leader.user,
            title=_("Rate the conduct of %(number)s") % {"number": dossier.number},
            body=_(
                "The review of %(name)s has concluded. As the leader of “%(panel)s”, "
                "please rate the applicant's conduct during the review (Art. 26)."
            )
            % {"name": dossier.applicant_name, "panel": "”“".join(names)},
            url=reverse("review:rate", args=[dossier.pk]),
        )
    return report


def feedback_release_all(
    *, actor, cycle: Cycle, request: HttpRequest | None = None
) -> tuple[list[FeedbackReport], list[str]]:
    """Release every report of the round that can be released. Each release is its own
    transaction, so one refusal does not hold up the others. Returns (released,
    refusals)."""
    if not is_office(actor):
        raise PermissionDenied
    released, problems = [], []
    for dossier in (
        Dossier.objects.filter(cycle=cycle, state=DossierState.REVIEWED, feedback_report=None)
        .select_related("organisation", "individual")
        .order_by("number")
    ):
        try:
            released.append(feedback_release(actor=actor, dossier=dossier, request=request))
        except ValidationError as error:
            problems.append(f"{dossier.number}：{' '.join(error.messages)}")
    return released, problems


def feedback_rows(cycle: Cycle) -> list[dict]:
    """The round's dossiers in (or through) the review with their report and, when it
    cannot be released yet, why; a constant number of queries whatever the rows."""
    closed_results = StageResult.objects.filter(
        dossier=OuterRef("pk"), superseded_at__isnull=True, stage__state=StageState.CLOSED
    )
    rows = []
    for dossier in (
        Dossier.objects.filter(
            cycle=cycle, state__in=[DossierState.UNDER_REVIEW, DossierState.REVIEWED]
        )
        .annotate(has_result=Exists(closed_results))
        .select_related("organisation", "individual", "feedback_report__document")
        .order_by("kind", "number")
    ):
        report = getattr(dossier, "feedback_report", None)
        problem = None
        if report is None and dossier.state != DossierState.REVIEWED:
            problem = _("The review of %(number)s has not concluded.") % {"number": dossier.number}
        elif report is None and not dossier.has_result:
            problem = _("%(number)s has no confirmed panel result of a closed stage.") % {
                "number": dossier.number
            }
        rows.append({"dossier": dossier, "report": report, "problem": problem})
    return rows


def can_read_feedback(user, dossier: Dossier) -> bool:
    """The released report: the applicant's users, the office and the auditor."""
    return oversees_review(user) or is_dossier_user(user, dossier)


# --- conduct feedback ------------------------------------------------------------------------
def rating_open(dossier: Dossier) -> bool:
    """Ratings open once the dossier's review concluded or its feedback is out."""
    return (
        dossier.state == DossierState.REVIEWED
        or FeedbackReport.objects.filter(dossier=dossier).exists()
    )


def rating_direction(user, dossier: Dossier, panel: Panel) -> str | None:
    """Which rating the user may give about the panel and the dossier, or None."""
    if is_dossier_user(user, dossier):
        return RatingDirection.ON_PANEL
    from .scoring import leads_undeclared

    if expert_of(user) is not None and leads_undeclared(user, panel, dossier):
        return RatingDirection.ON_APPLICANT
    return None


def rateable_panels(user, dossier: Dossier) -> list[tuple[Panel, str, ConductRating | None]]:
    """(panel, direction, the rating already given) for every panel the user may rate
    about, or be rated with, for the dossier, while ratings are open."""
    if not rating_open(dossier):
        return []
    panels = reviewing_panels(dossier)
    given = {
        (rating.panel_id, rating.direction): rating
        for rating in ConductRating.objects.filter(dossier=dossier).select_related("rated_by")
    }
    rows = []
    for panel in panels:
        direction = rating_direction(user, dossier, panel)
        if direction is not None:
            rows.append((panel, direction, given.get((panel.pk, direction))))
    return rows


def _score(value, label) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationError(_("Rate %(what)s from 1 to 5.") % {"what": label})
    return number


@transaction.atomic
def conduct_rate(
    *,
    actor,
    dossier: Dossier,
    panel: Panel,
    timeliness: int,
    confidentiality: int,
    integrity: int,
    comments: str = "",
    misconduct: bool = False,
    misconduct_report: str = "",
    request: HttpRequest | None = None,
) -> ConductRating:
    """One side's rating of the other's discipline (双向监督反馈, Art. 26): the applicant
    rates a panel that reviewed it; the panel's leader rates the applicant. Once per
    direction, panel and dossier; seen by the office and the auditor only.

    Side effects, in order: the rating row; when it reports misconduct, a misconduct case
    opened; one ``review.conduct_rated`` event; on misconduct, the office told (in-app
    and e-mail).
    """
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    panel = Panel.objects.select_related("stage__plan__cycle", "leader").get(pk=panel.pk)
    direction = rating_direction(actor, dossier, panel)
    if direction is None or panel.stage.plan.cycle_id != dossier.cycle_id:
        raise PermissionDenied
    if not rating_open(dossier) or panel.pk not in {p.pk for p in reviewing_panels(dossier)}:
        raise ValidationError(_("Ratings open when the review of the application has concluded."))
    values = {
        "timeliness": _score(timeliness, _("timeliness")),
        "confidentiality": _score(confidentiality, _("confidentiality")),
        "integrity": _score(integrity, _("integrity")),
    }
    misconduct_report = (misconduct_report or "").strip()
    if misconduct and not misconduct_report:
        raise ValidationError(_("Describe what happened: who, when, what was asked or offered."))
    try:
        with transaction.atomic():
            rating = ConductRating.objects.create(
                direction=direction,
                panel=panel,
                dossier=dossier,
                rated_by=actor,
                comments=(comments or "").strip(),
                misconduct=bool(misconduct),
                misconduct_report=misconduct_report if misconduct else "",
                **values,
            )
    except IntegrityError:
        raise ValidationError(_("This rating has been given already.")) from None
    case = MisconductCase.objects.create(rating=rating) if misconduct else None
    audit_record(
        action=Action.CONDUCT_RATED,
        actor=actor,
        target=dossier,
        request=request,
        details={
            "direction": direction,
            "panel": panel.pk,
            **values,
            "misconduct": bool(misconduct),
            "case": case.pk if case else None,
        },
    )
    if case is not None:
        for user in office_users():
            notify(
                user=user,
                title=_("Misconduct reported: %(number)s, “%(panel)s”")
                % {"number": dossier.number, "panel": panel.name},
                body=_(
                    "A conduct rating reports misconduct. Investigate and close the case "
                    "with its outcome."
                ),
                url=reverse("review:case", args=[case.pk]),
            )
    return rating


@transaction.atomic
def case_close(
    *, actor, case: MisconductCase, outcome: str, request: HttpRequest | None = None
) -> MisconductCase:
    """The office closes a misconduct case with its recorded outcome.

    Side effects, in order: the case closed (outcome, who, when); one
    ``review.misconduct_closed`` event; the person who reported it told that the case is
    closed (not the outcome, which may concern a third person's discipline).
    """
    if not is_office(actor):
        raise PermissionDenied
    case = (
        MisconductCase.objects.select_for_update()
        .select_related("rating__dossier", "rating__rated_by", "rating__panel")
        .get(pk=case.pk)
    )
    if case.state != CaseState.OPEN:
        raise ValidationError(_("This case has been closed already."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError(_("Record the outcome of the case."))
    case.state = CaseState.CLOSED
    case.outcome = outcome
    case.closed_by = actor
    case.closed_at = timezone.now()
    case.save()
    audit_record(
        action=Action.MISCONDUCT_CLOSED,
        actor=actor,
        target=case.rating.dossier,
        request=request,
        details={"case": case.pk, "rating": case.rating_id, "outcome": outcome},
    )
    reporter = case.rating.rated_by
    notify(
        user=reporter,
        title=_("Your misconduct report about %(number)s has been handled")
        % {"number": case.rating.dossier.number},
        body=_("The coordination office has investigated your report and closed the case."),
        url=(
            reverse("review:applicant-review", args=[case.rating.dossier_id])
            if case.rating.direction == RatingDirection.ON_PANEL
            else reverse("review:rate", args=[case.rating.dossier_id])
        ),
    )
    return case


def conduct_list():
    """Every rating, newest first, with its case (the office's and the auditor's page)."""
    return ConductRating.objects.select_related(
        "panel__stage__plan__cycle", "dossier__organisation", "dossier__individual", "case"
    ).order_by("-rated_at", "-id")


def open_cases():
    return (
        MisconductCase.objects.filter(state=CaseState.OPEN)
        .select_related(
            "rating__panel", "rating__dossier__organisation", "rating__dossier__individual"
        )
        .order_by("opened_at")
    )


# --- the applicant's review page ---------------------------------------------------------------
def stage_rows(dossier: Dossier) -> list[dict]:
    """Each stage of the round's plan with where the dossier stands in it (no scores)."""
    from .plans import eligible_dossiers

    plan = getattr(dossier.cycle, "review_plan", None)
    if plan is None:
        return []
    results = {
        result.stage_id: result
        for result in StageResult.objects.filter(dossier=dossier, superseded_at__isnull=True)
    }
    rows, stopped = [], False
    for stage in plan.stages.order_by("position"):
        result = results.get(stage.pk)
        if stopped:
            status = "not_reached"
        elif result is not None and stage.state == StageState.CLOSED:
            status = "completed" if result.advanced is not False else "not_advanced"
            stopped = result.advanced is False
        elif stage.state == StageState.OPEN and (
            result is not None or eligible_dossiers(stage).filter(pk=dossier.pk).exists()
        ):
            status = "in_progress"
        elif stage.state == StageState.PLANNED:
            status = "planned"
        else:
            status = "not_reached"
        rows.append({"stage": stage, "status": status})
    return rows


STAGE_STATUS_LABELS = {
    "completed": pgettext_lazy("applicant review", "Completed"),
    "not_advanced": pgettext_lazy(
        "applicant review", "Completed; did not advance to the next stage"
    ),
    "in_progress": pgettext_lazy("applicant review", "Under way"),
    "planned": pgettext_lazy("applicant review", "Planned"),
    "not_reached": pgettext_lazy("applicant review", "Not reached"),
}


def stage_label(kind: str) -> str:
    return str(StageKind(kind).label)


@transaction.atomic
def feedback_pdf_open(
    *, actor, report: FeedbackReport, request: HttpRequest | None = None
) -> FeedbackReport:
    """The report's PDF is downloaded: checked, then logged.

    Side effects, in order: one ``file.downloaded`` event on the dossier.
    """
    if not can_read_feedback(actor, report.dossier):
        raise PermissionDenied
    audit_record(
        action=Action.FILE_DOWNLOADED,
        actor=actor,
        target=report.dossier,
        request=request,
        details={"document": report.document.number, "kind": DOCUMENT_KIND},
    )
    return report


def content_for_display(content: dict) -> dict:
    """The frozen content in the active language, ready for a page or the PDF."""
    english = (translation.get_language() or "").startswith("en")

    def pick(row: dict, name: str) -> str:
        return (row.get(f"{name}_en") if english else "") or row.get(f"{name}_zh", "")

    categories = []
    for category in content["categories"]:
        band = category.get("band")
        categories.append(
            {
                "code": category["code"],
                "name": pick(category, "name"),
                "points": category["points"],
                "band": f"{band['low']}%–{band['high']}%" if band else "",
                "band_text": pick(band, "text") if band else "",
                "comments": [
                    {
                        "stage": stage_label(comment["stage"]),
                        "strengths": comment["strengths"],
                        "opportunities": comment["opportunities"],
                    }
                    for comment in category["comments"]
                ],
            }
        )
    maturity = content.get("maturity")
    return {
        "categories": categories,
        "stages": [stage_label(kind) for kind in content["stages"]],
        "basis": stage_label(content["basis"]["stage"]),
        "maturity": (
            {
                "range": f"{maturity['low']}–{maturity['high']}",
                "label": pick(maturity, "label"),
            }
            if maturity
            else None
        ),
        "criteria_set": content["criteria_set"],
    }
