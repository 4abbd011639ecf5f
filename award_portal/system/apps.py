from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemConfig(AppConfig):
    name = "award_portal.system"
    label = "system"
    verbose_name = _("System status")
