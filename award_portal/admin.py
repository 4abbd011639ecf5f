from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("Award portal system administration")
    site_title = _("System administration")

    @property
    def login_form(self):
        # The portal's log-in lock applies here too (imported late: the admin site is
        # built before the apps' models are ready).
        from award_portal.accounts.forms import AdminLoginForm

        return AdminLoginForm

    def has_permission(self, request) -> bool:
        # Staff roles do their daily work in the portal, never in the admin.
        return request.user.is_active and request.user.is_superuser
