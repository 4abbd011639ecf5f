"""The review's pages, under ``/review/``. Each feature keeps its own URL module."""

from django.urls import path

from award_portal.web import converters  # noqa: F401  (registers <id:...>)

from ..views import home
from . import followup, panels, scoring, setup

app_name = "review"

urlpatterns = [
    path("", home.RoundsView.as_view(), name="home"),
    *setup.urlpatterns,
    *panels.urlpatterns,
    *scoring.urlpatterns,
    *followup.urlpatterns,
]
