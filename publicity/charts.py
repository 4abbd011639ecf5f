"""Bar charts drawn on the server as inline SVG: no script, no CDN. Each chart carries a
title and a description for screen readers; the page puts the same figures in a table
beside it. Colours follow the text colour (``currentColor``), so the elderly mode's
high contrast applies to the charts too."""

from __future__ import annotations

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 26
LABEL_WIDTH = 250
BAR_WIDTH = 300
VALUE_WIDTH = 70
_ids = itertools.count(1)


def bar_chart(*, title: str, description: str, rows: list[tuple], unit: str = ""):
    """Horizontal bars, one per (label, value) or (label, value, unit); values are drawn
    against the largest, and each bar's figure is written with its unit (件, 个, %), so
    a bar never reads as a bare number."""
    n = next(_ids)
    rows = [(row[0], row[1], row[2] if len(row) > 2 else unit) for row in rows]
    largest = max((value or 0 for _label, value, _unit in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="chart{n}-t chart{n}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart{n}-t">{escape(title)}</title>',
        f'<desc id="chart{n}-d">{escape(description)}</desc>',
    ]
    for i, (label, value, row_unit) in enumerate(rows):
        y = 4 + i * ROW
        length = round((value or 0) / largest * BAR_WIDTH, 1)
        shown = "—" if value is None else f"{value:g}{row_unit}"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
            f'font-size="13" fill="currentColor"><title>{escape(label)}</title>'
            f"{escape(short_label(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW - 8}" '
            f'fill="currentColor" fill-opacity="0.55"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 17}" font-size="13" '
            f'fill="currentColor">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return SafeString(mark_safe("".join(parts)))  # noqa: S308  every text above is escaped


def short_label(label: str, limit: int = 18) -> str:
    """The label cut to ``limit`` characters with an ellipsis (the full text is the
    label's tooltip and is in the table beside the chart)."""
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1] + "…"
