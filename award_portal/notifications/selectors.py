from django.db.models import Count

from .models import OutboxMessage, OutboxStatus


def outbox_summary() -> dict:
    """Counts per status and the latest messages, for the office's status panel."""
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "counts": {status: counts.get(status.value, 0) for status in OutboxStatus},
        "failed": counts.get(OutboxStatus.FAILED.value, 0),
        "latest": list(OutboxMessage.objects.all()[:10]),
    }


def notification_list_for_user(*, user):
    from .models import Notification

    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    from .models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
