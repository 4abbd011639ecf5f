from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self) -> None:
        from applications.hub import register_stage_provider
        from award_portal.web.registry import register_nav, register_panel

        from . import audit_words
        from .panels import NAV, PANELS, review_stage

        for item in NAV:
            register_nav(item)
        for role, panel in PANELS:
            register_panel(role, panel)
        register_stage_provider(review_stage)
        audit_words.register()
