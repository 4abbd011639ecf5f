"""The audit trail for the office and the auditor (DESIGN §9)."""

import csv

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views import View
from django_filters.views import FilterView

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..enums import Action
from ..filters import AuditEventFilter
from ..selectors import auditevent_list_for_reviewers
from ..services import audit_record


class AuditAccessMixin(RolePermissionRequiredMixin):
    permission_required = "audit.view_auditevent"


class AuditEventListView(AuditAccessMixin, FilterView):
    filterset_class = AuditEventFilter
    template_name = "audit/reviewers/auditevent_list.html"
    paginate_by = 50
    strict = False  # an invalid filter shows its message and the unfiltered list

    def get_queryset(self):
        return auditevent_list_for_reviewers()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


def _cell(value) -> str:
    """Defuse spreadsheet formulas: a cell that starts with = + - @ is shown as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class AuditEventExportView(AuditAccessMixin, View):
    """The filtered trail as CSV (UTF-8 with BOM, so Excel opens Chinese correctly)."""

    max_rows = 50_000

    def get(self, request):
        filterset = AuditEventFilter(request.GET, queryset=auditevent_list_for_reviewers())
        rows = filterset.qs[: self.max_rows] if filterset.is_valid() else []
        with transaction.atomic():
            audit_record(
                action=Action.AUDIT_EXPORTED,
                actor=request.user,
                request=request,
                details={"filters": {k: v for k, v in request.GET.items() if v}},
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "time",
                "actor",
                "role",
                "action",
                "outcome",
                "target_type",
                "target_id",
                "target",
                "source_ip",
                "details",
            ]
        )
        for event in rows:
            writer.writerow(
                [
                    _cell(value)
                    for value in (
                        timezone.localtime(event.occurred_at).isoformat(),
                        event.actor_label,
                        event.actor_role,
                        event.action,
                        event.outcome,
                        event.target_type.model if event.target_type else "",
                        event.target_id,
                        event.target_label,
                        event.source_ip or "",
                        event.details,
                    )
                ]
            )
        return response
