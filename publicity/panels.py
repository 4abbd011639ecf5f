"""What the second half of the flow adds to the core's navigation and dashboards, and to
the round's hub (the stages public comment, vote, publicity, approval and award)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from award_portal.documents.chinese import shown_day, shown_moment
from award_portal.web.navigation import ROUNDS, WORKBENCH, NavItem
from award_portal.web.registry import Panel


def _working_group(request) -> dict:
    from .group_selectors import memberships_of, round_context

    return {"rounds": [round_context(member) for member in memberships_of(request.user)]}


def _fund_reports(request) -> dict:
    from .views.supervision import winner_panel

    return winner_panel(request)


def _public(request) -> dict:
    from .selectors import public_overview

    return public_overview()


def _winner(request) -> dict:
    """The applicant's titles with their status on today (valid / expired / revoked,
    from the dates: Art. 3) and any revocation case it may answer."""
    from applications.selectors import dossier_list_for_applicant

    from .models import Award, RevocationCase

    today = timezone.localdate()
    awards = list(
        Award.objects.filter(dossier__in=dossier_list_for_applicant(request.user).values("pk"))
        .select_related("cycle")
        .order_by("-award_year", "id")
    )
    for award in awards:
        award.status = award.status_on(today)
        award.status_day = award.revoked_on if award.status == "revoked" else award.valid_until
    cases = list(
        RevocationCase.objects.filter(award__in=awards).select_related("award").order_by("-id")
    )
    return {"awards": awards, "cases": cases}


NAV = [
    NavItem(_("Deliberation"), "publicity:group-home", WORKBENCH, "publicity.view_meeting"),
    # public pages, after the calls in the award's own order
    NavItem(_("Results under comment"), "publicity:results-list", ROUNDS, public=True, order=55),
    NavItem(
        pgettext_lazy("navigation", "Publicity"),
        "publicity:publicity-list",
        ROUNDS,
        public=True,
        order=56,
    ),
    NavItem(_("Winners"), "publicity:winners", ROUNDS, public=True, order=57),
    NavItem(_("Certificate check"), "publicity:verify", ROUNDS, public=True, order=58),
    # supervision after the award (Art. 24, 33): the office and the auditor
    NavItem(
        _("Supervision of winners"),
        "publicity:supervision",
        WORKBENCH,
        "applications.view_cycle",
        order=60,
    ),
    # issue 10: revocation (Art. 28, 29) and bans (Art. 12(4))
    NavItem(
        _("Revocations and bans"),
        "publicity:revocations",
        ROUNDS,
        "applications.view_cycle",
        order=59,
    ),
    NavItem(
        _("Notices of revocation"), "publicity:revocation-notices", ROUNDS, public=True, order=60
    ),
    NavItem(_("Statistics"), "publicity:statistics", ROUNDS, "publicity.view_statistics", order=60),
]

PANELS = [
    ("working_group", Panel("publicity/group/_panel.html", _working_group)),
    ("public", Panel("publicity/panels/public.html", _public)),
    ("applicant", Panel("publicity/panels/winner.html", _winner)),
    ("applicant", Panel("publicity/supervision/_winner_panel.html", _fund_reports)),
]


# --- the round's hub ------------------------------------------------------------------------
def _day(value):
    return timezone.localdate(value) if value is not None else None


def _days_left(calendar, today, last):
    """Working days after ``today`` up to ``last``, or the calendar's own message when a
    year on the way has no confirmed schedule."""
    from award_portal.workdays.engine import ScheduleUnknown

    try:
        return calendar.between(today, last)
    except ScheduleUnknown as error:
        return error.message


def publicity_stages(cycle, stages, today, calendar) -> None:
    """The hub's stages after the review: their real dates once they happened, the
    working-day clocks, what waits, and where the office's work and the public pages are."""
    from applications.enums import CycleState

    if cycle.state == CycleState.DRAFT:
        return
    _comment_stage(cycle, stages["comment"], today, calendar)
    _vote_stage(cycle, stages["vote"])
    _publicity_stage(cycle, stages["publicity"], today, calendar)
    _approval_stage(cycle, stages["approval"])
    _award_stage(cycle, stages["award"])
    if "supervision" in stages:
        _supervision_stage(cycle, stages["supervision"], today)
        _archive_link(cycle, stages["supervision"])


