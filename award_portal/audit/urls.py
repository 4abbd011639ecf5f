from django.urls import path

from .views import reviewers

app_name = "audit"

urlpatterns = [
    path("", reviewers.AuditEventListView.as_view(), name="auditevent-list"),
    path("export.csv", reviewers.AuditEventExportView.as_view(), name="auditevent-export"),
    path(
        "export.xlsx",
        reviewers.AuditEventExportView.as_view(export_format="xlsx"),
        name="auditevent-export-xlsx",
    ),
]
