from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class RolePermissionRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to log in; a logged-in user without the permission
    gets 403 (a page, not an object: its existence is no secret)."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(
                self.request.get_full_path(),
                self.get_login_url(),
                self.get_redirect_field_name(),
            )
        raise PermissionDenied
