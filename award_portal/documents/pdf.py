"""PDF documents rendered by WeasyPrint from templates, with a CJK font from Debian."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

PDF_STYLESHEET = "css/pdf.css"


def render_pdf(*, template: str, context: dict, request=None) -> bytes:
    html = render_to_string(template, context, request=request)
    stylesheet = CSS(filename=finders.find(PDF_STYLESHEET))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet])
