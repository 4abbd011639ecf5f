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
    LOGIN_REFUSED = (
        "auth.login_refused",
        pgettext_lazy("audit action", "Log-in refused after repeated failures"),
    )
    LOGOUT = "auth.logout", pgettext_lazy("audit action", "Log-out")
    PASSWORD_RESET_REQUESTED = (
        "auth.password_reset_requested",
        pgettext_lazy("audit action", "Password reset e-mail requested"),
    )
    CONFIRMATION_REQUESTED = (
        "account.confirmation_requested",
        pgettext_lazy("audit action", "Confirmation e-mail requested again"),
    )
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
    DOSSIER_DRAFT_SAVED = (
        "dossier.draft_saved",
        pgettext_lazy("audit action", "Draft answers saved"),
    )
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
    FILE_REMOVED = "file.removed", pgettext_lazy("audit action", "Draft file removed")
    DOSSIER_WITHDRAWN = "dossier.withdrawn", pgettext_lazy("audit action", "Application withdrawn")
    QUALIFICATION_LAPSED = (
        "qualification.lapsed",
        pgettext_lazy("audit action", "Not qualified: no complete supplement in time"),
    )
    CHECKLIST_SAVED = "qualification.checklist", pgettext_lazy("audit action", "Checklist saved")
    MEMBER_INVITED = (
        "organisation.member_invited",
        pgettext_lazy("audit action", "Colleague invited"),
    )
    MEMBER_JOINED = "organisation.member_joined", pgettext_lazy("audit action", "Colleague joined")
    MEMBER_DECLINED = (
        "organisation.member_declined",
        pgettext_lazy("audit action", "Colleague declined the invitation"),
    )
    INVITATION_ACCEPTED = (
        "mobiliser.invitation_accepted",
        pgettext_lazy("audit action", "Invitation taken up"),
    )
    REVIEW_STARTED = "dossier.review_started", pgettext_lazy("audit action", "Expert review began")
    REVIEW_CONCLUDED = (
        "dossier.review_concluded",
        pgettext_lazy("audit action", "Expert review concluded"),
    )
    DOSSIER_TRANSITION = (
        "dossier.transition",
        pgettext_lazy("audit action", "Application moved to its next stage"),
    )
    # review/ (Art. 8, 13, 17, 18, 25, 26, 30)
    AGENCY_SAVED = "review.agency_saved", pgettext_lazy("audit action", "Review agency saved")
    ENGAGEMENT_SAVED = (
        "review.engagement_saved",
        pgettext_lazy("audit action", "Agency engagement recorded"),
    )
    EXPERT_SAVED = "review.expert_saved", pgettext_lazy("audit action", "Expert saved")
    CRITERIA_SAVED = "review.criteria_saved", pgettext_lazy("audit action", "Criteria set saved")
    PLAN_SAVED = "review.plan_saved", pgettext_lazy("audit action", "Review plan saved")
    PLAN_FROZEN = "review.plan_frozen", pgettext_lazy("audit action", "Review plan frozen")
    STAGE_OPENED = "review.stage_opened", pgettext_lazy("audit action", "Review stage opened")
    STAGE_CLOSED = "review.stage_closed", pgettext_lazy("audit action", "Review stage closed")
    PANEL_SAVED = "review.panel_saved", pgettext_lazy("audit action", "Panel saved")
    MEMBER_INVITED_TO_PANEL = (
        "review.member_invited",
        pgettext_lazy("audit action", "Expert invited to a panel"),
    )
    MEMBER_ANSWERED = (
        "review.member_answered",
        pgettext_lazy("audit action", "Expert answered a panel invitation"),
    )
    DOSSIER_ASSIGNED = (
        "review.dossier_assigned",
        pgettext_lazy("audit action", "Dossier assigned to a panel"),
    )
    DOSSIER_UNASSIGNED = (
        "review.dossier_unassigned",
        pgettext_lazy("audit action", "Dossier taken from a panel"),
    )
    ACTING_LEADER_NAMED = (
        "review.acting_leader_named",
        pgettext_lazy("audit action", "Acting panel leader named for a dossier"),
    )
    PANEL_RENAMED = "review.panel_renamed", pgettext_lazy("audit action", "Panel renamed")
    PANEL_DELETED = "review.panel_deleted", pgettext_lazy("audit action", "Panel deleted")
    CONFLICT_DECLARED = (
        "review.conflict_declared",
        pgettext_lazy("audit action", "Conflict of interest declared"),
    )
    CONFLICT_FLAGGED = (
        "review.conflict_flagged",
        pgettext_lazy("audit action", "Likely conflict flagged"),
    )
    CONFLICT_RESOLVED = (
        "review.conflict_resolved",
        pgettext_lazy("audit action", "Likely conflict resolved"),
    )
    RECUSED = "review.recused", pgettext_lazy("audit action", "Expert recused")
    REVOKE = "permission.revoked", pgettext_lazy("audit action", "Access revoked")
    SHEET_SAVED = "review.sheet_saved", pgettext_lazy("audit action", "Score sheet saved")
    SHEET_SUBMITTED = (
        "review.sheet_submitted",
        pgettext_lazy("audit action", "Score sheet submitted"),
    )
    SHEET_RETURNED = (
        "review.sheet_returned",
        pgettext_lazy("audit action", "Score sheet returned"),
    )
    RESULT_CONFIRMED = (
        "review.result_confirmed",
        pgettext_lazy("audit action", "Panel result confirmed"),
    )
    RESULT_REOPENED = (
        "review.result_reopened",
        pgettext_lazy("audit action", "Panel result reopened"),
    )
    VISIT_SAVED = "review.visit_saved", pgettext_lazy("audit action", "On-site visit scheduled")
    FINDING_RECORDED = (
        "review.finding_recorded",
        pgettext_lazy("audit action", "On-site finding recorded"),
    )
    SLOT_SAVED = "review.slot_saved", pgettext_lazy("audit action", "Defence slot scheduled")
    SLOT_CONFIRMED = (
        "review.slot_confirmed",
        pgettext_lazy("audit action", "Defence slot confirmed"),
    )
    FEEDBACK_RELEASED = (
        "review.feedback_released",
        pgettext_lazy("audit action", "Feedback report released"),
    )
    CONDUCT_RATED = "review.conduct_rated", pgettext_lazy("audit action", "Conduct rated")
    MISCONDUCT_CLOSED = (
        "review.misconduct_closed",
        pgettext_lazy("audit action", "Misconduct case closed"),
    )
    REVIEW_EXPORTED = "review.exported", pgettext_lazy("audit action", "Review data exported")
    # publicity/ (Art. 19-23, 27)
    NOTICE_SAVED = "publicity.notice_saved", pgettext_lazy("audit action", "Results notice saved")
    NOTICE_PUBLISHED = (
        "publicity.notice_published",
        pgettext_lazy("audit action", "Review results published"),
    )
    COMMENT_RECEIVED = (
        "publicity.comment_received",
        pgettext_lazy("audit action", "Public comment received"),
    )
    COMMENT_WEIGHED = "publicity.comment_weighed", pgettext_lazy("audit action", "Comment weighed")
    COMMENT_OPENED = (
        "publicity.comment_opened",
        pgettext_lazy("audit action", "Comment or objection read"),
    )
    RANKING_SAVED = "publicity.ranking_saved", pgettext_lazy("audit action", "Ranking saved")
    CANDIDATES_SUBMITTED = (
        "publicity.candidates_submitted",
        pgettext_lazy("audit action", "Candidate list submitted to the working group"),
    )
    GROUP_CHANGED = (
        "publicity.group_changed",
        pgettext_lazy("audit action", "Working-group roster changed"),
    )
    MEMBER_RECUSED = (
        "publicity.member_recused",
        pgettext_lazy("audit action", "Working-group member recused"),
    )
    MEETING_SAVED = "publicity.meeting_saved", pgettext_lazy("audit action", "Meeting scheduled")
    MEETING_OPENED = "publicity.meeting_opened", pgettext_lazy("audit action", "Meeting opened")
    ATTENDANCE_RECORDED = (
        "publicity.attendance",
        pgettext_lazy("audit action", "Attendance recorded"),
    )
    VOTE_CAST = "publicity.vote_cast", pgettext_lazy("audit action", "Vote cast")
    BALLOT_OPENED = (
        "publicity.ballot_opened",
        pgettext_lazy("audit action", "Second ballot opened"),
    )
    MEETING_CLOSED = "publicity.meeting_closed", pgettext_lazy("audit action", "Meeting closed")
    PUBLICITY_PUBLISHED = (
        "publicity.published",
        pgettext_lazy("audit action", "Proposed winners publicised"),
    )
    CODE_SENT = (
        "publicity.code_sent",
        pgettext_lazy("audit action", "One-time code sent to a commenter or objector"),
    )
    OBJECTION_FILED = (
        "publicity.objection_filed",
        pgettext_lazy("audit action", "Objection received"),
    )
    OBJECTION_STEP = (
        "publicity.objection_step",
        pgettext_lazy("audit action", "Objection investigation step"),
    )
    OBJECTION_DECIDED = (
        "publicity.objection_decided",
        pgettext_lazy("audit action", "Objection decided"),
    )
    GROUP_DECIDED = (
        "publicity.group_decided",
        pgettext_lazy("audit action", "Working group decided on an objection"),
    )
    PUBLICITY_ENDED = "publicity.ended", pgettext_lazy("audit action", "Publicity ended")
    APPROVAL_RECORDED = (
        "publicity.approval_recorded",
        pgettext_lazy("audit action", "Government approval recorded"),
    )
    AWARD_GRANTED = "publicity.award_granted", pgettext_lazy("audit action", "Award granted")
    CERTIFICATE_CHECKED = (
        "publicity.certificate_checked",
        pgettext_lazy("audit action", "Certificate number checked (public)"),
    )
    CERTIFICATE_DOWNLOADED = (
        "publicity.certificate_downloaded",
        pgettext_lazy("audit action", "Certificate downloaded"),
    )
    PLAQUE_DELIVERED = (
        "publicity.plaque_delivered",
        pgettext_lazy("audit action", "Plaque delivery recorded"),
    )
    PRIZE_PAID = "publicity.prize_paid", pgettext_lazy("audit action", "Prize payment recorded")
    # supervision after the award (issue 10: prize-fund reports, follow-up visits)
    FUND_SCHEDULE_SET = (
        "publicity.fund_schedule_set",
        pgettext_lazy("audit action", "Prize-fund report schedule set"),
    )
    FUND_REPORT_SAVED = (
        "publicity.fund_report_saved",
        pgettext_lazy("audit action", "Prize-fund report draft saved"),
    )
    FUND_EVIDENCE_ADDED = (
        "publicity.fund_evidence_added",
        pgettext_lazy("audit action", "Prize-fund evidence file added"),
    )
    FUND_EVIDENCE_REMOVED = (
        "publicity.fund_evidence_removed",
        pgettext_lazy("audit action", "Prize-fund evidence file removed"),
    )
    FUND_REPORT_SUBMITTED = (
        "publicity.fund_report_submitted",
        pgettext_lazy("audit action", "Prize-fund report submitted"),
    )
    FUND_REPORT_EVALUATED = (
        "publicity.fund_report_evaluated",
        pgettext_lazy("audit action", "Prize-fund report evaluated"),
    )
    FUND_CORRECTION_REQUESTED = (
        "publicity.fund_correction_requested",
        pgettext_lazy("audit action", "Correction of a prize-fund report requested"),
    )
    VISIT_PLANNED = (
        "publicity.visit_planned",
        pgettext_lazy("audit action", "Follow-up visit planned"),
    )
    VISIT_RECORDED = (
        "publicity.visit_recorded",
        pgettext_lazy("audit action", "Follow-up visit recorded"),
    )
    FINDING_CLOSED = (
        "publicity.finding_closed",
        pgettext_lazy("audit action", "Visit finding closed"),
    )
    # issue 10: revocation, recovery and bans (Art. 12(4), 28, 29)
    BAN_RECORDED = (
        "applicant.ban_recorded",
        pgettext_lazy("audit action", "Ban on applying recorded"),
    )
    REVOCATION_OPENED = (
        "publicity.revocation_opened",
        pgettext_lazy("audit action", "Revocation case opened"),
    )
    REVOCATION_EVIDENCE = (
        "publicity.revocation_evidence",
        pgettext_lazy("audit action", "Evidence added to a revocation case"),
    )
    REVOCATION_STATEMENT = (
        "publicity.revocation_statement",
        pgettext_lazy("audit action", "Winner's statement received"),
    )
    REVOCATION_PROPOSED = (
        "publicity.revocation_proposed",
        pgettext_lazy("audit action", "Revocation proposed to the city government"),
    )
    REVOCATION_DECIDED = (
        "publicity.revocation_decided",
        pgettext_lazy("audit action", "City government's decision on a revocation recorded"),
    )
    RECOVERY_RECORDED = (
        "publicity.recovery_recorded",
        pgettext_lazy("audit action", "Recovery after a revocation recorded"),
    )
    REVOCATION_CLOSED = (
        "publicity.revocation_closed",
        pgettext_lazy("audit action", "Revocation case closed: recovery complete"),
    )
    # issue 10: the round's archive (Art. 27) and the statistics (Art. 6)
    ARCHIVE_REQUESTED = (
        "publicity.archive_requested",
        pgettext_lazy("audit action", "Round archive requested"),
    )
    ARCHIVE_BUILT = "publicity.archive_built", pgettext_lazy("audit action", "Round archive built")
    ARCHIVE_FAILED = (
        "publicity.archive_failed",
        pgettext_lazy("audit action", "Round archive build failed"),
    )
    ARCHIVE_DOWNLOADED = (
        "publicity.archive_downloaded",
        pgettext_lazy("audit action", "Round archive downloaded"),
    )
    STATISTICS_EXPORTED = (
        "publicity.statistics_exported",
        pgettext_lazy("audit action", "Statistics exported"),
    )