def _comment_stage(cycle, stage, today, calendar) -> None:
    from applications.enums import CycleState

    from .models import Comment, ResultsNotice
    from .services.comment import under_verification

    notice = ResultsNotice.objects.filter(cycle=cycle).first()
    if notice is not None and notice.is_published:
        stage.start = notice.comment_first_day or _day(notice.published_at)
        stage.end = _day(notice.comment_closed_at) or notice.comment_earliest_close
        stage.planned = notice.comment_closed_at is None
        if notice.comment_earliest_close is None and notice.comment_closed_at is None:
            from award_portal.workdays.engine import ScheduleUnknown

            from .services.comment import comment_window

            try:
                comment_window(notice, calendar=calendar)
            except ScheduleUnknown as error:
                stage.pending = error.message
        comments = Comment.objects.filter(notice=notice)
        received = comments.count()
        unweighed = comments.filter(weighings__isnull=True).count()
        verifying = under_verification(notice).count()
        if notice.is_open:
            if notice.comment_earliest_close and today <= notice.comment_earliest_close:
                n = _days_left(calendar, today, notice.comment_earliest_close)
                stage.clock = (
                    n
                    if isinstance(n, str)
                    else ngettext(
                        "The comment period lasts at least until %(date)s 24:00: %(n)s "
                        "working day left.",
                        "The comment period lasts at least until %(date)s 24:00: %(n)s "
                        "working days left.",
                        n,
                    )
                    % {"date": shown_day(notice.comment_earliest_close), "n": n}
                )
            elif notice.comment_earliest_close:
                stage.clock = str(
                    _(
                        "The minimum period is over: the comment may close once every comment "
                        "is weighed."
                    )
                )
        stage.waiting.append(
            ngettext("%(n)s comment received", "%(n)s comments received", received)
            % {"n": received}
        )
        if unweighed:
            stage.waiting.append(
                ngettext("%(n)s comment to weigh", "%(n)s comments to weigh", unweighed)
                % {"n": unweighed}
            )
        if verifying:
            stage.waiting.append(
                ngettext(
                    "%(n)s comment under verification, not decided yet",
                    "%(n)s comments under verification, not decided yet",
                    verifying,
                )
                % {"n": verifying}
            )
    elif cycle.state == CycleState.EXPERT_REVIEW:
        stage.waiting.append(
            str(_("The notice of the results is drafted, not published"))
            if notice is not None
            else str(_("No notice of the results drafted yet"))
        )
    if cycle.state in (CycleState.ANNOUNCED, CycleState.QUALIFICATION, CycleState.CANCELLED):
        return
    stage.links.append(
        (str(_("Notice of the results")), reverse("publicity:notice", args=[cycle.pk]))
    )
    if notice is not None and notice.is_published:
        stage.links.append((str(_("Comments")), reverse("publicity:comments", args=[cycle.pk])))
        stage.links.append(
            (str(_("Public results page")), reverse("publicity:results", args=[cycle.pk]))
        )


