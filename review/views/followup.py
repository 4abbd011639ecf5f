"""After the panels score: the on-site visit, the defence slots, the applicant's review
page, the feedback report and the two-way conduct feedback (Art. 18, 26).

Objects a user may not know are a 404 (a conflicted expert gets exactly what an
unassigned one gets); pages with dossier contents are never stored by a cache.
"""

import os

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from applications.enums import REVIEW_STATES
from applications.models import Cycle, Dossier
from applications.selectors import dossier_visible_to
from applications.views.applicant import parse_token
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.documents.files import attachment_response
from award_portal.documents.office import office
from award_portal.documents.pdf import render_pdf

from ..enums import CaseState, RatingDirection, StageKind
from ..forms.followup import (
    CaseCloseForm,
    DossierPickForm,
    FeedbackReleaseForm,
    FindingForm,
    PanelPickForm,
    RatingForm,
    SlotConfirmForm,
    SlotForm,
    VisitForm,
)
from ..models import (
    DefenceSlot,
    FeedbackReport,
    MisconductCase,
    OnsiteFinding,
    OnsiteVisit,
    ReviewStage,
)
from ..permissions import agency_engaged_for, expert_of, is_office, oversees_review
from ..services.defence import (
    can_book_slots,
    can_confirm_slot,
    can_view_slots,
    is_dossier_user,
    slot_confirm,
    slot_rows,
    slot_save,
    slots_for_applicant,
)
from ..services.feedback import (
    STAGE_STATUS_LABELS,
    case_close,
    conduct_list,
    conduct_rate,
    content_for_display,
    feedback_pdf_open,
    feedback_release,
    feedback_release_all,
    feedback_rows,
    open_cases,
    rateable_panels,
    stage_rows,
)
from ..services.onsite import (
    can_record_finding,
    can_schedule_visit,
    can_view_visit,
    finding_attachment_open,
    finding_record,
    items_to_choose,
    panel_of,
    team_candidates,
    visit_save,
    visits_for_applicant,
    visits_list_for,
)


