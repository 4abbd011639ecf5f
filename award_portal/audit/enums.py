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
    CYCLE_CREATED = "cycle.created", pgettext_lazy("audit action", "Cycle created")
    CYCLE_CHANGED = "cycle.changed", pgettext_lazy("audit action", "Cycle changed")
    CYCLE_TRANSITION = "cycle.transition", pgettext_lazy("audit action", "Cycle stage changed")
    PROFILE_SAVED = (
        "applicant.profile_saved",
        pgettext_lazy("audit action", "Applicant profile saved"),
    )
    ID_REVEALED = "applicant.id_revealed", pgettext_lazy("audit action", "ID number revealed")
    DOSSIER_CREATED = "dossier.created", pgettext_lazy("audit action", "Dossier started")
    DOSSIER_SUBMITTED = "dossier.submitted", pgettext_lazy("audit action", "Dossier submitted")
    DOSSIER_RESUBMITTED = (
        "dossier.resubmitted",
        pgettext_lazy("audit action", "Supplemented dossier resubmitted"),
    )
    FILE_UPLOADED = "file.uploaded", pgettext_lazy("audit action", "File uploaded")
    FILE_DOWNLOADED = "file.downloaded", pgettext_lazy("audit action", "File downloaded")
    SECRET_FILE_OPENED = (
        "file.secret_opened",
        pgettext_lazy("audit action", "Confidential file opened"),
    )
    CHECK_RECORDED = "qualification.item", pgettext_lazy("audit action", "Checklist item recorded")
    SUPPLEMENT_REQUESTED = (
        "qualification.supplement",
        pgettext_lazy("audit action", "Supplement notice sent"),
    )
    QUALIFICATION_DECIDED = (
        "qualification.decided",
        pgettext_lazy("audit action", "Qualification decided"),
    )
    INVITATION_SENT = "mobiliser.invited", pgettext_lazy("audit action", "Invitation sent")
    GRANT = "permission.granted", pgettext_lazy("audit action", "Access granted")
