from award_portal.notifications.selectors import unread_count

from .navigation import nav_for
from .preferences import FONT_SIZES, DisplayPreferences


def portal(request) -> dict:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        "unread_notifications": (
            unread_count(user=user) if user is not None and user.is_authenticated else 0
        ),
        "display": DisplayPreferences.from_request(request),
        "font_sizes": FONT_SIZES,
        "nav_items": nav_for(request.user) if hasattr(request, "user") else [],
        "current_url_name": match.view_name if match else "",
    }
