"""Applicants: profile, their dossiers, files, submission, supplement, withdrawal; and the
dossier page that every person allowed to see a dossier shares
(``Dossier.get_absolute_url``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from award_portal.accounts.enums import ApplicantKind
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.files import attachment_response
from award_portal.web.editing import parse_token

from ..declarations import EXCLUSIONS, conditions_for, rendered
from ..enums import Category
from ..forms import (
    DossierForm,
    FileForm,
    IndividualForm,
    MemberForm,
    OrganisationForm,
    SubmitForm,
    SupplementAnswerForm,
    WithdrawForm,
)
from ..models import Cycle, DossierFile, Individual, MemberInvitation, OrganisationMembership
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
    member_invitation_answer,
    member_invite,
    organisation_of,
    organisation_save,
)
from ..services.bans import ban_in_force
from ..services.dossiers import (
    can_edit_answers,
    can_withdraw_dossier,
    dossier_checks,
    dossier_resubmit,
    dossier_save_draft,
    dossier_start,
    dossier_submit,
    dossier_withdraw,
    file_attach,
    file_remove,
    submission_problems,
)
from ..services.receipts import profile_changes_since, received_version


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
        user = self.request.user
        organisation_page = user.applicant_kind == ApplicantKind.ORGANISATION
        members = (
            OrganisationMembership.objects.filter(organisation=obj).select_related("user")
            if organisation_page and obj
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
                "member_form": extra.pop("member_form", MemberForm()),
                "open_invitations": (
                    obj.member_invitations.filter(accepted_at=None, declined_at=None)
                    if organisation_page and obj and not readonly
                    else []
                ),
                "invitations_to_me": MemberInvitation.objects.filter(
                    email__iexact=user.email, accepted_at=None, declined_at=None
                ).select_related("organisation"),
                "received_dossiers": obj is not None
                and obj.dossiers.exclude(state="draft").exists(),
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
        data = dict(form.cleaned_data)
        try:
            if isinstance(form, OrganisationForm):
                organisation_save(
                    actor=request.user, data=data, years=form.financial_years(), request=request
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
    """An administrator invites a colleague; the colleague must accept."""

    def post(self, request):
        organisation = organisation_of(request.user)
        if organisation is None:
            raise Http404
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                member_invite(
                    actor=request.user,
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("The invitation was sent. Your colleague joins once they accept it."),
                )
                return redirect("applications:profile")
        view = ProfileView()
        view.request = request
        return view.render_page(*view.forms(), member_form=form)


class MemberInvitationView(LoginRequiredMixin, View):
    """The invited colleague reads the invitation and accepts or declines it."""

    template_name = "applications/applicant/member_invitation.html"

    def invitation(self, request, token):
        invitation = get_object_or_404(
            MemberInvitation.objects.select_related("organisation", "invited_by"), token=token
        )
        if invitation.email.lower() != request.user.email.lower():
            raise Http404  # an invitation to somebody else is nobody else's business
        return invitation

    def get(self, request, token: str):
        return render(request, self.template_name, {"invitation": self.invitation(request, token)})

    def post(self, request, token: str):
        invitation = self.invitation(request, token)
        accept = request.POST.get("answer") == "accept"
        try:
            member_invitation_answer(
                actor=request.user, invitation=invitation, accept=accept, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:member-invitation", token=token)
        if accept:
            messages.success(
                request,
                _("You now act for %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
        else:
            messages.success(request, _("You declined the invitation."))
        return redirect("applications:profile")


class MyDossiersView(ApplicantMixin, ListView):
    template_name = "applications/applicant/dossier_list.html"
    context_object_name = "dossiers"

    def get_queryset(self):
        return dossier_list_for_applicant(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            calls=cycle_open_calls(), ban_notice=self.ban_notice(), **kwargs
        )

    def ban_notice(self) -> str:
        """Art. 12(4), 28: a barred applicant reads why and until when before it tries."""
        from ..services.bans import ban_message

        user = self.request.user
        if user.applicant_kind == ApplicantKind.ORGANISATION:
            organisation = organisation_of(user)
            ban = ban_in_force(organisation=organisation) if organisation else None
        else:
            individual = Individual.objects.filter(user=user).first()
            ban = ban_in_force(individual=individual) if individual else None
        return ban_message(ban) if ban is not None else ""


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
        "cycle__edition", "organisation", "individual", "decision_document"
    )
    return get_object_or_404(queryset, pk=pk)


def file_rows(dossier, user) -> tuple[list[DossierFile], int]:
    """The dossier's files the user may see (Art. 30), with what replaced what; and how
    many confidential files are hidden."""
    files = list(dossier.files.select_related("receipt__document", "supersedes"))
    replaced = {f.supersedes_id: f for f in files if f.supersedes_id}
    shown = []
    for stored in files:
        if stored.trade_secret and not can_view_trade_secret(user, dossier):
            continue
        stored.replaced_by = replaced.get(stored.pk)
        shown.append(stored)
    return shown, len(files) - len(shown)


class DossierDetailView(LoginRequiredMixin, View):
    template_name = "applications/dossier_detail.html"

    def page(self, request, dossier, form=None, file_form=None, submit_form=None, answer_form=None):
        user = request.user
        editable = can_edit_dossier(user, dossier)
        supplementable = can_supplement_dossier(user, dossier)
        answers_editable = can_edit_answers(user, dossier)
        version = received_version(dossier)
        notices = list(dossier.notices.select_related("document"))
        open_notice = notices[-1] if supplementable and notices else None
        files, hidden = file_rows(dossier, user)
        received_files = [f for f in files if f.is_received]
        edition = dossier.cycle.edition
        return render(
            request,
            self.template_name,
            {
                "dossier": dossier,
                "version": version,
                "applicant": version.applicant,
                "years": version.years,
                "changes": profile_changes_since(version),
                "receipts": version.receipts,
                "editable": editable,
                "supplementable": supplementable,
                "withdrawable": can_withdraw_dossier(user, dossier),
                "form": form or (DossierForm(dossier=dossier) if answers_editable else None),
                "file_form": file_form
                or FileForm(notice=open_notice, received_files=received_files),
                "answer_form": answer_form
                or (SupplementAnswerForm(notice=open_notice) if open_notice else None),
                "submit_form": submit_form or SubmitForm(),
                "files": files,
                "checks": dossier_checks(dossier, version),
                "problems": submission_problems(dossier) if editable else [],
                "notices": notices,
                "open_notice": open_notice,
                "conditions": rendered(conditions_for(dossier.kind), edition),
                "exclusions": rendered(EXCLUSIONS, edition),
                "categories": list(Category),
                "declarations": version.declarations,
                "is_office": is_office(user),
                # Art. 12(4), 28: the office and the auditor see a ban in force at once
                "ban": ban_in_force(
                    organisation=dossier.organisation, individual=dossier.individual
                )
                if user.has_perm("applications.view_dossier") and dossier.state != "draft"
                else None,
                # the applicant is told too, while its application still awaits the check
                "own_ban": ban_in_force(
                    organisation=dossier.organisation, individual=dossier.individual
                )
                if not user.has_perm("applications.view_dossier")
                and dossier.state in ("submitted", "supplement_requested")
                else None,
                "hidden_secret_files": hidden,
                "can_see_secrets": can_view_trade_secret(user, dossier),
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
        try:
            saved = dossier_save_draft(
                actor=request.user,
                dossier=dossier,
                declarations=form.declarations(),
                summaries=form.summaries(),
                # an organisation's form has no statement of achievements: keep it as is
                achievements=form.cleaned_data.get("achievements", dossier.achievements),
                named_conflicts=form.named_conflicts(),
                expected_updated_at=parse_token(form.cleaned_data.get("updated_at")),
                request=request,
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
        supplementable = can_supplement_dossier(request.user, dossier)
        notice = dossier.notices.order_by("-number").first() if supplementable else None
        received = list(dossier.files.filter(receipt__isnull=False))
        form = FileForm(request.POST, request.FILES, notice=notice, received_files=received)
        if form.is_valid():
            supersedes_id = form.cleaned_data.get("supersedes")
            try:
                file_attach(
                    actor=request.user,
                    dossier=dossier,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["upload"],
                    trade_secret=form.cleaned_data["trade_secret"],
                    answers_item=form.cleaned_data.get("answers_item") or "",
                    supersedes=next((f for f in received if f.pk == supersedes_id), None),
                    request=request,
                )
            except ValidationError as error:
                form.add_error("upload", error)
            else:
                messages.success(request, _("File uploaded."))
                return redirect(dossier.get_absolute_url())
        return DossierDetailView().page(request, dossier, file_form=form)


class FileDeleteView(LoginRequiredMixin, View):
    """Removing a file not yet received: a confirmation page, then the removal."""

    template_name = "applications/applicant/file_delete.html"

    def stored(self, request, pk, file_pk):
        dossier = visible_dossier(request, pk)
        if not (
            can_edit_dossier(request.user, dossier) or can_supplement_dossier(request.user, dossier)
        ):
            raise Http404
        return dossier, get_object_or_404(dossier.files, pk=file_pk, receipt__isnull=True)

    def get(self, request, pk: int, file_pk: int):
        dossier, stored = self.stored(request, pk, file_pk)
        return render(request, self.template_name, {"dossier": dossier, "file": stored})

    def post(self, request, pk: int, file_pk: int):
        dossier, stored = self.stored(request, pk, file_pk)
        try:
            file_remove(actor=request.user, stored=stored, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("File removed."))
        return redirect(dossier.get_absolute_url())


class FileDownloadView(LoginRequiredMixin, View):
    """Every download is checked and logged; trade secrets only for those Art. 30 allows.
    The file name carries the extension of the detected type, not the uploader's."""

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
            stored.file,
            filename=download_filename(stored),
            content_type=stored.content_type,
        )


