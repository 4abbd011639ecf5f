"""What happened to an application after the expert review, as its applicant is told
(Art. 19–23): the results published, the candidate list, the working group's decision,
the publicity, decisions on objections concerning it, the approval, the award.

The same facts as the e-mails and in-app notifications of these steps. An objection
appears by its dates and outcome only: never who objected or what they wrote.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.enums import DossierState
from award_portal.documents.templatetags.official import day

from .enums import MeetingState, ObjectionState
from .models import Decision, NoticeEntry, RankingEntry


def _step(when, title: str, text: str = "", url: str = "", link: str = "") -> dict:
    return {"when": when, "title": title, "text": text, "url": url, "link": link}


def dossier_progress(dossier) -> list[dict]:
    if dossier.state in (
        DossierState.DRAFT,
        DossierState.SUBMITTED,
        DossierState.SUPPLEMENT_REQUESTED,
        DossierState.QUALIFIED,
        DossierState.NOT_QUALIFIED,
        DossierState.UNDER_REVIEW,
    ):
        return []
    cycle = dossier.cycle
    steps = []
    entry = (
        NoticeEntry.objects.filter(dossier=dossier, notice__published_at__isnull=False)
        .select_related("notice__document")
        .first()
    )
    if entry is not None:
        notice = entry.notice
        if notice.comment_closed_at:
            text = _("Notice %(number)s. The public comment period closed on %(closed)s.") % {
                "number": notice.document.number,
                "closed": _page_day(notice.comment_closed_at),
            }
        elif notice.comment_earliest_close:
            text = _(
                "Notice %(number)s. The public is asked for comments; the period lasts at "
                "least until %(last)s 24:00."
            ) % {"number": notice.document.number, "last": _page_day(notice.comment_earliest_close)}
        else:
            text = _("Notice %(number)s. The public is asked for comments.") % {
                "number": notice.document.number
            }
        steps.append(
            _step(
                notice.published_at,
                _("The review results were published for public comment"),
                text,
                reverse("publicity:results", args=[cycle.pk]),
                _("The public notice"),
            )
        )
    candidates = getattr(cycle, "candidate_list", None)
    ranked = RankingEntry.objects.filter(dossier=dossier, superseded_at__isnull=True).first()
    if candidates is not None and ranked is not None:
        steps.append(
            _step(
                candidates.submitted_at,
                _("On the candidate list for the working group")
                if ranked.on_list
                else _("Not on the candidate list for the working group"),
                _("Ranked %(rank)s among its kind after the public comment was weighed.")
                % {"rank": ranked.position},
            )
        )
    decision = (
        Decision.objects.filter(dossier=dossier, meeting__state=MeetingState.CLOSED)
        .select_related("meeting")
        .first()
    )
    if decision is not None:
        steps.append(
            _step(
                decision.meeting.closed_at,
                _("The working group put the application on the proposed list of winners")
                if decision.proposed
                else _("The working group did not put the application on the proposed list"),
            )
        )
    notice = getattr(cycle, "publicity_notice", None)
    if notice is not None and (
        (decision is not None and decision.proposed)
        or notice.entries.filter(pk=dossier.pk).exists()
    ):
        text = _("From %(first)s to %(last)s 24:00 (%(n)s working days).") % {
            "first": _page_day(notice.first_day),
            "last": _page_day(notice.last_day),
            "n": notice.working_days,
        }
        if notice.ended_at:
            text += _(" The publicity ended on %(day)s.") % {"day": _page_day(notice.ended_at)}
        steps.append(
            _step(
                notice.published_at,
                _("The proposed winners were publicised"),
                text,
                reverse("publicity:publicity", args=[cycle.pk]),
                _("The public notice"),
            )
        )
    for objection in dossier.objections.filter(decided_at__isnull=False).order_by("decided_at"):
        steps.append(
            _step(
                objection.decided_at,
                _("An objection was found founded")
                if objection.state == ObjectionState.FOUNDED
                else _("An objection was found unfounded"),
                _("Received on %(day)s; investigated by the coordination office.")
                % {"day": _page_day(objection.filed_at)},
            )
        )
        group = getattr(objection, "group_decision", None)
        if group is not None:
            steps.append(
                _step(
                    group.recorded_at,
                    _("The working group cancelled the candidacy")
                    if group.cancel
                    else _("The working group kept the candidacy"),
                    _("Decided on %(day)s.") % {"day": _page_day(group.decided_on)},
                )
            )
    approval = getattr(cycle, "approval", None)
    if approval is not None and dossier.state in (
        DossierState.APPROVED,
        DossierState.NOT_APPROVED,
        DossierState.AWARDED,
        DossierState.REVOKED,
    ):
        exclusion = approval.exclusions.filter(dossier=dossier).first()
        steps.append(
            _step(
                approval.recorded_at,
                _("The city government did not approve the award")
                if exclusion is not None
                else _("The city government approved the award"),
                (
                    _("%(number)s, %(day)s.")
                    % {
                        "number": approval.document_number,
                        "day": _page_day(approval.approved_on),
                    }
                )
                + (_(" Reason: %(reason)s") % {"reason": exclusion.reason} if exclusion else ""),
            )
        )
    award = getattr(dossier, "award", None)
    if award is not None:
        steps.append(
            _step(
                award.granted_at,
                _("Awarded the Mayor's Quality Award"),
                _("Certificate no. %(number)s; the title is valid until %(day)s.")
                % {"number": award.certificate_number, "day": _page_day(award.valid_until)},
                reverse("publicity:certificate-pdf", args=[award.pk])
                if award.revoked_on is None
                else "",
                _("Certificate (PDF)") if award.revoked_on is None else "",
            )
        )
        for case in award.revocation_cases.all():
            steps.append(
                _step(
                    case.opened_at,
                    _("A revocation case was opened (%(number)s)") % {"number": case.number},
                    case.get_ground_display(),
                    reverse("publicity:revocation-statement", args=[case.pk]),
                    pgettext("revocation", "The case"),
                )
            )
            if case.notice_published_at is not None:
                steps.append(
                    _step(
                        case.notice_published_at,
                        _("The city government revoked the title"),
                        _("%(number)s, %(day)s.")
                        % {"number": case.decision_number, "day": _page_day(case.decided_on)},
                        reverse("publicity:revocation-notice", args=[case.pk]),
                        _("Notice of the revocation"),
                    )
                )
    steps.sort(key=lambda step: step["when"])
    return steps


def _page_day(value) -> str:
    return day(value)
