from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The admin site is for system administration by superusers only (DESIGN §1)."""

    default_site = "award_portal.admin.SuperuserAdminSite"
