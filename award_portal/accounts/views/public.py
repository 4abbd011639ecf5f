"""Log-in, registration and e-mail confirmation: pages anyone may open."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from ..forms import PortalLoginForm, RegistrationForm, ResendConfirmationForm
from ..models import User
from ..services import account_confirm_email, account_send_confirmation, applicant_register


class LoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "accounts/public/login.html"
    redirect_authenticated_user = True


class RegisterView(FormView):
    form_class = RegistrationForm
    template_name = "accounts/public/register.html"

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind else {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = applicant_register(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
                kind=data["kind"],
                request=self.request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session["registered_email"] = user.email
        return redirect("accounts:register-done")


class RegisterDoneView(TemplateView):
    template_name = "accounts/public/register_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get("registered_email", "")
        return context


class ConfirmEmailView(View):
    def get(self, request, token: str):
        try:
            account_confirm_email(token=token, request=request)
        except ValidationError as error:
            return render(
                request,
                "accounts/public/confirm_failed.html",
                {"errors": error.messages, "form": ResendConfirmationForm()},
                status=400,
            )
        messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
        return redirect("accounts:login")


class ResendConfirmationView(FormView):
    form_class = ResendConfirmationForm
    template_name = "accounts/public/confirm_resend.html"
    success_url = reverse_lazy("accounts:register-done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        user = User.objects.filter(
            email__iexact=email, is_active=False, email_confirmed_at=None
        ).first()
        # The same answer whether or not the address is known: no account enumeration.
        if user is not None:
            account_send_confirmation(user=user)
        self.request.session["registered_email"] = email
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/public/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                action=Action.PASSWORD_CHANGED,
                actor=self.request.user,
                target=self.request.user,
                request=self.request,
            )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/public/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                action=Action.PASSWORD_RESET,
                actor=form.user,
                target=form.user,
                request=self.request,
            )
        return response
