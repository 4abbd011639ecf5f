from django.db.models import QuerySet

from .models import AuditEvent


def auditevent_list_for_reviewers() -> QuerySet[AuditEvent]:
    """Every event, newest first, with what the list page shows already joined."""
    return AuditEvent.objects.select_related("actor", "target_type").order_by("-occurred_at", "-id")
