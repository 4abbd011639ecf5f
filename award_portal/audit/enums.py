from django.db import models
from django.utils.translation import pgettext_lazy


class Outcome(models.TextChoices):
    SUCCESS = "success", pgettext_lazy("audit outcome", "Success")
    FAILURE = "failure", pgettext_lazy("audit outcome", "Failure")
    DENIED = "denied", pgettext_lazy("audit outcome", "Denied")


class Action(models.TextChoices):
    """Every action the audit trail knows. Later features add their own values here."""

    LOGIN = "auth.login", pgettext_lazy("audit action", "Log-in")
    LOGIN_FAILED = "auth.login_failed", pgettext_lazy("audit action", "Failed log-in")
    LOGOUT = "auth.logout", pgettext_lazy("audit action", "Log-out")
    PASSWORD_CHANGED = "auth.password_changed", pgettext_lazy("audit action", "Password changed")
    PASSWORD_RESET = "auth.password_reset", pgettext_lazy("audit action", "Password reset")
    REGISTERED = "account.registered", pgettext_lazy("audit action", "Applicant registered")
    EMAIL_CONFIRMED = "account.email_confirmed", pgettext_lazy("audit action", "E-mail confirmed")
    STAFF_CREATED = "account.staff_created", pgettext_lazy("audit action", "Staff account created")
    DEACTIVATED = "account.deactivated", pgettext_lazy("audit action", "Account deactivated")
    REACTIVATED = "account.reactivated", pgettext_lazy("audit action", "Account reactivated")
    AUDIT_EXPORTED = "audit.exported", pgettext_lazy("audit action", "Audit trail exported")
    SCHEDULE_SAVED = (
        "calendar.schedule_saved",
        pgettext_lazy("audit action", "Holiday schedule saved"),
    )
    SCHEDULE_CONFIRMED = (
        "calendar.schedule_confirmed",
        pgettext_lazy("audit action", "Holiday schedule confirmed"),
    )
    DEADLINES_RECHECKED = (
        "calendar.deadlines_rechecked",
        pgettext_lazy("audit action", "Stored deadlines recomputed"),
    )
    EDITION_CREATED = (
        "rules.edition_created",
        pgettext_lazy("audit action", "Rulebook edition created"),
    )
    EDITION_CHANGED = (
        "rules.edition_changed",
        pgettext_lazy("audit action", "Rulebook edition changed"),
    )
    PLAN_EXPORTED = "rules.plan_exported", pgettext_lazy("audit action", "Cycle plan exported")
