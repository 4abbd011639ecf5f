from award_portal.documents.office import office
from award_portal.notifications.selectors import unread_count

from .navigation import nav_for
from .preferences import FONT_SIZES, DisplayPreferences


def portal(request) -> dict:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    sections = nav_for(user) if user is not None else []
    current = match.view_name if match else ""
    return {
        "unread_notifications": (
            unread_count(user=user) if user is not None and user.is_authenticated else 0
        ),
        "display": DisplayPreferences.from_request(request),
        "font_sizes": FONT_SIZES,
        "nav_sections": sections,
        # the group that holds the page shown, marked as current while it is closed
        "current_nav_group": next((s.key for s in sections if s.holds(current)), ""),
        "current_url_name": current,
        # the office's name and contact, in the footer of every page (settings)
        "portal_office": office(),
    }
