"""Reads, already scoped and joined for their page.

Public reads come first: what anybody may see without logging in (the results under
comment, the publicity, the winners, a certificate's status). They never touch comments,
objections, votes or anything the Measures keep from the public.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState
from applications.models import Cycle, Dossier
from award_portal.accounts.enums import ApplicantKind

from .models import Award, NoticeEntry, PublicityNotice, ResultsNotice

KINDS = (ApplicantKind.ORGANISATION, ApplicantKind.INDIVIDUAL)


# --- the review results under public comment (Art. 19) ---------------------------------


def results_list_public() -> QuerySet[ResultsNotice]:
    """Every published notice of review results, newest first."""
    return (
        ResultsNotice.objects.filter(published_at__isnull=False)
        .select_related("cycle", "document")
        .order_by("-published_at", "-id")
    )


def results_notice_public(cycle_id: int) -> ResultsNotice:
    """The round's published notice, or 404 (a draft does not exist for the public)."""
    return get_object_or_404(
        ResultsNotice.objects.filter(published_at__isnull=False).select_related(
            "cycle__edition", "document"
        ),
        cycle_id=cycle_id,
    )


@dataclass
class KindEntries:
    kind: str
    label: str
    entries: list = field(default_factory=list)


def entries_by_kind(notice: ResultsNotice) -> list[KindEntries]:
    """The notice's frozen entries, per applicant kind in the order published (one
    query, whatever the number of entries)."""
    groups = {kind: KindEntries(kind, str(kind.label)) for kind in KINDS}
    for entry in notice.entries.only(
        "id",
        "kind",
        "position",
        "name",
        "sector",
        "district",
        "rank",
        "score",
        "result",
        "dossier_id",
        "notice_id",
    ).order_by("kind", "position"):
        groups.setdefault(entry.kind, KindEntries(entry.kind, entry.kind)).entries.append(entry)
    return [group for group in groups.values() if group.entries]


def comment_candidates(notice: ResultsNotice) -> list[tuple[int, str]]:
    """(dossier id, label) of each candidate a comment may name."""
    labels = dict(ApplicantKind.choices)
    rows = NoticeEntry.objects.filter(notice=notice).values_list(
        "dossier_id", "name", "kind", "position"
    )
    return [
        (dossier_id, f"{name}（{labels.get(kind, kind)}）")
        for dossier_id, name, kind, _position in sorted(
            rows, key=lambda row: (row[2] != ApplicantKind.ORGANISATION, row[3])
        )
    ]


# --- publicity of the proposed winners (Art. 22) ----------------------------------------


def publicity_list_public() -> QuerySet[PublicityNotice]:
    return PublicityNotice.objects.select_related("cycle", "document").order_by(
        "-published_at", "-id"
    )


def publicity_notice_public(cycle_id: int) -> PublicityNotice:
    return get_object_or_404(
        PublicityNotice.objects.select_related("cycle__edition", "document"), cycle_id=cycle_id
    )


def publicity_entries(notice: PublicityNotice, *, as_published: bool = False) -> list[Dossier]:
    """The candidates still on the list (one cancelled after an objection has left it),
    per kind; ``as_published``: the list as the notice published it, with those
    cancelled since (the notice's PDF is the document as issued)."""
    from django.db.models import Q

    on_list = Q(publicity_notices=notice)
    if as_published:
        on_list |= Q(objections__notice=notice, objections__group_decision__cancel=True)
    return list(
        Dossier.objects.filter(on_list)
        .distinct()
        .select_related("organisation", "individual")
        .only(
            "id",
            "kind",
            "number",
            "state",
            "cycle_id",
            "organisation__id",
            "organisation__name",
            "organisation__sector",
            "organisation__district",
            "individual__id",
            "individual__full_name",
            "individual__employer",
        )
        .order_by("kind", "number", "id")
    )


def publicity_bounds(notice: PublicityNotice) -> tuple[datetime, datetime]:
    """From 00:00 of the first day to 24:00 of the last day, Asia/Shanghai."""
    start = timezone.make_aware(datetime.combine(notice.first_day, time(0, 0)))
    end = timezone.make_aware(datetime.combine(notice.last_day + timedelta(days=1), time(0, 0)))
    return start, end


