from django.urls import path

from .views import dashboards, public

app_name = "web"

urlpatterns = [
    path("", public.HomeView.as_view(), name="home"),
    path("preferences/", public.PreferencesView.as_view(), name="preferences"),
    path("dashboard/", dashboards.DashboardView.as_view(), name="dashboard"),
    path("office/system/", dashboards.SystemStatusView.as_view(), name="system-status"),
]
