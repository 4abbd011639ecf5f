"""Hooks through which domain apps add to the core's navigation and dashboards, so the
core never imports them (DESIGN §2: imports point one way)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .navigation import PUBLIC, SIGNED_IN, NavItem

_panels: dict[str, list["Panel"]] = defaultdict(list)


@dataclass(frozen=True)
class Panel:
    """A section of a dashboard: a template and the context it needs for one user."""

    template: str
    context: Callable  # (request) -> dict


def register_nav(item: NavItem) -> None:
    if item.url_name not in {existing.url_name for existing in SIGNED_IN}:
        SIGNED_IN.insert(2, item)


def register_public_nav(item: NavItem) -> None:
    if item.url_name not in {existing.url_name for existing in PUBLIC}:
        PUBLIC.insert(1, item)


def register_panel(role: str, panel: Panel) -> None:
    if panel not in _panels[role]:
        _panels[role].append(panel)


def panels_for(role: str) -> list[Panel]:
    return list(_panels.get(role, []))
