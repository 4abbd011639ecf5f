"""Staff accounts, managed by the coordination office."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..enums import Role
from ..forms import StaffAccountForm, StaffDeactivateForm
from ..selectors import user_list_for_office
from ..services import account_set_active, staff_account_create


class StaffAccountsMixin(RolePermissionRequiredMixin):
    permission_required = "accounts.manage_staff_accounts"


class StaffListView(StaffAccountsMixin, ListView):
    template_name = "accounts/office/user_list.html"
    context_object_name = "accounts"
    paginate_by = 50

    def get_queryset(self):
        role = self.request.GET.get("role")
        return user_list_for_office(role=role if role in Role.values else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = Role.staff_roles()
        role = self.request.GET.get("role", "")
        context["current_role"] = role if role in Role.values else ""
        context["current_role_query"] = f"role={role}" if role in Role.values else ""
        return context


class StaffCreateView(StaffAccountsMixin, FormView):
    form_class = StaffAccountForm
    template_name = "accounts/office/user_create.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = staff_account_create(
                actor=self.request.user,
                username=data["username"],
                email=data["email"],
                display_name=data["display_name"],
                role=data["role"],
                working_group_position=data["working_group_position"],
                request=self.request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Account %(username)s created. A link to choose a password was sent to %(email)s.")
            % {"username": user.username, "email": user.email},
        )
        return redirect("accounts:user-list")


class StaffDeactivateView(StaffAccountsMixin, FormView):
    """Deactivation asks first: a page that says what will happen, with confirm and
    cancel. Only the confirming POST changes anything."""

    form_class = StaffDeactivateForm
    template_name = "accounts/office/user_deactivate.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():  # before the lookup: no 404-probing by outsiders
            return self.handle_no_permission()
        self.account = get_object_or_404(user_list_for_office(), pk=kwargs["pk"])
        if self.account.pk == request.user.pk:
            messages.error(request, _("You cannot deactivate your own account."))
            return redirect("accounts:user-list")
        if not self.account.is_active:
            messages.info(
                request,
                _("%(username)s is already deactivated.") % {"username": self.account.username},
            )
            return redirect("accounts:user-list")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

    def form_valid(self, form):
        try:
            account_set_active(
                actor=self.request.user,
                user=self.account,
                active=False,
                reason=form.cleaned_data["reason"],
                request=self.request,
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(
                self.request,
                _("%(username)s can no longer log in.") % {"username": self.account.username},
            )
        return redirect("accounts:user-list")


class StaffReactivateView(StaffAccountsMixin, View):
    def post(self, request, pk: int):
        user = get_object_or_404(user_list_for_office(), pk=pk)
        try:
            account_set_active(actor=request.user, user=user, active=True, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(username)s can log in again.") % {"username": user.username}
            )
        return redirect("accounts:user-list")
