import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.audit.services import client_ip
from award_portal.web.fields import OneLineCharField

from .enums import ApplicantKind, Role, WorkingGroupPosition
from .models import User
from .selectors import login_locked_until
from .services import login_refused_record

THROTTLED = _(
    "Too many failed log-in attempts. Try again in %(minutes)s minutes, or reset your password."
)


def login_throttle(form: AuthenticationForm) -> None:
    """Refuse a log-in while its user name (from this address) or its address is locked
    (see ``login_locked_until``), before the password is even checked, and record the
    refused attempt. Shared by the portal's and the admin site's log-in forms."""
    username = form.cleaned_data.get("username")
    if not username:
        return
    until = login_locked_until(username=username, source_ip=client_ip(form.request))
    if until is None:
        return
    login_refused_record(username=username, locked_until=until, request=form.request)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    raise ValidationError(THROTTLED, code="throttled", params={"minutes": minutes})


class PortalLoginForm(AuthenticationForm):
    """Django's log-in form, plus two messages a real person needs: 'confirm your e-mail
    first' and 'too many failed attempts, wait'."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": THROTTLED,
        "unconfirmed": _(
            "Please confirm your e-mail address first: open the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def clean(self):
        login_throttle(self)
        username = self.cleaned_data.get("username")
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


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's log-in, with the portal's lock: a superuser's password is the
    last thing that should be open to unlimited guessing."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": THROTTLED}

    def clean(self):
        login_throttle(self)
        return super().clean()


_USERNAME_HELP = _("Letters, digits and @ . + - _ only. You log in with it.")
_USERNAME_INVALID = _("Use only letters, digits and @ . + - _")


def _username_field(**kwargs) -> OneLineCharField:
    return OneLineCharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator(message=_USERNAME_INVALID)],
        **kwargs,
    )


class AccountIdentityForm(forms.Form):
    """Fields shared by registration and staff accounts. The availability checks here
    answer early; the service checks again under the database's unique constraints, so
    two requests racing for one name cannot both win."""

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


class RegistrationForm(AccountIdentityForm):
    kind = forms.ChoiceField(
        label=_("I apply as"), choices=ApplicantKind.choices, widget=forms.RadioSelect
    )
    display_name = OneLineCharField(
        label=_("Organisation name or your full name"),
        max_length=150,
        help_text=_("Organisations: the registered name on the business licence."),
    )
    username = _username_field(help_text=_USERNAME_HELP)
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

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            # The typed user name even when it is taken or malformed: the password must
            # not contain what the person typed there.
            probe = User(
                username=data.get("username") or self.data.get("username", ""),
                email=data.get("email", ""),
                display_name=data.get("display_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailRequestForm(forms.Form):
    """An address to send a link to (password reset, new confirmation link)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class StaffAccountForm(AccountIdentityForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role.staff_roles()]
    )
    working_group_position = forms.ChoiceField(
        label=_("Working-group position"),
        required=False,
        choices=[("", "—"), *WorkingGroupPosition.choices],
        help_text=_("Only for working-group members (Art. 7)."),
    )
    display_name = OneLineCharField(label=_("Full name or unit name"), max_length=150)
    username = _username_field()
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The new user receives a link here to choose a password."),
    )

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.WORKING_GROUP and not data.get("working_group_position"):
            self.add_error(
                "working_group_position", _("Choose the member's position in the working group.")
            )
        return data


class StaffDeactivateForm(forms.Form):
    reason = OneLineCharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("Kept in the audit trail, e.g. “left the expert pool”."),
    )
