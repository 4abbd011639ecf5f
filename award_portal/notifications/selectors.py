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
