from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("Publicity")

    def ready(self) -> None:
        from applications.hub import register_stage_provider
        from award_portal.web.registry import register_nav, register_panel

        from . import audit_words
        from .panels import NAV, PANELS, publicity_stages

        for item in NAV:
            register_nav(item)
        for role, panel in PANELS:
            register_panel(role, panel)
        register_stage_provider(publicity_stages)
        from .revocation_hub import revocation_stage

        register_stage_provider(revocation_stage)
        audit_words.register()