def publicity_phase(notice: PublicityNotice, now: datetime | None = None) -> str:
    """``before`` the first day, ``open`` for objections, ``over`` after 24:00 of the last
    day (objections may still be under investigation), ``ended`` once the office closed
    the publicity with its outcome."""
    if notice.ended_at is not None:
        return "ended"
    now = now or timezone.now()
    start, end = publicity_bounds(notice)
    if now < start:
        return "before"
    if now >= end:
        return "over"
    return "open"


# --- winners and certificates (Art. 3, 23, 31, 32) --------------------------------------


def award_status(award: Award, today: date | None = None) -> tuple[str, date]:
    """The title's status on ``today`` and the date that goes with it (valid until,
    expired after, revoked on, valid from)."""
    today = today or timezone.localdate()
    status = award.status_on(today)
    day = {
        "valid": award.valid_until,
        "expired": award.valid_until,
        "revoked": award.revoked_on,
        "pending": award.valid_from,
    }[status]
    return status, day


@dataclass
class WinnersRound:
    cycle: Cycle
    awards: list
    vacancies: list[str]


def _vacancies(cycle: Cycle, awards: list[Award]) -> list[str]:
    """One line per kind awarded with fewer winners than the round's quota (Art. 3)."""
    lines = []
    for kind, quota in (
        (ApplicantKind.ORGANISATION, cycle.quota_organisation),
        (ApplicantKind.INDIVIDUAL, cycle.quota_individual),
    ):
        given = sum(1 for award in awards if award.kind == kind)
        if not quota or given >= quota:
            continue
        if given == 0:
            text = (
                _("The organisation award of this round is vacant.")
                if kind == ApplicantKind.ORGANISATION
                else _("The individual award of this round is vacant.")
            )
        else:
            text = (
                _("%(n)s organisation award(s) of this round remain vacant.")
                if kind == ApplicantKind.ORGANISATION
                else _("%(n)s individual award(s) of this round remain vacant.")
            ) % {"n": quota - given}
        lines.append(text)
    return lines


def winners_public(today: date | None = None) -> list[WinnersRound]:
    """Every awarded round with its winners (status computed for ``today``) and its
    vacancies, the newest round first. Two queries."""
    today = today or timezone.localdate()
    cycles = (
        Cycle.objects.filter(state=CycleState.AWARDED)
        .select_related("approval")
        .only(
            "id",
            "name",
            "state",
            "quota_organisation",
            "quota_individual",
            "approved_at",
            "approval__id",
            "approval__document_number",
            "approval__approved_on",
            "approval__cycle_id",
        )
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=Award.objects.only(
                    "id",
                    "cycle_id",
                    "kind",
                    "winner_name",
                    "award_year",
                    "valid_from",
                    "valid_until",
                    "revoked_on",
                ).order_by("kind", "id"),
            )
        )
        .order_by("-approval__approved_on", "-approved_at", "-id")
    )
    rounds = []
    for cycle in cycles:
        awards = list(cycle.awards.all())
        for award in awards:
            award.status, award.status_day = award_status(award, today)
        rounds.append(WinnersRound(cycle, awards, _vacancies(cycle, awards)))
    return rounds


def certificate_award(pk: int) -> Award:
    return get_object_or_404(
        Award.objects.select_related("cycle__edition", "dossier", "certificate"), pk=pk
    )


# --- the feed of public notices ---------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    kind: str
    title: str
    description: str
    link: str
    pdf: str
    published: datetime
    updated: datetime
    key: str


