"""The cycle plan (Art. 8(3)): the earliest date of each stage for an edition and a
planned announcement date, every date from the working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar

from .models import RulebookEdition


@dataclass(frozen=True)
class PlanRow:
    key: str
    label: str
    article: str
    rule: str
    start: date | None
    end: date | None
    pending: str = ""

    @property
    def is_pending(self) -> bool:
        return bool(self.pending)


def cycle_plan(
    *, edition: RulebookEdition, announcement: date, calendar: WorkdayCalendar
) -> list[PlanRow]:
    """Rows in order. A date that falls in a year without a known schedule, and every
    date after it, is pending with the reason; nothing is guessed."""
    steps = [
        (
            "close_applications",
            _("Applications close (earliest)"),
            _("Art. 14"),
            _("announcement at least %(n)s working days") % {"n": edition.announcement_min_wd},
            lambda prev: calendar.add(prev, edition.announcement_min_wd),
        ),
        (
            "qualification_due",
            _("Qualification check due for a dossier received on the last day"),
            _("Art. 16"),
            _("within %(n)s working days of receipt") % {"n": edition.qualification_max_wd},
            lambda prev: calendar.add(prev, edition.qualification_max_wd),
        ),
        (
            "review_due",
            _("Expert review due"),
            _("Art. 18"),
            _("within %(n)s working days") % {"n": edition.review_max_wd},
            lambda prev: calendar.add(prev, edition.review_max_wd),
        ),
        (
            "comment_end",
            _("Public comment ends (earliest)"),
            _("Art. 19"),
            _("at least %(n)s working days") % {"n": edition.comment_min_wd},
            lambda prev: calendar.add(prev, edition.comment_min_wd),
        ),
        (
            "publicity_start",
            _("Working-group vote and start of publicity (earliest)"),
            _("Art. 20–22"),
            _("the first working day after the comment period"),
            lambda prev: calendar.next_workday(prev),
        ),
        (
            "publicity_end",
            _("Publicity ends"),
            _("Art. 22"),
            _("%(n)s working days") % {"n": edition.publicity_wd},
            lambda prev: calendar.add(prev, edition.publicity_wd),
        ),
    ]
    rows = [
        PlanRow(
            "announcement",
            str(_("Announcement published")),
            str(_("Art. 14")),
            "",
            announcement,
            announcement,
        )
    ]
    previous: date | None = announcement
    reason = ""
    for key, label, article, rule, compute in steps:
        end = None
        if previous is not None:
            try:
                end = compute(previous)
            except ScheduleUnknown as error:
                reason = error.message
        rows.append(
            PlanRow(key, str(label), str(article), str(rule), previous, end, "" if end else reason)
        )
        previous = end
    return rows


def timeline_bars(rows: list[PlanRow], *, width: int = 800) -> list[dict]:
    """Geometry of the timeline picture: one bar per known stage, in pixels."""
    known = [r for r in rows if r.start and r.end]
    if not known:
        return []
    first = known[0].start
    last = max(r.end for r in known)
    span = max((last - first).days, 1)
    bars = []
    for index, row in enumerate(rows):
        y = 30 + index * 34
        if row.start and row.end:
            x = round((row.start - first).days / span * width)
            w = max(round((row.end - row.start).days / span * width), 4)
            # labels of late stages end at their bar, so they stay inside the picture
            late = x > width / 2
            bars.append(
                {
                    "row": row,
                    "x": x + 10,
                    "y": y,
                    "w": w,
                    "label_x": x + 10 + (w if late else 0),
                    "anchor": "end" if late else "start",
                }
            )
        else:
            bars.append({"row": row, "x": 10, "y": y, "w": 0, "label_x": 10, "anchor": "start"})
    return bars
