"""Applicants: profile, their dossiers, files, submission; and the dossier page that
every person allowed to see a dossier shares (``Dossier.get_absolute_url``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from award_portal.accounts.enums import ApplicantKind
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.files import attachment_response
from award_portal.documents.pdf import render_pdf

from ..declarations import EXCLUSIONS, conditions_for
from ..enums import Category, DossierState
from ..forms import DossierForm, FileForm, IndividualForm, MemberForm, OrganisationForm, SubmitForm
from ..models import Cycle, DossierFile, Individual, OrganisationMembership
from ..permissions import (
    can_edit_dossier,
    can_supplement_dossier,
    can_view_trade_secret,
    is_office,
)
from ..selectors import cycle_open_calls, dossier_list_for_applicant, dossier_visible_to
from ..services.applicants import (
    individual_save,
    is_org_admin,
    organisation_add_member,
    organisation_of,
    organisation_save,
)
from ..services.dossiers import (
    dossier_checks,
    dossier_resubmit,
    dossier_save_draft,
    dossier_start,
    dossier_submit,
    file_attach,
    file_remove,
    submission_problems,
)


class ApplicantMixin(RolePermissionRequiredMixin):
    permission_required = "applications.add_dossier"


class ProfileView(ApplicantMixin, View):
    template_name = "applications/applicant/profile.html"

    def forms(self, data=None):
        user = self.request.user
        if user.applicant_kind == ApplicantKind.ORGANISATION:
            organisation = organisation_of(user)
            readonly = organisation is not None and not is_org_admin(user, organisation)
            return OrganisationForm(data, instance=organisation), organisation, readonly
        individual = Individual.objects.filter(user=user).first()
        return IndividualForm(data, instance=individual), individual, False

    def render_page(self, form, obj, readonly, **extra):
        members = (
            OrganisationMembership.objects.filter(organisation=obj).select_related("user")
            if self.request.user.applicant_kind == ApplicantKind.ORGANISATION and obj
            else []
        )
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "profile": obj,
                "readonly": readonly,
                "members": members,
                "member_form": MemberForm(),
                **extra,
            },
        )

    def get(self, request):
        return self.render_page(*self.forms())

    def post(self, request):
        form, obj, readonly = self.forms(request.POST)
        if readonly:
            raise PermissionDenied
        if not form.is_valid():
            return self.render_page(form, obj, readonly)
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            if isinstance(form, OrganisationForm):
                organisation_save(
                    actor=request.user,
                    data=data,
                    years=form.financial_years(),
                    request=request,
                    invitation_token=request.session.get("invitation"),
                )
            else:
                individual_save(
                    actor=request.user,
                    data=data,
                    id_number=data.pop("id_number", ""),
                    request=request,
                )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(form, obj, readonly)
        messages.success(request, _("Your profile is saved."))
        return redirect("applications:profile")


class MemberAddView(ApplicantMixin, View):
    def post(self, request):
        organisation = organisation_of(request.user)
        form = MemberForm(request.POST)
        if organisation is None or not form.is_valid():
            messages.error(request, _("Enter a valid e-mail address."))
            return redirect("applications:profile")
        try:
            organisation_add_member(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your colleague can now act for the organisation."))
        return redirect("applications:profile")


class MyDossiersView(ApplicantMixin, ListView):
    template_name = "applications/applicant/dossier_list.html"
    context_object_name = "dossiers"

    def get_queryset(self):
        return dossier_list_for_applicant(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(calls=cycle_open_calls(), **kwargs)


class DossierStartView(ApplicantMixin, View):
    def post(self, request, cycle_pk: int):
        cycle = get_object_or_404(Cycle.objects.exclude(state="draft"), pk=cycle_pk)
        try:
            dossier = dossier_start(actor=request.user, cycle=cycle, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:my-dossiers")
        return redirect(dossier.get_absolute_url())


def visible_dossier(request, pk: int):
    """The dossier, or 404 for anybody who may not know it exists."""
    queryset = dossier_visible_to(request.user).select_related(
        "cycle__edition", "organisation", "individual"
    )
    return get_object_or_404(queryset, pk=pk)


class DossierDetailView(LoginRequiredMixin, View):
    template_name = "applications/dossier_detail.html"

    def page(self, request, dossier, form=None, file_form=None, submit_form=None):
        user = request.user
        editable = can_edit_dossier(user, dossier)
        files = [
            f
            for f in dossier.files.all()
            if not f.trade_secret or can_view_trade_secret(user, dossier)
        ]
        return render(
            request,
            self.template_name,
            {
                "dossier": dossier,
                "editable": editable,
                "supplementable": can_supplement_dossier(user, dossier),
                "form": form or (DossierForm(dossier=dossier) if editable else None),
                "file_form": file_form or FileForm(),
                "submit_form": submit_form or SubmitForm(),
                "files": files,
                "checks": dossier_checks(dossier),
                "problems": submission_problems(dossier) if editable else [],
                "notices": list(dossier.notices.all()),
                "conditions": conditions_for(dossier.kind),
                "exclusions": EXCLUSIONS,
                "categories": list(Category),
                "declarations": dossier.declarations or {},
                "is_office": is_office(user),
                "hidden_secret_files": len(dossier.files.all()) - len(files),
            },
        )

    def get(self, request, pk: int):
        return self.page(request, visible_dossier(request, pk))

    def post(self, request, pk: int):
        """Save the draft: from the button (a page) or from autosave (JSON)."""
        dossier = visible_dossier(request, pk)
        autosave = request.headers.get("X-Autosave") == "1"
        form = DossierForm(request.POST, dossier=dossier)
        if not form.is_valid():
            if autosave:
                return JsonResponse({"message": _("Not saved: check the form.")}, status=400)
            return self.page(request, dossier, form=form)
        expected = form.cleaned_data.get("updated_at")
        try:
            saved = dossier_save_draft(
                actor=request.user,
                dossier=dossier,
                declarations=form.declarations(),
                summaries=form.summaries(),
                achievements=form.cleaned_data.get("achievements", ""),
                expected_updated_at=parse_datetime(expected) if expected else None,
            )
        except PermissionDenied:
            if autosave:
                return JsonResponse(
                    {"message": _("This application can no longer be changed.")}, status=403
                )
            raise
        except ValidationError as error:
            if autosave:
                return JsonResponse({"message": " ".join(error.messages)}, status=409)
            form.add_error(None, error)
            return self.page(request, dossier, form=form)
        if autosave:
            when = timezone.localtime(saved.updated_at).strftime("%H:%M:%S")
            return JsonResponse(
                {
                    "updated_at": saved.updated_at.isoformat(),
                    "message": _("Draft saved automatically at %(time)s.") % {"time": when},
                }
            )
        messages.success(request, _("Draft saved."))
        return redirect(dossier.get_absolute_url())


class FileUploadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        dossier = visible_dossier(request, pk)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                file_attach(
                    actor=request.user,
                    dossier=dossier,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["upload"],
                    trade_secret=form.cleaned_data["trade_secret"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error("upload", error)
            else:
                messages.success(request, _("File uploaded."))
                return redirect(dossier.get_absolute_url())
        return DossierDetailView().page(request, dossier, file_form=form)


class FileDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int, file_pk: int):
        dossier = visible_dossier(request, pk)
        stored = get_object_or_404(dossier.files, pk=file_pk)
        file_remove(actor=request.user, stored=stored)
        messages.success(request, _("File removed."))
        return redirect(dossier.get_absolute_url())


class FileDownloadView(LoginRequiredMixin, View):
    """Every download is checked and logged; trade secrets only for those Art. 30 allows."""

    def get(self, request, pk: int, file_pk: int):
        dossier = visible_dossier(request, pk)
        stored = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
        if stored.trade_secret and not can_view_trade_secret(request.user, dossier):
            raise Http404
        audit_record(
            action=Action.SECRET_FILE_OPENED if stored.trade_secret else Action.FILE_DOWNLOADED,
            actor=request.user,
            target=dossier,
            request=request,
            details={"file": stored.pk, "sha256": stored.sha256},
        )
        return attachment_response(
            stored.file, filename=stored.original_name, content_type=stored.content_type
        )


class DossierSubmitView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        dossier = visible_dossier(request, pk)
        form = SubmitForm(request.POST)
        try:
            dossier_submit(
                actor=request.user,
                dossier=dossier,
                pledge=form.is_valid() and form.cleaned_data["pledge"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Your application was received. The receipt is below and in your e-mail."),
            )
        return redirect(dossier.get_absolute_url())


class DossierResubmitView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        dossier = visible_dossier(request, pk)
        try:
            dossier_resubmit(actor=request.user, dossier=dossier, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The supplemented application was received."))
        return redirect(dossier.get_absolute_url())


class DossierPdfView(LoginRequiredMixin, View):
    """Application form (for sealing), receipt, supplement notice, decision notice."""

    documents = {
        "form": ("applications/pdf/application_form.html", None),
        "receipt": ("applications/pdf/receipt.html", "received_at"),
        "decision": ("applications/pdf/decision.html", "decided_at"),
    }

    def get(self, request, pk: int, document: str, number: int | None = None):
        dossier = visible_dossier(request, pk)
        if document == "notice":
            notice = get_object_or_404(dossier.notices, number=number)
            template, context = "applications/pdf/supplement_notice.html", {"notice": notice}
        elif document in self.documents:
            template, needed = self.documents[document]
            if needed and getattr(dossier, needed) is None:
                raise Http404
            if document == "decision" and dossier.state not in (
                DossierState.QUALIFIED,
                DossierState.NOT_QUALIFIED,
            ):
                raise Http404
            context = {}
        else:
            raise Http404
        pdf = render_pdf(
            template=template,
            context={
                "dossier": dossier,
                "conditions": conditions_for(dossier.kind),
                "exclusions": EXCLUSIONS,
                "declarations": dossier.declarations or {},
                "categories": list(Category),
                "years": list(dossier.organisation.years.all()) if dossier.organisation_id else [],
                **context,
            },
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        suffix = f"-{number}" if number else ""
        response["Content-Disposition"] = (
            f'attachment; filename="{document}{suffix}-{dossier.pk}.pdf"'
        )
        return response
