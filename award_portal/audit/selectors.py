from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .enums import Action
from .models import AuditEvent


def auditevent_list_for_reviewers() -> QuerySet[AuditEvent]:
    """Every event, newest first, with what the list page shows already joined."""
    return AuditEvent.objects.select_related("actor", "target_type").order_by("-occurred_at", "-id")


def login_failures_recent(*, username: str, minutes: int) -> int:
    """How many failed log-ins for this user name the trail holds in the last minutes."""
    since = timezone.now() - timedelta(minutes=minutes)
    return AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, actor_label__iexact=username, occurred_at__gte=since
    ).count()
