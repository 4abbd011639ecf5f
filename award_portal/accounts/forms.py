from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award_portal.audit.selectors import login_failures_recent

from .enums import ApplicantKind, Role, WorkingGroupPosition
from .models import User


class PortalLoginForm(AuthenticationForm):
    """Django's log-in form, plus two messages a real person needs: 'confirm your e-mail
    first' and 'too many failed attempts, wait'."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed log-in attempts for this account. Wait %(minutes)s minutes "
            "or reset your password."
        ),
        "unconfirmed": _(
            "Please confirm your e-mail address first: open the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES
            if login_failures_recent(username=username, minutes=minutes) >= (
                settings.LOGIN_FAILURE_LIMIT
            ):
                raise ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"minutes": minutes},
                )
        try:
            return super().clean()
        except ValidationError:
            password = self.cleaned_data.get("password")
            pending = User.objects.filter(
                username__iexact=username or "", is_active=False, email_confirmed_at=None
            ).first()
            if pending is not None and password and pending.check_password(password):
                self.unconfirmed_email = pending.email
                raise ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from None
            raise


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I apply as"), choices=ApplicantKind.choices, widget=forms.RadioSelect
    )
    display_name = forms.CharField(
        label=_("Organisation name or your full name"),
        max_length=150,
        help_text=_("Organisations: the registered name on the business licence."),
    )
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @ . + - _ only. You log in with it."),
        error_messages={"invalid": _("Use only letters, digits and @ . + - _")},
    )
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken. Choose another."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(
                username=data.get("username", ""),
                email=data.get("email", ""),
                display_name=data.get("display_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class StaffAccountForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role.staff_roles()]
    )
    working_group_position = forms.ChoiceField(
        label=_("Working-group position"),
        required=False,
        choices=[("", "—"), *WorkingGroupPosition.choices],
        help_text=_("Only for working-group members (Art. 7)."),
    )
    display_name = forms.CharField(label=_("Full name or unit name"), max_length=150)
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use only letters, digits and @ . + - _")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The new user receives a link here to choose a password."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken. Choose another."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.WORKING_GROUP and not data.get("working_group_position"):
            self.add_error(
                "working_group_position", _("Choose the member's position in the working group.")
            )
        return data
