"""What a person reads on a page, and the ISO dates that must not be in it."""

import html
import re

# 2026-12-01 (but not a number like 2026-Z-001 or a phone number 0479-7512345)
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


def visible_text(page: str) -> str:
    """The text of an HTML page as it shows: no scripts, styles, comments, tags or
    attributes (a ``<time datetime="2026-12-01">`` keeps its machine date there)."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def iso_dates_in(text: str) -> list[str]:
    return ISO_DATE.findall(text)
