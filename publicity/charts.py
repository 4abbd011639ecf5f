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
NARROW_BAR_WIDTH = 270  # with the figure, 340 units: about the width of a phone
_ids = itertools.count(1)


def bar_chart(*, title: str, description: str, rows: list[tuple], unit: str = ""):
    """Horizontal bars, one per (label, value) or (label, value, unit); values are drawn
    against the largest, and each bar's figure is written with its unit (件, 个, %), so
    a bar never reads as a bare number.

    Two drawings of the same figures: the wide one puts each label beside its bar; the
    narrow one, shown on a phone instead, puts it above, so the text is not shrunk to
    an unreadable size with the whole drawing. Only the one on screen is read out."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else unit) for row in rows]
    largest = max((value or 0 for _label, value, _unit in rows), default=0) or 1
    wide = _svg(title, description, rows, largest, label_width=LABEL_WIDTH, bar_width=BAR_WIDTH)
    narrow = _svg(title, description, rows, largest, label_width=0, bar_width=NARROW_BAR_WIDTH)
    return SafeString(mark_safe(wide + narrow))  # noqa: S308  every text is escaped


def _svg(title, description, rows, largest, *, label_width: int, bar_width: int) -> str:
    n = next(_ids)
    above = label_width == 0  # the narrow drawing: each label on a line above its bar
    row = ROW * 2 if above else ROW
    height = row * max(len(rows), 1) + 8
    width = label_width + bar_width + VALUE_WIDTH
    kind = "chart-narrow" if above else "chart-wide"
    parts = [
        f'<svg class="chart {kind}" role="img" aria-labelledby="chart{n}-t chart{n}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart{n}-t">{escape(title)}</title>',
        f'<desc id="chart{n}-d">{escape(description)}</desc>',
    ]
    for i, (label, value, row_unit) in enumerate(rows):
        y = 4 + i * row
        length = round((value or 0) / largest * bar_width, 1)
        shown = "—" if value is None else f"{value:g}{row_unit}"
        if above:
            parts.append(
                f'<text x="0" y="{y + 15}" font-size="13" fill="currentColor">'
                f"<title>{escape(label)}</title>{escape(short_label(label, 26))}</text>"
            )
            y += ROW - 4
        else:
            parts.append(
                f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" '
                f'font-size="13" fill="currentColor"><title>{escape(label)}</title>'
                f"{escape(short_label(label))}</text>"
            )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{ROW - 8}" '
            f'fill="currentColor" fill-opacity="0.55"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 17}" font-size="13" '
            f'fill="currentColor">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def short_label(label: str, limit: int = 18) -> str:
    """The label cut to ``limit`` characters with an ellipsis (the full text is the
    label's tooltip and is in the table beside the chart)."""
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1] + "…"
