"""Hooks through which domain apps add to the core's navigation and dashboards, so the
core never imports them (DESIGN §2: imports point one way)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from . import navigation
from .navigation import NavItem

_panels: dict[str, list["Panel"]] = defaultdict(list)


@dataclass(frozen=True)
class Panel:
    """A section of a dashboard: a template and the context it needs for one user."""

    template: str
    context: Callable  # (request) -> dict


def register_nav(item: NavItem) -> None:
    """Add a page to the navigation, in the group the item names, e.g.
    ``register_nav(NavItem(_("Publicity"), "publicity:list", ROUNDS, public=True))``."""
    navigation.add(item)


def register_panel(role: str, panel: Panel) -> None:
    if panel not in _panels[role]:
        _panels[role].append(panel)


def panels_for(role: str) -> list[Panel]:
    return list(_panels.get(role, []))
