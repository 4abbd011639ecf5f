from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from award_portal.system.views import healthz
from award_portal.web import converters  # noqa: F401  (registers <id:...>)

urlpatterns = [
    path("", include("award_portal.web.urls")),
    path("accounts/", include("award_portal.accounts.urls")),
    path("office/audit/", include("award_portal.audit.urls")),
    path("office/calendar/", include("award_portal.workdays.urls")),
    path("rules/", include("award_portal.rules.urls")),
    path("notifications/", include("award_portal.notifications.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("", include("applications.urls")),
    path("review/", include("review.urls")),
    path("", include("publicity.urls")),
    path("admin/", admin.site.urls),
]