def _vote_stage(cycle, stage) -> None:
    from applications.enums import CycleState

    from .enums import MeetingState, Position
    from .group_selectors import meeting_of
    from .models import GroupMember, RankingEntry

    reached = cycle.state not in (
        CycleState.ANNOUNCED,
        CycleState.QUALIFICATION,
        CycleState.EXPERT_REVIEW,
        CycleState.PUBLIC_COMMENT,
        CycleState.CANCELLED,
    )
    if cycle.comment_closed_at:
        stage.start = _day(cycle.comment_closed_at)
    meeting = meeting_of(cycle)
    if meeting is not None:
        stage.end = _day(meeting.closed_at or meeting.held_on)
        stage.planned = meeting.state != MeetingState.CLOSED
    if cycle.state == CycleState.GROUP_VOTE:
        if not RankingEntry.objects.filter(cycle=cycle, superseded_at__isnull=True).exists():
            stage.waiting.append(str(_("The ranking is not saved yet")))
        elif not hasattr(cycle, "candidate_list"):
            stage.waiting.append(str(_("The candidate list is not submitted to the group yet")))
        members = GroupMember.objects.filter(cycle=cycle, until__isnull=True)
        count = members.count()
        stage.waiting.append(
            ngettext("%(n)s member on the roster", "%(n)s members on the roster", count)
            % {"n": count}
        )
        if count and not members.filter(position=Position.LEADER).exists():
            stage.waiting.append(str(_("The group has no leader on the roster")))
        if meeting is None:
            stage.waiting.append(str(_("No meeting scheduled")))
        elif meeting.state == MeetingState.SCHEDULED:
            stage.waiting.append(
                str(_("Meeting scheduled for %(when)s")) % {"when": shown_moment(meeting.held_on)}
            )
        elif meeting.state == MeetingState.OPEN:
            open_ballots = meeting.ballots.filter(closed_at__isnull=True).count()
            stage.waiting.append(
                ngettext(
                    "The meeting is in session: %(n)s ballot open",
                    "The meeting is in session: %(n)s ballots open",
                    open_ballots,
                )
                % {"n": open_ballots}
            )
        else:
            stage.waiting.append(
                str(_("The meeting has closed: the decided list can be publicised"))
            )
    if not reached and cycle.state != CycleState.PUBLIC_COMMENT:
        return
    stage.links.append((str(_("Ranking")), reverse("publicity:ranking", args=[cycle.pk])))
    stage.links.append((str(_("Working group")), reverse("publicity:roster", args=[cycle.pk])))
    if reached:
        stage.links.append((str(_("Meeting")), reverse("publicity:meeting", args=[cycle.pk])))
    if hasattr(cycle, "candidate_list"):
        stage.links.append(
            (str(_("Review report (PDF)")), reverse("publicity:report-pdf", args=[cycle.pk]))
        )
        stage.links.append(
            (str(_("Candidate list (PDF)")), reverse("publicity:list-pdf", args=[cycle.pk]))
        )
    if meeting is not None and meeting.minutes_id:
        stage.links.append(
            (str(_("Minutes (PDF)")), reverse("publicity:minutes-pdf", args=[meeting.pk]))
        )


def _publicity_stage(cycle, stage, today, calendar) -> None:
    from .enums import ObjectionState
    from .models import PublicityNotice

    notice = PublicityNotice.objects.filter(cycle=cycle).first()
    if notice is None:
        return
    stage.start, stage.end, stage.planned = notice.first_day, notice.last_day, False
    if notice.ended_at is None:
        if today <= notice.last_day:
            n = _days_left(calendar, today, notice.last_day)
            stage.clock = (
                n
                if isinstance(n, str)
                else ngettext(
                    "Objections are taken until %(date)s 24:00: %(n)s working day left.",
                    "Objections are taken until %(date)s 24:00: %(n)s working days left.",
                    n,
                )
                % {"date": shown_day(notice.last_day), "n": n}
            )
        else:
            stage.clock = str(
                _("The period is over: the publicity ends once every objection is decided.")
            )
    objections = notice.objections.all()
    received = objections.count()
    undecided = objections.exclude(
        state__in=[ObjectionState.FOUNDED, ObjectionState.UNFOUNDED]
    ).count()
    awaiting_group = objections.filter(
        state=ObjectionState.FOUNDED, group_decision__isnull=True
    ).count()
    stage.waiting.append(
        ngettext("%(n)s objection received", "%(n)s objections received", received)
        % {"n": received}
    )
    if undecided:
        stage.waiting.append(
            ngettext("%(n)s objection to decide", "%(n)s objections to decide", undecided)
            % {"n": undecided}
        )
    if awaiting_group:
        stage.waiting.append(
            ngettext(
                "%(n)s founded objection awaits the working group",
                "%(n)s founded objections await the working group",
                awaiting_group,
            )
            % {"n": awaiting_group}
        )
    stage.links.append(
        (str(_("Publicity and objections")), reverse("publicity:publicity-office", args=[cycle.pk]))
    )
    stage.links.append((str(_("Public notice")), reverse("publicity:publicity", args=[cycle.pk])))


def _approval_stage(cycle, stage) -> None:
    from applications.enums import CycleState

    from .models import Approval

    if cycle.publicity_ended_at:
        stage.start = _day(cycle.publicity_ended_at)
    approval = Approval.objects.filter(cycle=cycle).first()
    if approval is not None:
        stage.end, stage.planned = approval.approved_on, False
        stage.waiting.append(
            str(_("Approved on %(date)s (%(number)s)"))
            % {"date": shown_day(approval.approved_on), "number": approval.document_number}
        )
    elif cycle.state == CycleState.APPROVAL:
        stage.waiting.append(str(_("Waiting for the city government's approval")))
    if cycle.state in (CycleState.APPROVAL, CycleState.AWARDED):
        stage.links.append(
            (str(_("Government approval")), reverse("publicity:approval", args=[cycle.pk]))
        )


