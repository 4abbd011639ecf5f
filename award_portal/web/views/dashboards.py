"""After log-in every role lands here and sees its own dashboard."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from award_portal.accounts.enums import Role
from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.audit.selectors import auditevent_list_for_reviewers
from award_portal.notifications.selectors import outbox_summary
from award_portal.system.selectors import heartbeat_list, worker_is_alive
from award_portal.web.registry import panels_for
from award_portal.workdays.engine import WorkdayCalendar


class DashboardView(LoginRequiredMixin, TemplateView):
    def get_template_names(self) -> list[str]:
        role = self.request.user.role
        if role is None:
            return ["web/dashboards/no_role.html"]
        return [f"web/dashboards/{role.value}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role"] = user.role
        context["panels"] = [
            (panel.template, panel.context(self.request))
            for panel in panels_for(user.role.value if user.role else "")
        ]
        if user.has_perm("audit.view_auditevent"):
            context["recent_events"] = auditevent_list_for_reviewers()[:8]
        if user.role == Role.OFFICE:
            context["worker_alive"] = worker_is_alive()
            context["outbox"] = outbox_summary()
            next_year = timezone.localdate().year + 1
            context["next_year"] = next_year
            context["next_year_known"] = WorkdayCalendar.load().knows_year(next_year)
        return context


class SystemStatusView(RolePermissionRequiredMixin, TemplateView):
    """Is the background worker alive, and did the e-mails go out?"""

    permission_required = "system.view_heartbeat"
    template_name = "web/office/system_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heartbeats"] = heartbeat_list()
        context["worker_alive"] = worker_is_alive()
        context["outbox"] = outbox_summary()
        return context