def download_filename(stored: DossierFile) -> str:
    """The uploader's name with the extension of the detected type (``tool.exe`` holding
    a PDF is served as ``tool.pdf``)."""
    import os

    stem = os.path.splitext(os.path.basename(stored.original_name))[0] or stored.title
    return f"{stem}{stored.download_extension}"


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
        notice = dossier.notices.order_by("-number").first()
        if notice is None or not can_supplement_dossier(request.user, dossier):
            messages.error(request, _("No supplement is requested for this application now."))
            return redirect(dossier.get_absolute_url())
        form = SupplementAnswerForm(request.POST, notice=notice)
        if not form.is_valid():
            return DossierDetailView().page(request, dossier, answer_form=form)
        try:
            dossier_resubmit(
                actor=request.user, dossier=dossier, notes=form.notes(), request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return DossierDetailView().page(request, dossier, answer_form=form)
        messages.success(
            request,
            _("The supplemented application was received. Its receipt is below."),
        )
        return redirect(dossier.get_absolute_url())


class DossierWithdrawView(LoginRequiredMixin, View):
    """Withdrawal, with a confirmation step (until the city government's approval)."""

    template_name = "applications/applicant/withdraw.html"

    def dossier(self, request, pk):
        dossier = visible_dossier(request, pk)
        if not can_withdraw_dossier(request.user, dossier):
            raise Http404
        return dossier

    def get(self, request, pk: int):
        dossier = self.dossier(request, pk)
        return render(request, self.template_name, {"dossier": dossier, "form": WithdrawForm()})

    def post(self, request, pk: int):
        dossier = self.dossier(request, pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"dossier": dossier, "form": form})
        try:
            dossier_withdraw(
                actor=request.user,
                dossier=dossier,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, {"dossier": dossier, "form": form})
        messages.success(request, _("The application is withdrawn."))
        return redirect(dossier.get_absolute_url())
