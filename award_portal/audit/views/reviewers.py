"""The audit trail for the office and the auditor (DESIGN §9)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.documents.spreadsheets import csv_response, xlsx_response

from ..filters import AuditEventFilter
from ..formatting import export_header, export_rows
from ..selectors import auditevent_list_for_reviewers
from ..services import auditevent_export_record


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


class AuditEventExportView(AuditAccessMixin, View):
    """The filtered trail as CSV (UTF-8 with a byte-order mark, so Excel opens Chinese
    correctly) or as an Excel workbook, with headers and labels in the active language.
    Every text cell is written formula-safe; the export itself is an audit event."""

    export_format = "csv"
    max_rows = 50_000

    def get(self, request):
        filterset = AuditEventFilter(request.GET, queryset=auditevent_list_for_reviewers())
        events = list(filterset.qs[: self.max_rows]) if filterset.is_valid() else []
        auditevent_export_record(
            actor=request.user,
            export_format=self.export_format,
            filters={key: value for key, value in request.GET.items() if value},
            rows=len(events),
            request=request,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if self.export_format == "xlsx":
            title = _("Audit trail")
            return xlsx_response(
                filename=f"audit-{stamp}.xlsx",
                sheets=[(title, export_header(), export_rows(events))],
                widths={str(title): [20, 16, 14, 22, 8, 14, 10, 28, 16, 60]},
            )
        return csv_response(
            filename=f"audit-{stamp}.csv", header=export_header(), rows=export_rows(events)
        )
