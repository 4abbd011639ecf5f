"""PDF documents rendered by WeasyPrint from templates, with a CJK font from Debian."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

PDF_STYLESHEET = "css/pdf.css"


def render_pdf(*, template: str, context: dict, request=None, stylesheets=()) -> bytes:
    """``stylesheets``: further static paths laid over ``css/pdf.css`` (e.g. the
    certificate's own page)."""
    html = render_to_string(template, context, request=request)
    sheets = [CSS(filename=finders.find(path)) for path in (PDF_STYLESHEET, *stylesheets)]
    return HTML(string=html, base_url=None).write_pdf(stylesheets=sheets)
