"""Log-in, registration and e-mail confirmation: pages anyone may open."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from ..forms import EmailRequestForm, PortalLoginForm, RegistrationForm
from ..services import (
    account_confirm_email,
    applicant_register,
    confirmation_resend_request,
    password_reset_request,
)


class LoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "accounts/public/login.html"
    redirect_authenticated_user = True


# The form may arrive filled in from an invitation (a name, an address), and the page
# after it shows the address: personal data, even for a visitor not signed in.
@method_decorator(never_cache, name="dispatch")
class RegisterView(FormView):
    form_class = RegistrationForm
    template_name = "accounts/public/register.html"

    def get_initial(self):
        """A link may fill the form in (a mobilising department's invitation gives the
        kind, the name and the address); the form still validates everything."""
        initial = {}
        for field, limit in (("kind", 20), ("name", 150), ("email", 254)):
            value = self.request.GET.get(field, "")[:limit]
            if value:
                initial["display_name" if field == "name" else field] = value
        return initial

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


@method_decorator(never_cache, name="dispatch")
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
                {"errors": error.messages, "form": EmailRequestForm()},
                status=400,
            )
        messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
        return redirect("accounts:login")


class ResendConfirmationView(FormView):
    """A new confirmation link. The answer is the same whether or not an account waits
    on the address: the lookup happens in the worker (no account enumeration)."""

    form_class = EmailRequestForm
    template_name = "accounts/public/confirm_resend.html"
    success_url = reverse_lazy("accounts:register-done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not confirmation_resend_request(email=email, request=self.request):
            form.add_error("email", too_many_emails_message())
            return self.form_invalid(form)
        self.request.session["registered_email"] = email
        return super().form_valid(form)


class PasswordResetView(FormView):
    """Ask for a reset link. Same time, same page whether or not the address has an
    account: the request only records the ask; the worker looks the address up."""

    form_class = EmailRequestForm
    template_name = "accounts/public/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        if not password_reset_request(email=form.cleaned_data["email"], request=self.request):
            form.add_error("email", too_many_emails_message())
            return self.form_invalid(form)
        return super().form_valid(form)


def too_many_emails_message() -> str:
    return _(
        "Too many e-mails were asked for this address in the last hour. Please try again later."
    )


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
