"""Revocation (Art. 28, 29), recovery and bans (Art. 12(4), 28).

The office acts and the auditor reads the cases, the recovery and the ban list; anybody
else gets a 404 (a case is not something they may know of) and anonymous visitors are
asked to log in. The winner's own users read their case and answer it on the statement
page. The notices of revocations are public.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from applications.models import ApplicantBan
from award_portal.documents.files import attachment_response
from award_portal.documents.office import office
from award_portal.documents.pdf import render_pdf
from award_portal.documents.templatetags.official import day

from ..enums import RevocationState
from ..forms.revocation import (
    BanForm,
    DecisionForm,
    DecisionPreviewForm,
    EvidenceForm,
    OpenForm,
    PrizeRecoveryForm,
    ProposalForm,
    RecoveryItemForm,
    StatementForm,
)
from ..models import Award, RevocationCase, RevocationFile
from ..permissions import is_office, oversees
from ..services.revocation import (
    can_answer_case,
    prize_recovery_record,
    recovered_yuan,
    recovery_item_record,
    recovery_outstanding,
    revocation_consequences,
    revocation_decide,
    revocation_evidence_add,
    revocation_file_open,
    revocation_open,
    revocation_propose,
    revocation_statement_submit,
    revocation_window_end,
)
from .office import download_name, refuse
from .public import absolute, pdf_response

PUBLIC_STATES = [RevocationState.REVOKED, RevocationState.CLOSED]


class SupervisionPage(View):
    """The office acts; the auditor reads; anybody else may not know these pages."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not oversees(request.user):
            raise Http404
        self.acting = is_office(request.user)
        if request.method not in ("GET", "HEAD") and not self.acting:
            raise PermissionDenied
        self.setup_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_objects(self, **kwargs) -> None:
        pass

    def render_page(self, template_name=None, **context):
        context.setdefault("acting", self.acting)
        return render(self.request, template_name or self.template_name, context)


# --- the office's list of cases and the awards a case may be opened against -------------
class RevocationListView(SupervisionPage):
    template_name = "publicity/revocation/office_list.html"

    def get(self, request):
        today = timezone.localdate()
        cases = list(
            RevocationCase.objects.select_related("award__cycle").order_by("-opened_at", "-id")
        )
        awards = list(
            Award.objects.filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
            .select_related("cycle")
            .order_by("-award_year", "kind", "id")
        )
        for award in awards:
            award.status = award.status_on(today)
        return self.render_page(cases=cases, awards=awards)


class RevocationOpenView(SupervisionPage):
    template_name = "publicity/revocation/office_open.html"

    def setup_objects(self, **kwargs) -> None:
        self.award = get_object_or_404(
            Award.objects.select_related("cycle__edition", "dossier"), pk=kwargs["award"]
        )

    def page(self, form=None):
        return self.render_page(
            award=self.award,
            status=self.award.status_on(timezone.localdate()),
            window_end=revocation_window_end(self.award),
            form=(form or OpenForm()) if self.acting else None,
        )

    def get(self, request, award):
        return self.page()

    def post(self, request, award):
        form = OpenForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form=form)
        data = form.cleaned_data
        evidence = [data["evidence"]] if data.get("evidence") else []
        try:
            case = revocation_open(
                actor=request.user,
                award=self.award,
                ground=data["ground"],
                facts=data["facts"],
                incident_on=data.get("incident_on"),
                statement_working_days=data["statement_working_days"],
                evidence=evidence,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form=form)
        if evidence and data.get("evidence_note"):
            RevocationFile.objects.filter(case=case).update(note=data["evidence_note"][:200])
        messages.success(
            request,
            _("Case %(number)s is opened; the winner is told and may answer until %(date)s.")
            % {"number": case.number, "date": day(case.statement_due)},
        )
        return redirect("publicity:revocation", pk=case.pk)


# --- one case -----------------------------------------------------------------------------
class CasePage(SupervisionPage):
    def setup_objects(self, **kwargs) -> None:
        self.case = get_object_or_404(
            RevocationCase.objects.select_related(
                "award__cycle__edition", "award__dossier", "award__prize", "notice"
            ),
            pk=kwargs["pk"],
        )


