from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from award_portal.web.registry import register_nav, register_panel

        from . import audit_words
        from .panels import NAV, PANELS

        for item in NAV:
            register_nav(item)
        for role, panel in PANELS:
            register_panel(role, panel)
        audit_words.register()
