from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent

from .enums import Role
from .models import User


def user_list_for_office(*, role: str | None = None) -> QuerySet[User]:
    """Staff accounts (every role but applicants), with their groups prefetched."""
    users = (
        User.objects.filter(groups__name__in=[r.value for r in Role.staff_roles()])
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name")))
        .order_by("username")
        .distinct()
    )
    if role:
        users = users.filter(groups__name=role)
    return users


def _from_address(events: QuerySet[AuditEvent], source_ip: str | None) -> QuerySet[AuditEvent]:
    return events.filter(source_ip=source_ip) if source_ip else events.filter(source_ip=None)


def _nth_newest(events: QuerySet[AuditEvent], n: int) -> datetime | None:
    times = events.order_by("-occurred_at", "-id").values_list("occurred_at", flat=True)
    return next(iter(times[n - 1 : n]), None)


def login_locked_until(
    *, username: str, source_ip: str | None, now: datetime | None = None
) -> datetime | None:
    """When a log-in as ``username`` from ``source_ip`` is allowed again; None if now.

    Counted from the audit trail (so the limits hold across web processes), over the
    last ``LOGIN_FAILURE_WINDOW_MINUTES``:

    - ``LOGIN_FAILURE_LIMIT`` failed log-ins for this user name (any case) from this
      address since its last successful log-in from there. A stranger guessing the
      office's user name from elsewhere locks only their own address out.
    - ``LOGIN_ADDRESS_FAILURE_LIMIT`` failed log-ins from this address, whatever the user
      names (one address trying many names).

    A lock lifts when the failure that completed the limit leaves the window. Refused
    attempts during a lock are recorded as ``auth.login_refused`` and do not extend it.
    """
    now = now or timezone.now()
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    since = now - window
    failures = _from_address(
        AuditEvent.objects.filter(action=Action.LOGIN_FAILED, occurred_at__gt=since), source_ip
    )
    last_success = _from_address(
        AuditEvent.objects.filter(
            action=Action.LOGIN, actor_label__iexact=username, occurred_at__gt=since
        ),
        source_ip,
    ).aggregate(last=Max("occurred_at"))["last"]
    pair = failures.filter(actor_label__iexact=username)
    if last_success is not None:
        pair = pair.filter(occurred_at__gt=last_success)
    ends = [
        moment + window
        for moment in (
            _nth_newest(pair, settings.LOGIN_FAILURE_LIMIT),
            _nth_newest(failures, settings.LOGIN_ADDRESS_FAILURE_LIMIT),
        )
        if moment is not None
    ]
    return max(ends) if ends else None


def account_emails_requested(*, action: str, email: str, now: datetime | None = None) -> int:
    """How many e-mails of this kind (password reset, confirmation) were asked for this
    address in the last hour, whether or not an account uses it."""
    since = (now or timezone.now()) - timedelta(hours=1)
    return AuditEvent.objects.filter(
        action=action,
        outcome=Outcome.SUCCESS,
        occurred_at__gt=since,
        details__email=email.strip().lower(),
    ).count()