class RevocationCaseView(CasePage):
    template_name = "publicity/revocation/office_case.html"

    def page(self, bound=None):
        case, today = self.case, timezone.localdate()
        forms = {}
        if self.acting:
            if case.is_open:
                forms["evidence"] = EvidenceForm()
            if case.state == RevocationState.ANSWERED or (
                case.state == RevocationState.OPENED and today > case.statement_due
            ):
                forms["propose"] = ProposalForm(initial={"proposed_on": today})
            if case.state == RevocationState.PROPOSED:
                forms["decide"] = DecisionPreviewForm(initial={"decided_on": today})
            if case.state == RevocationState.REVOKED:
                choices = []
                if case.plaque_due and case.plaque_recovered_on is None:
                    choices.append(("plaque", _("Plaque")))
                if case.certificate_recovered_on is None:
                    choices.append(("certificate", _("Certificate")))
                if choices:
                    item = RecoveryItemForm(initial={"on": today})
                    item.fields["item"].choices = choices
                    forms["item"] = item
                if case.prize_due_yuan > recovered_yuan(case):
                    forms["prize"] = PrizeRecoveryForm(initial={"received_on": today})
            if bound is not None:
                name, form = bound
                if name == "item":
                    form.fields["item"].choices = forms.get("item", form).fields["item"].choices
                forms[name] = form
        return self.render_page(
            case=case,
            award=case.award,
            files=list(case.files.select_related("added_by")),
            recoveries=list(case.recoveries.all()),
            recovered=recovered_yuan(case),
            outstanding=recovery_outstanding(case) if case.state == RevocationState.REVOKED else [],
            statement_open=case.state == RevocationState.OPENED and today <= case.statement_due,
            forms=forms,
        )

    def get(self, request, pk):
        return self.page()

    FORMS = {
        "evidence": EvidenceForm,
        "propose": ProposalForm,
        "decide": DecisionPreviewForm,
        "item": RecoveryItemForm,
        "prize": PrizeRecoveryForm,
    }

    def confirm_decision(self, preview, form=None):
        """The decision's second step: what it will do, the scan, one button. Nothing is
        recorded until the office confirms here."""
        data = preview.cleaned_data
        revoke = data["outcome"] == "revoke"
        return self.render_page(
            template_name="publicity/revocation/office_decide_confirm.html",
            case=self.case,
            award=self.case.award,
            revoke=revoke,
            data=data,
            lines=revocation_consequences(
                case=self.case, revoke=revoke, decided_on=data["decided_on"]
            ),
            fields={
                "outcome": data["outcome"],
                "document_number": data["document_number"],
                "decided_on": data["decided_on"].isoformat(),
            },
            form=form or DecisionForm(initial=data),
        )

    def post(self, request, pk):
        action = request.POST.get("action")
        if action not in self.FORMS:
            raise Http404
        form = self.FORMS[action](request.POST, request.FILES)
        if not form.is_valid():
            return self.page(bound=(action, form))
        if action == "decide":
            full = DecisionForm(request.POST, request.FILES)
            if request.POST.get("confirmed") != "yes" or not full.is_valid():
                bound = full if request.POST.get("confirmed") == "yes" else None
                return self.confirm_decision(form, bound)
            form = full
        data, case = form.cleaned_data, self.case
        try:
            if action == "evidence":
                revocation_evidence_add(
                    actor=request.user,
                    case=case,
                    upload=data["evidence"],
                    note=data.get("evidence_note", ""),
                    request=request,
                )
                messages.success(request, _("The evidence is added to the case."))
            elif action == "propose":
                revocation_propose(
                    actor=request.user,
                    case=case,
                    proposal=data["proposal"],
                    proposed_on=data["proposed_on"],
                    request=request,
                )
                messages.success(request, _("The proposal to the city government is recorded."))
            elif action == "decide":
                case = revocation_decide(
                    actor=request.user,
                    case=case,
                    revoke=data["outcome"] == "revoke",
                    document_number=data["document_number"],
                    decided_on=data["decided_on"],
                    scan=data["scan"],
                    request=request,
                )
                messages.success(
                    request,
                    _(
                        "The title is revoked; the notice is public and the recovery can be "
                        "recorded."
                    )
                    if case.state == RevocationState.REVOKED
                    else _("The decision is recorded: the title is not revoked."),
                )
            elif action == "item":
                case = recovery_item_record(
                    actor=request.user,
                    case=case,
                    item=data["item"],
                    on=data["on"],
                    request=request,
                )
                messages.success(request, _("The recovery is recorded."))
            else:
                prize_recovery_record(
                    actor=request.user,
                    case=case,
                    amount_yuan=data["amount_yuan"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    request=request,
                )
                messages.success(request, _("The amount received is recorded."))
        except ValidationError as error:
            refuse(request, error)
            return redirect("publicity:revocation", pk=case.pk)
        case.refresh_from_db()
        if case.state == RevocationState.CLOSED and action in ("item", "prize"):
            messages.success(request, _("Everything due is recovered: the case is closed."))
        return redirect("publicity:revocation", pk=case.pk)


class RevocationFileView(CasePage):
    def get(self, request, pk, file_pk=None):
        if file_pk is None:
            if not self.case.decision_scan:
                raise Http404
            revocation_file_open(
                actor=request.user, case=self.case, which="decision", request=request
            )
            field, name = self.case.decision_scan, self.case.decision_scan_name
        else:
            stored = get_object_or_404(RevocationFile, pk=file_pk, case=self.case)
            revocation_file_open(actor=request.user, case=self.case, which=stored, request=request)
            field, name = stored.file, stored.original_name
        return attachment_response(
            field,
            filename=download_name(name, field.name),
            content_type=mimetypes.guess_type(field.name)[0] or "application/octet-stream",
        )


class StatementFileView(View):
    """A file of the case for the winner's users (the office's evidence, their own
    attachment), and for the office and the auditor; anybody else: 404. Each opening
    is logged."""

    def get(self, request, pk, file_pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        case = get_object_or_404(RevocationCase.objects.select_related("award__dossier"), pk=pk)
        if not (can_answer_case(request.user, case) or oversees(request.user)):
            raise Http404
        stored = get_object_or_404(RevocationFile, pk=file_pk, case=case)
        revocation_file_open(actor=request.user, case=case, which=stored, request=request)
        return attachment_response(
            stored.file,
            filename=download_name(stored.original_name, stored.file.name),
            content_type=mimetypes.guess_type(stored.file.name)[0] or "application/octet-stream",
        )


# --- the ban list -------------------------------------------------------------------------
class BanListView(SupervisionPage):
    template_name = "publicity/revocation/office_bans.html"

    def page(self, form=None):
        today = timezone.localdate()
        bans = list(ApplicantBan.objects.select_related("recorded_by").order_by("-ends_on", "-id"))
        for ban in bans:
            ban.in_force = ban.in_force_on(today)
        return self.render_page(
            bans=bans,
            form=(form or BanForm(initial={"starts_on": today})) if self.acting else None,
        )

    def get(self, request):
        return self.page()

    def post(self, request):
        from applications.services.bans import ban_record

        form = BanForm(request.POST)
        if not form.is_valid():
            return self.page(form=form)
        try:
            ban_record(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form=form)
        messages.success(request, _("The ban is recorded."))
        return redirect("publicity:bans")


# --- the winner's page --------------------------------------------------------------------
class StatementView(View):
    """The winner's users read the case and the evidence it rests on, and answer it; the
    office and the auditor read it too; anybody else gets a 404."""

    template_name = "publicity/revocation/statement.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.case = get_object_or_404(
            RevocationCase.objects.select_related("award__cycle", "award__dossier", "notice"),
            pk=kwargs["pk"],
        )
        self.answering = can_answer_case(request.user, self.case)
        if not (self.answering or oversees(request.user)):
            raise Http404
        if request.method not in ("GET", "HEAD") and not self.answering:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def page(self, form=None):
        case = self.case
        files = list(case.files.all())
        may_answer = (
            self.answering
            and case.state == RevocationState.OPENED
            and timezone.localdate() <= case.statement_due
        )
        return render(
            self.request,
            self.template_name,
            {
                "case": case,
                "award": case.award,
                "form": (form or StatementForm()) if may_answer else None,
                "office_files": [f for f in files if not f.from_winner],
                "winner_files": [f for f in files if f.from_winner],
            },
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        form = StatementForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form=form)
        try:
            revocation_statement_submit(
                actor=request.user,
                case=self.case,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data.get("attachment"),
                request=request,
            )
        except ValidationError as error:
            refuse(request, error)
            return redirect("publicity:revocation-statement", pk=self.case.pk)
        messages.success(request, _("Your statement is received."))
        return redirect("publicity:revocation-statement", pk=self.case.pk)


# --- public notices -----------------------------------------------------------------------
def public_case(pk: int) -> RevocationCase:
    return get_object_or_404(
        RevocationCase.objects.select_related("award__cycle__edition", "notice", "ban"),
        pk=pk,
        state__in=PUBLIC_STATES,
    )


def notice_context(case: RevocationCase, *, official: bool = False) -> dict:
    """The notice's text; dates as an official document writes them in the PDF
    (二〇二六年六月二日), as a page does on the page (2026年6月2日)."""
    from award_portal.documents.templatetags.official import chinese_date

    write = chinese_date if official else day
    award = case.award
    return {
        "dates": {
            "incident": write(case.incident_on) if case.incident_on else "",
            "decided": write(case.decided_on),
            "ban_start": write(case.ban.starts_on) if case.ban else "",
            "ban_end": write(case.ban.ends_on) if case.ban else "",
        },
        "case": case,
        "award": award,
        "cycle": award.cycle,
        "document": case.notice,
        "ban": case.ban,
        "office": office(),
        "notice_url": absolute(reverse("publicity:revocation-notice", args=[case.pk])),
    }


class NoticeListView(View):
    template_name = "publicity/revocation/public_list.html"

    def get(self, request):
        cases = list(
            RevocationCase.objects.filter(state__in=PUBLIC_STATES)
            .select_related("award__cycle", "notice")
            .order_by("-decided_on", "-id")
        )
        return render(request, self.template_name, {"cases": cases})


class NoticeView(View):
    template_name = "publicity/revocation/public_notice.html"

    def get(self, request, pk):
        return render(request, self.template_name, notice_context(public_case(pk)))


class NoticePdfView(View):
    def get(self, request, pk):
        case = public_case(pk)
        with translation.override("zh-hans"):
            pdf = render_pdf(
                template="publicity/revocation/notice_pdf.html",
                context=notice_context(case, official=True),
            )
            # the document is Chinese, whatever the reader's language: so is its name
            name = _("Revocation notice %(number)s") % {"number": case.number}
        return pdf_response(pdf, f"{name}.pdf", public=True)
