from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat


def heartbeat_list() -> list[Heartbeat]:
    return list(Heartbeat.objects.all()[:20])


def worker_is_alive() -> bool:
    """True when some worker beat within three heartbeat periods."""
    period = settings.CELERY_BEAT_SCHEDULE["system-heartbeat"]["schedule"]
    since = timezone.now() - timedelta(seconds=3 * period)
    return Heartbeat.objects.filter(seen_at__gte=since).exists()