def notice_feed_items(limit: int = 30) -> list[FeedItem]:
    """The newest calls, results notices and publicity notices, merged by date."""
    from django.urls import reverse

    from applications.selectors import cycle_list_public
    from award_portal.documents.templatetags.official import day as page_date

    items = []
    for cycle in (
        cycle_list_public().filter(announced_at__isnull=False).order_by("-announced_at")[:limit]
    ):
        items.append(
            FeedItem(
                kind="call",
                title=cycle.name,
                description=_("Applications from %(start)s until %(end)s 24:00.")
                % {
                    "start": page_date(cycle.announcement_date),
                    "end": page_date(cycle.application_deadline),
                },
                link=reverse("applications:call-detail", args=[cycle.pk]),
                pdf=reverse("applications:call-pdf", args=[cycle.pk]),
                published=cycle.announced_at,
                updated=cycle.updated_at,
                key=f"call-{cycle.pk}",
            )
        )
    for notice in results_list_public()[:limit]:
        items.append(
            FeedItem(
                kind="results",
                title=notice.title,
                description=_("%(round)s: review results under public comment (%(number)s).")
                % {"round": notice.cycle.name, "number": notice.document.number},
                link=reverse("publicity:results", args=[notice.cycle_id]),
                pdf=reverse("publicity:results-pdf", args=[notice.cycle_id]),
                published=notice.published_at,
                updated=notice.updated_at,
                key=f"results-{notice.pk}",
            )
        )
    for notice in publicity_list_public()[:limit]:
        items.append(
            FeedItem(
                kind="publicity",
                title=notice.title,
                description=_(
                    "%(round)s: proposed winners publicised from %(first)s to %(last)s 24:00 "
                    "(%(number)s)."
                )
                % {
                    "round": notice.cycle.name,
                    "first": page_date(notice.first_day),
                    "last": page_date(notice.last_day),
                    "number": notice.document.number,
                },
                link=reverse("publicity:publicity", args=[notice.cycle_id]),
                pdf=reverse("publicity:publicity-pdf", args=[notice.cycle_id]),
                published=notice.published_at,
                updated=notice.ended_at or notice.published_at,
                key=f"publicity-{notice.pk}",
            )
        )
    items += revocation_feed_items(limit)
    items.sort(key=lambda item: item.published, reverse=True)
    return items[:limit]


def revocation_feed_items(limit: int) -> list[FeedItem]:
    """The public notices of revocation (Art. 28, 29)."""
    from django.urls import reverse

    from award_portal.documents.templatetags.official import day as page_date

    from .enums import RevocationState
    from .models import RevocationCase

    cases = (
        RevocationCase.objects.filter(state__in=[RevocationState.REVOKED, RevocationState.CLOSED])
        .select_related("notice", "award__cycle")
        .order_by("-notice_published_at")[:limit]
    )
    return [
        FeedItem(
            kind="revocation",
            title=case.notice.title,
            description=_("%(round)s: title revoked on %(day)s (%(number)s).")
            % {
                "round": case.award.cycle.name,
                "day": page_date(case.decided_on),
                "number": case.notice.number,
            },
            link=reverse("publicity:revocation-notice", args=[case.pk]),
            pdf=reverse("publicity:revocation-pdf", args=[case.pk]),
            published=case.notice_published_at,
            updated=case.notice_published_at,
            key=f"revocation-{case.pk}",
        )
        for case in cases
    ]


# --- the home page's public panel -------------------------------------------------------


def public_overview() -> dict:
    """What the home page says about the second half of the flow: the results under
    comment now, the publicity running now, and whether any winner exists."""
    open_results = list(
        ResultsNotice.objects.filter(published_at__isnull=False, comment_closed_at__isnull=True)
        .select_related("cycle")
        .only(
            "id",
            "title",
            "cycle__id",
            "cycle__name",
            "cycle__state",
            "comment_first_day",
            "comment_earliest_close",
            "published_at",
            "comment_closed_at",
        )
        .order_by("-published_at")
    )
    running = list(
        PublicityNotice.objects.filter(ended_at__isnull=True)
        .select_related("cycle")
        .only(
            "id",
            "title",
            "cycle__id",
            "cycle__name",
            "cycle__state",
            "first_day",
            "last_day",
            "ended_at",
        )
        .order_by("-published_at")
    )
    return {
        "open_results": open_results,
        "running_publicity": running,
        "has_winners": Award.objects.exists(),
    }


