from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from award_portal.web.registry import register_nav, register_panel, register_public_nav

        from .panels import NAV, PANELS, PUBLIC_NAV

        for item in NAV:
            register_nav(item)
        for item in PUBLIC_NAV:
            register_public_nav(item)
        for role, panel in PANELS:
            register_panel(role, panel)
