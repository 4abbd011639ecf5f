"""Log-ins, failed log-ins and log-outs go to the audit trail (DESIGN §9).

These are receivers of Django's own authentication signals, not domain flow.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from award_portal.audit.enums import Action, Outcome
from award_portal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # The password is never kept; Django already masks it in ``credentials``.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action=Action.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        request=request,
        actor_label=username,
        details={"username": username},
    )


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is None:  # the session had already expired
        return
    audit_record(action=Action.LOGOUT, actor=user, target=user, request=request)