def _award_stage(cycle, stage) -> None:
    from applications.enums import CycleState

    from .models import Award

    if cycle.state != CycleState.AWARDED:
        return
    awards = list(Award.objects.filter(cycle=cycle).select_related("prize"))
    if awards:
        stage.start, stage.planned = awards[0].valid_from, False
    stage.waiting.append(
        ngettext("%(n)s certificate issued", "%(n)s certificates issued", len(awards))
        % {"n": len(awards)}
    )
    plaques = sum(1 for a in awards if a.plaque_delivered_on is None)
    if plaques:
        stage.waiting.append(
            ngettext("%(n)s plaque to deliver", "%(n)s plaques to deliver", plaques)
            % {"n": plaques}
        )
    unpaid = [a.prize for a in awards if hasattr(a, "prize") and a.prize.paid_on is None]
    if unpaid:
        stage.waiting.append(
            ngettext(
                "%(n)s prize to pay from the %(year)s budget",
                "%(n)s prizes to pay from the %(year)s budget",
                len(unpaid),
            )
            % {"n": len(unpaid), "year": unpaid[0].budget_year}
        )
    stage.links.append(
        (str(_("Awards and certificates")), reverse("publicity:awards", args=[cycle.pk]))
    )
    stage.links.append((str(_("Public winners list")), reverse("publicity:winners")))


def _supervision_stage(cycle, stage, today) -> None:
    """Fund reports (Art. 24) and follow-up visits (Art. 33) of the round's winners."""
    from applications.enums import CycleState

    from .models import Award, FundReport, VisitFinding
    from .models.supervision import FundReportState

    if cycle.state != CycleState.AWARDED:
        return
    awards = Award.objects.filter(cycle=cycle)
    if not hasattr(cycle, "fund_schedule") and awards.filter(prize__isnull=False).exists():
        stage.waiting.append(str(_("The prize-fund report schedule is not set yet")))
    reports = FundReport.objects.filter(award__cycle=cycle)
    waiting = reports.filter(state=FundReportState.SUBMITTED).count()
    if waiting:
        stage.waiting.append(
            ngettext("%(n)s fund report to evaluate", "%(n)s fund reports to evaluate", waiting)
            % {"n": waiting}
        )
    overdue = reports.filter(
        state__in=[FundReportState.DRAFT, FundReportState.CORRECTION],
        deadline__due_date__lt=today,
    ).count()
    if overdue:
        stage.waiting.append(
            ngettext("%(n)s fund report overdue", "%(n)s fund reports overdue", overdue)
            % {"n": overdue}
        )
    findings = VisitFinding.objects.filter(visit__award__cycle=cycle, closed_on__isnull=True)
    open_findings = findings.count()
    if open_findings:
        stage.waiting.append(
            ngettext("%(n)s visit finding open", "%(n)s visit findings open", open_findings)
            % {"n": open_findings}
        )
    stage.links.append(
        (str(_("Prize-fund reports")), reverse("publicity:round-fund", args=[cycle.pk]))
    )
    stage.links.append((str(_("Winners under supervision")), reverse("publicity:supervision")))


def _archive_link(cycle, stage) -> None:
    """Art. 27: once awarded, the round's archive is one click away."""
    from applications.enums import CycleState
    from award_portal.documents.templatetags.official import day

    from .models import ArchiveState, RoundArchive

    if cycle.state != CycleState.AWARDED:
        return
    latest = RoundArchive.objects.filter(cycle=cycle).exclude(state=ArchiveState.FAILED).first()
    if latest is None:
        stage.waiting.append(str(_("The round's archive has not been built yet")))
    elif latest.in_progress:
        stage.waiting.append(str(_("The round's archive is being built")))
    else:
        stage.waiting.append(
            str(_("The round's archive was built on %(date)s"))
            % {"date": day(timezone.localdate(latest.finished_at))}
        )
    stage.links.append(
        (str(_("Archive of the round")), reverse("publicity:archive", args=[cycle.pk]))
    )
