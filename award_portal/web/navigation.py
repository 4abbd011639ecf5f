"""The navigation each role sees. One table, so a new page is added in one place."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PUBLIC = [NavItem(_("Home"), "web:home"), NavItem(_("Rulebook editions"), "rules:edition-list")]

SIGNED_IN = [
    NavItem(_("My dashboard"), "web:dashboard"),
    NavItem(_("Notifications"), "notifications:list"),
    NavItem(_("Working-day calendar"), "workdays:year-list", "workdays.view_yearschedule"),
    NavItem(_("Plan a round"), "rules:plan", "rules.plan_cycle"),
    NavItem(_("Staff accounts"), "accounts:user-list", "accounts.manage_staff_accounts"),
    NavItem(_("Audit trail"), "audit:auditevent-list", "audit.view_auditevent"),
    NavItem(_("System status"), "web:system-status", "system.view_heartbeat"),
]


def nav_for(user) -> list[NavItem]:
    items = list(PUBLIC)
    if user.is_authenticated:
        items += [
            item for item in SIGNED_IN if not item.permission or user.has_perm(item.permission)
        ]
    return items
