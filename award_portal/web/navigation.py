"""The navigation each role sees: a few groups (DESIGN §11), each item declaring its own.

The core registers its items here; domain apps add theirs through
``award_portal.web.registry.register_nav`` (one line per item), so the core never imports
them. A group that holds one visible item is shown as that item's link; a group of
several is a disclosure menu; a visitor who has not logged in sees plain links only.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str


WORKBENCH = NavGroup("workbench", _("Workbench"))
ROUNDS = NavGroup("rounds", _("Rounds"))
CALENDAR_AND_RULES = NavGroup("calendar", _("Calendar and rules"))
ACCOUNTS_AND_AUDIT = NavGroup("accounts", _("Accounts and audit"))
NOTIFICATIONS = NavGroup("notifications", _("Notifications"))

#: The groups, in the order the navigation shows them.
GROUPS = (WORKBENCH, ROUNDS, CALENDAR_AND_RULES, ACCOUNTS_AND_AUDIT, NOTIFICATIONS)


@dataclass(frozen=True)
class NavItem:
    """A link in the navigation.

    ``public`` items are shown to everybody, also before log-in; the others only to
    signed-in users who hold ``permission`` (when one is named). Inside a group, items
    are listed by ``order``, then in the order they were registered.
    """

    label: str
    url_name: str
    group: NavGroup
    permission: str | None = None
    public: bool = False
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def visible_to(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return not self.permission or user.has_perm(self.permission)


@dataclass(frozen=True)
class NavSection:
    """One group as one user sees it: only the items that user may open."""

    group: NavGroup
    items: tuple[NavItem, ...]

    @property
    def label(self) -> str:
        return self.group.label

    @property
    def key(self) -> str:
        return self.group.key

    @property
    def single(self) -> NavItem | None:
        """The group's only item, shown as a plain link instead of a menu."""
        return self.items[0] if len(self.items) == 1 else None

    def holds(self, url_name: str) -> bool:
        return any(item.url_name == url_name for item in self.items)


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "web:home", WORKBENCH, public=True, order=0),
    NavItem(_("My dashboard"), "web:dashboard", WORKBENCH, order=10),
    NavItem(_("Plan a round"), "rules:plan", ROUNDS, "rules.plan_cycle", order=20),
    NavItem(
        _("Working-day calendar"),
        "workdays:year-list",
        CALENDAR_AND_RULES,
        "workdays.view_yearschedule",
        order=10,
    ),
    NavItem(_("Rulebook editions"), "rules:edition-list", CALENDAR_AND_RULES, public=True),
    NavItem(
        _("Staff accounts"),
        "accounts:user-list",
        ACCOUNTS_AND_AUDIT,
        "accounts.manage_staff_accounts",
    ),
    NavItem(_("Audit trail"), "audit:auditevent-list", ACCOUNTS_AND_AUDIT, "audit.view_auditevent"),
    NavItem(_("System status"), "web:system-status", ACCOUNTS_AND_AUDIT, "system.view_heartbeat"),
    NavItem(_("Notifications"), "notifications:list", NOTIFICATIONS),
]


def add(item: NavItem) -> None:
    """Add an item once (an app's ``ready`` may run more than once in tests)."""
    if item.group not in GROUPS:
        raise ValueError(f"unknown navigation group {item.group.key!r}")
    if item.url_name not in {existing.url_name for existing in ITEMS}:
        ITEMS.append(item)


def nav_for(user) -> list[NavSection]:
    """The groups ``user`` sees, each with the items it may open; empty groups left out.

    A visitor who has not logged in gets the public pages as plain links, one per page,
    in the groups' order: a handful of pages needs no menus, and a member of the public
    should not have to guess which menu holds the winners list."""
    if not user.is_authenticated:
        return [
            NavSection(section.group, (item,))
            for section in _sections(user)
            for item in section.items
        ]
    return _sections(user)


def _sections(user) -> list[NavSection]:
    sections = []
    for group in GROUPS:
        items = sorted(
            (item for item in ITEMS if item.group == group and item.visible_to(user)),
            key=lambda item: item.order,
        )
        if items:
            sections.append(NavSection(group, tuple(items)))
    return sections