class NoStoreMixin:
    """Dossier contents and personal data never stay in a browser's or a proxy's cache."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


def _errors(form, error: ValidationError) -> None:
    form.add_error(None, error)


# --- on-site review ------------------------------------------------------------------------
class VisitListView(NoStoreMixin, LoginRequiredMixin, View):
    """The on-site stage's visits the user may open (the leader's and team's dossiers; all
    of them for the office and the auditor)."""

    def get(self, request, pk: int):
        stage = get_object_or_404(
            ReviewStage.objects.select_related("plan__cycle"), pk=pk, kind=StageKind.ONSITE
        )
        # the office and the auditor, and the agency engaged for the round (it organises
        # the review; it sees the list, not the findings), see every visit of the stage
        agency = agency_engaged_for(request.user, stage.plan.cycle)
        if not oversees_review(request.user) and not agency and expert_of(request.user) is None:
            raise Http404
        rows = visits_list_for(request.user, stage)
        if not rows and not oversees_review(request.user) and not agency:
            raise Http404
        return render(
            request,
            "review/followup/visit_list.html",
            {"stage": stage, "rows": rows, "list_only": agency},
        )


class VisitView(NoStoreMixin, LoginRequiredMixin, View):
    template_name = "review/followup/visit.html"

    def objects(self, stage_pk: int, dossier_pk: int):
        stage = get_object_or_404(
            ReviewStage.objects.select_related("plan__cycle"), pk=stage_pk, kind=StageKind.ONSITE
        )
        dossier = get_object_or_404(
            Dossier.objects.select_related("cycle", "organisation", "individual"),
            pk=dossier_pk,
            cycle=stage.plan.cycle,
        )
        panel = panel_of(stage, dossier)
        visit = (
            OnsiteVisit.objects.filter(stage=stage, dossier=dossier)
            .select_related("stage__plan__cycle", "dossier")
            .first()
        )
        if panel is None or not can_view_visit(self.request.user, stage, dossier, visit):
            raise Http404
        return stage, dossier, panel, visit

    def page(self, stage, dossier, panel, visit, *, visit_form=None, finding_form=None):
        user = self.request.user
        schedulable = can_schedule_visit(user, stage, dossier)
        recordable = visit is not None and can_record_finding(user, visit)
        if schedulable and visit_form is None:
            candidates = team_candidates(stage, dossier, panel)
            initial = (
                {
                    "visit_date": visit.visit_date,
                    "place": visit.place,
                    "team": list(visit.team.all()),
                    "items": list(visit.items_to_verify.all()),
                    "notes": visit.notes,
                    "updated_at": visit.updated_at.isoformat(),
                }
                if visit
                else {"team": candidates}
            )
            visit_form = VisitForm(
                initial=initial, team=candidates, items=items_to_choose(stage, dossier)
            )
        if recordable and finding_form is None:
            finding_form = FindingForm(items=visit.items_to_verify.all())
        findings = (
            visit.findings.select_related("criterion", "recorded_by").order_by(
                "criterion__position", "recorded_at", "id"
            )
            if visit
            else []
        )
        return render(
            self.request,
            self.template_name,
            {
                "stage": stage,
                "dossier": dossier,
                "panel": panel,
                "visit": visit,
                "team": list(visit.team.all()) if visit else [],
                "items": list(visit.items_to_verify.all()) if visit else [],
                "findings": findings,
                "visit_form": visit_form if schedulable else None,
                "finding_form": finding_form if recordable else None,
            },
        )

    def get(self, request, stage: int, dossier: int):
        return self.page(*self.objects(stage, dossier))

    def post(self, request, stage: int, dossier: int):
        stage, dossier, panel, visit = self.objects(stage, dossier)
        if request.POST.get("action") == "finding" and visit is not None:
            form = FindingForm(request.POST, request.FILES, items=visit.items_to_verify.all())
            if form.is_valid():
                try:
                    finding_record(
                        actor=request.user,
                        visit=visit,
                        criterion=form.cleaned_data["criterion"],
                        status=form.cleaned_data["status"],
                        note=form.cleaned_data["note"],
                        upload=form.cleaned_data["attachment"],
                        request=request,
                    )
                except ValidationError as error:
                    _errors(form, error)
                else:
                    messages.success(request, _("The finding is recorded."))
                    return redirect(request.path)
            return self.page(stage, dossier, panel, visit, finding_form=form)
        form = VisitForm(
            request.POST,
            team=team_candidates(stage, dossier, panel),
            items=items_to_choose(stage, dossier),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit_save(
                    actor=request.user,
                    stage=stage,
                    dossier=dossier,
                    visit_date=data["visit_date"],
                    place=data["place"],
                    team=list(data["team"]),
                    items=list(data["items"]),
                    notes=data["notes"],
                    expected_updated_at=parse_token(data["updated_at"]),
                    request=request,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request, _("The visit is scheduled; the applicant and the team are told.")
                )
                return redirect(request.path)
        return self.page(stage, dossier, panel, visit, visit_form=form)


class FindingAttachmentView(NoStoreMixin, LoginRequiredMixin, View):
    def get(self, request, pk: int):
        finding = get_object_or_404(
            OnsiteFinding.objects.select_related("visit__stage__plan__cycle", "visit__dossier"),
            pk=pk,
        )
        visit = finding.visit
        if not finding.attachment or not can_view_visit(
            request.user, visit.stage, visit.dossier, visit
        ):
            raise Http404
        finding_attachment_open(actor=request.user, finding=finding, request=request)
        stem = os.path.splitext(os.path.basename(finding.attachment_name))[0] or "finding"
        extension = os.path.splitext(finding.attachment.name)[1]
        return attachment_response(
            finding.attachment,
            filename=f"{stem}{extension}",
            content_type=finding.attachment_content_type,
        )


# --- defence slots -------------------------------------------------------------------------
class SlotsView(NoStoreMixin, LoginRequiredMixin, View):
    template_name = "review/followup/slots.html"

    def stage(self, pk: int) -> ReviewStage:
        stage = get_object_or_404(
            ReviewStage.objects.select_related("plan__cycle"), pk=pk, kind=StageKind.DEFENCE
        )
        if not can_view_slots(self.request.user, stage):
            raise Http404
        return stage

    def page(self, stage, bound=None, status=200):
        bookable = can_book_slots(self.request.user, stage)
        rows = slot_rows(stage)
        for row in rows:
            slot = row["slot"]
            prefix = f"d{row['dossier'].pk}"
            if bound is not None and bound.prefix == prefix:
                row["form"] = bound
            elif bookable:
                row["form"] = SlotForm(
                    prefix=prefix,
                    initial=(
                        {
                            "starts_at": slot.starts_at,
                            "minutes": slot.minutes,
                            "room": slot.room,
                            "video_link": slot.video_link,
                            "updated_at": slot.updated_at.isoformat(),
                        }
                        if slot
                        else {"minutes": 30}
                    ),
                )
        return render(
            self.request,
            self.template_name,
            {"stage": stage, "rows": rows, "bookable": bookable},
            status=status,
        )

    def get(self, request, pk: int):
        return self.page(self.stage(pk))

    def post(self, request, pk: int):
        stage = self.stage(pk)
        pick = DossierPickForm(request.POST)
        if not pick.is_valid():
            raise Http404
        dossier = get_object_or_404(
            Dossier, pk=pick.cleaned_data["dossier"], cycle=stage.plan.cycle
        )
        form = SlotForm(request.POST, prefix=f"d{dossier.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                slot_save(
                    actor=request.user,
                    stage=stage,
                    dossier=dossier,
                    starts_at=data["starts_at"],
                    minutes=data["minutes"],
                    room=data["room"],
                    video_link=data["video_link"],
                    expected_updated_at=parse_token(data["updated_at"]),
                    request=request,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    _("The slot of %(number)s is saved; the applicant is told.")
                    % {"number": dossier.number},
                )
                return redirect(f"{request.path}#slot-{dossier.pk}")
        return self.page(stage, bound=form)


class SlotConfirmView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        slot = get_object_or_404(
            DefenceSlot.objects.select_related("stage__plan__cycle", "dossier"), pk=pk
        )
        if not is_dossier_user(request.user, slot.dossier):
            raise Http404
        back = reverse("review:applicant-review", args=[slot.dossier_id])
        form = SlotConfirmForm(request.POST)
        form.is_valid()
        try:
            slot = slot_confirm(
                actor=request.user,
                slot=slot,
                expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("You have confirmed your presentation and defence slot."))
        return redirect(f"{back}#defence")


# --- the applicant's review page -------------------------------------------------------------
def visible_review_dossier(request, pk: int) -> Dossier:
    """The dossier's own users, the office and the auditor; 404 for everybody else, and
    for a dossier that never entered the review."""
    dossier = get_object_or_404(
        dossier_visible_to(request.user).select_related("cycle", "organisation", "individual"),
        pk=pk,
    )
    if not (oversees_review(request.user) or is_dossier_user(request.user, dossier)):
        raise Http404
    if dossier.state not in REVIEW_STATES and not dossier.panel_assignments.exists():
        raise Http404
    return dossier


def applicant_page(request, dossier: Dossier, *, bound: RatingForm | None = None, status=200):
    user = request.user
    report = FeedbackReport.objects.filter(dossier=dossier).select_related("document").first()
    slots = []
    for slot in slots_for_applicant(dossier):
        slots.append(
            {
                "slot": slot,
                "confirmable": can_confirm_slot(user, slot),
                "form": SlotConfirmForm(initial={"updated_at": slot.updated_at.isoformat()}),
            }
        )
    ratings = []
    for panel, direction, given in rateable_panels(user, dossier):
        if direction != RatingDirection.ON_PANEL:
            continue
        prefix = f"p{panel.pk}"
        form = None
        if given is None:
            form = (
                bound
                if bound is not None and bound.prefix == prefix
                else RatingForm(prefix=prefix, direction=direction)
            )
        ratings.append({"panel": panel, "given": given, "form": form})
    stages = stage_rows(dossier)
    for row in stages:
        row["label"] = STAGE_STATUS_LABELS[row["status"]]
    return render(
        request,
        "review/followup/applicant_review.html",
        {
            "dossier": dossier,
            "stages": stages,
            "slots": slots,
            "visits": visits_for_applicant(dossier),
            "report": report,
            "feedback": content_for_display(report.content) if report else None,
            "ratings": ratings,
        },
        status=status,
    )


class ApplicantReviewView(NoStoreMixin, LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return applicant_page(request, visible_review_dossier(request, pk))


class FeedbackPdfView(NoStoreMixin, LoginRequiredMixin, View):
    def get(self, request, pk: int):
        dossier = visible_review_dossier(request, pk)
        report = get_object_or_404(
            FeedbackReport.objects.select_related("document", "dossier__cycle"), dossier=dossier
        )
        feedback_pdf_open(actor=request.user, report=report, request=request)
        with translation.override("zh-hans"):  # official documents are Chinese
            pdf = render_pdf(
                template="review/followup/feedback_pdf.html",
                context={
                    "dossier": dossier,
                    "document": report.document,
                    "office": office(),
                    "feedback": content_for_display(report.content),
                },
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="feedback-{dossier.number}.pdf"'
        return response


# --- conduct feedback ------------------------------------------------------------------------
class RateView(NoStoreMixin, LoginRequiredMixin, View):
    """The panel leader's page to rate the applicant; the applicant's ratings are posted
    here from its review page."""

    template_name = "review/followup/rate.html"

    def dossier(self, pk: int) -> tuple[Dossier, list]:
        dossier = get_object_or_404(
            Dossier.objects.select_related("cycle", "organisation", "individual"), pk=pk
        )
        rows = rateable_panels(self.request.user, dossier)
        if not rows:
            raise Http404
        return dossier, rows

    def leader_page(self, dossier, rows, bound=None, status=200):
        panels = []
        for panel, direction, given in rows:
            prefix = f"p{panel.pk}"
            form = None
            if given is None:
                form = (
                    bound
                    if bound is not None and bound.prefix == prefix
                    else RatingForm(prefix=prefix, direction=direction)
                )
            panels.append({"panel": panel, "given": given, "form": form})
        return render(
            self.request,
            self.template_name,
            {"dossier": dossier, "panels": panels},
            status=status,
        )

    def get(self, request, pk: int):
        dossier, rows = self.dossier(pk)
        if is_dossier_user(request.user, dossier):
            return redirect(reverse("review:applicant-review", args=[pk]) + "#conduct")
        return self.leader_page(dossier, rows)

    def post(self, request, pk: int):
        dossier, rows = self.dossier(pk)
        pick = PanelPickForm(request.POST)
        by_panel = {panel.pk: (panel, direction, given) for panel, direction, given in rows}
        if not pick.is_valid() or pick.cleaned_data["panel"] not in by_panel:
            raise Http404
        panel, direction, _given = by_panel[pick.cleaned_data["panel"]]
        form = RatingForm(request.POST, prefix=f"p{panel.pk}", direction=direction)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conduct_rate(
                    actor=request.user,
                    dossier=dossier,
                    panel=panel,
                    timeliness=data["timeliness"],
                    confidentiality=data["confidentiality"],
                    integrity=data["integrity"],
                    comments=data["comments"],
                    misconduct=data["misconduct"],
                    misconduct_report=data["misconduct_report"],
                    request=request,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Thank you: your rating is recorded."))
                if direction == RatingDirection.ON_PANEL:
                    return redirect(reverse("review:applicant-review", args=[pk]) + "#conduct")
                return redirect(request.path)
        if direction == RatingDirection.ON_PANEL:
            return applicant_page(request, dossier, bound=form)
        return self.leader_page(dossier, rows, bound=form)


class ConductListView(NoStoreMixin, RolePermissionRequiredMixin, ListView):
    permission_required = "review.view_conductrating"
    template_name = "review/followup/conduct_list.html"
    context_object_name = "ratings"
    paginate_by = 50

    def get_queryset(self):
        return conduct_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(cases=list(open_cases()), **kwargs)


class CaseView(NoStoreMixin, LoginRequiredMixin, View):
    template_name = "review/followup/case.html"

    def case(self, pk: int) -> MisconductCase:
        if not oversees_review(self.request.user):
            raise Http404
        return get_object_or_404(
            MisconductCase.objects.select_related(
                "rating__panel__stage__plan__cycle",
                "rating__dossier__organisation",
                "rating__dossier__individual",
                "rating__rated_by",
                "closed_by",
            ),
            pk=pk,
        )

    def page(self, case, form=None):
        closable = is_office(self.request.user) and case.state == CaseState.OPEN
        return render(
            self.request,
            self.template_name,
            {
                "case": case,
                "rating": case.rating,
                "form": (form or CaseCloseForm()) if closable else None,
            },
        )

    def get(self, request, pk: int):
        return self.page(self.case(pk))

    def post(self, request, pk: int):
        case = self.case(pk)
        form = CaseCloseForm(request.POST)
        if form.is_valid():
            try:
                case_close(
                    actor=request.user,
                    case=case,
                    outcome=form.cleaned_data["outcome"],
                    request=request,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("The case is closed with its outcome on record."))
                return redirect(request.path)
        return self.page(case, form)


# --- feedback reports ------------------------------------------------------------------------
class FeedbackReleaseView(NoStoreMixin, LoginRequiredMixin, View):
    template_name = "review/followup/feedback_release.html"

    def cycle(self, pk: int) -> Cycle:
        if not oversees_review(self.request.user):
            raise Http404
        return get_object_or_404(Cycle, pk=pk, review_plan__isnull=False)

    def get(self, request, cycle: int):
        cycle = self.cycle(cycle)
        rows = feedback_rows(cycle)
        return render(
            request,
            self.template_name,
            {
                "cycle": cycle,
                "rows": rows,
                "releasable": sum(1 for row in rows if not row["report"] and not row["problem"]),
                "can_release": is_office(request.user),
            },
        )

    def post(self, request, cycle: int):
        cycle = self.cycle(cycle)
        form = FeedbackReleaseForm(request.POST)
        if not form.is_valid():
            raise Http404
        if form.cleaned_data["all"]:
            released, problems = feedback_release_all(
                actor=request.user, cycle=cycle, request=request
            )
            if released:
                messages.success(
                    request,
                    _("%(n)s feedback reports released; the applicants are told.")
                    % {"n": len(released)},
                )
            for problem in problems:
                messages.error(request, problem)
            if not released and not problems:
                messages.info(request, _("No feedback report is waiting to be released."))
        else:
            dossier = get_object_or_404(Dossier, pk=form.cleaned_data["dossier"] or 0, cycle=cycle)
            try:
                report = feedback_release(actor=request.user, dossier=dossier, request=request)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The feedback report of %(number)s is released (%(document)s).")
                    % {"number": dossier.number, "document": report.document.number},
                )
        return redirect(request.path)