# --- what the public pages' cached copies depend on -------------------------------------
#
# These run on every anonymous visit, before the page's kept copy is served. They are
# written as plain SQL over the models' own table and column names, built once: building
# the same query through the ORM costs fifteen times more than running it (0.9 ms against
# 60 µs measured on the development machine), which would halve the pages' throughput.
# Dates are read as text: the stamp only has to change when they do.


def _digest(*parts) -> str:
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sql(template: str, **models) -> str:
    """``template`` with ``{alias}`` as the model's quoted table and ``{alias.field}`` as
    the field's quoted column."""
    quote = connection.ops.quote_name
    names = {}
    for alias, model in models.items():
        names[alias] = quote(model._meta.db_table)
        for column in model._meta.concrete_fields:
            names[f"{alias}.{column.name}"] = quote(column.column)
    return re.sub(r"\{([\w.]+)\}", lambda match: names[match.group(1)], template)


@cache
def _stamp_queries() -> dict[str, str]:
    through = PublicityNotice.entries.through
    return {
        "results_list": _sql(
            "SELECT COUNT(*), CAST(MAX({n.updated_at}) AS TEXT) FROM {n} "
            "WHERE {n.published_at} IS NOT NULL",
            n=ResultsNotice,
        ),
        "results": _sql(
            "SELECT {n.id}, CAST({n.updated_at} AS TEXT), CAST({n.comment_closed_at} AS TEXT) "
            "FROM {n} WHERE {n.cycle} = %s AND {n.published_at} IS NOT NULL",
            n=ResultsNotice,
        ),
        "publicity_list": _sql(
            "SELECT COUNT(*), CAST(MAX({n.published_at}) AS TEXT), "
            "CAST(MAX({n.ended_at}) AS TEXT) FROM {n}",
            n=PublicityNotice,
        ),
        "publicity": _sql(
            "SELECT p.{n.id}, CAST(p.{n.ended_at} AS TEXT), e.{e.dossier} FROM {n} p "
            "LEFT JOIN {e} e ON e.{e.publicitynotice} = p.{n.id} "
            "WHERE p.{n.cycle} = %s ORDER BY e.{e.dossier}",
            n=PublicityNotice,
            e=through,
        ),
        # rounds positive, awards negative: one list, one query
        "winners": _sql(
            "SELECT {c.id}, CAST({c.updated_at} AS TEXT) FROM {c} WHERE {c.state} = %s "
            "UNION ALL SELECT -{a.id}, CAST({a.revoked_on} AS TEXT) FROM {a} ORDER BY 1",
            c=Cycle,
            a=Award,
        ),
    }


def results_list_stamp() -> str:
    """Changes whenever a notice is published, edited or closed."""
    return _digest(_rows(_stamp_queries()["results_list"]))


def results_stamp(cycle_id: int) -> str:
    """A published notice's entries are frozen; only its closing changes the page (and
    saves ``updated_at``). 404 when the round has no published notice."""
    rows = _rows(_stamp_queries()["results"], [cycle_id])
    if not rows:
        raise Http404
    return _digest(rows)


def publicity_list_stamp(today: date) -> str:
    """The phases shown change at midnight: the day is part of it."""
    return _digest(_rows(_stamp_queries()["publicity_list"]), today)


def publicity_stamp(cycle_id: int, today: date) -> str:
    """The list loses a candidate cancelled after an objection without the notice being
    saved: the entries themselves are part of it. The outcome is written together with
    ``ended_at``. 404 when the round has no notice."""
    rows = _rows(_stamp_queries()["publicity"], [cycle_id])
    if not rows:
        raise Http404
    return _digest(rows, today)


def winners_stamp(today: date) -> str:
    """Every awarded round (its ``updated_at`` moves with each transition), every award
    and its revocation (an award's name and dates are fixed when it is granted), and the
    day: the status is computed from the dates."""
    return _digest(_rows(_stamp_queries()["winners"], [CycleState.AWARDED.value]), today)


# --- the office's and the working group's reads go below this line ---------------------
