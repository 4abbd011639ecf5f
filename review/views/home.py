"""The rounds whose expert review the user may see (office, auditor, engaged agency)."""

from django.views.generic import ListView

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..selectors import cycles_for_review


class RoundsView(RolePermissionRequiredMixin, ListView):
    permission_required = "review.view_reviewplan"
    template_name = "review/home/rounds.html"
    context_object_name = "cycles"

    def get_queryset(self):
        return cycles_for_review(self.request.user).order_by("-announcement_date", "-id")
