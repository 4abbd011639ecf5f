"""Template helpers of the second half of the flow: the applicant kind's label, and what
the applicant has been told so far about its application after the review."""

from django import template

from award_portal.accounts.enums import ApplicantKind

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    try:
        return str(ApplicantKind(kind).label)
    except ValueError:
        return kind


@register.simple_tag
def applicant_progress(dossier) -> list[dict]:
    """The steps after the review that concern ``dossier``, oldest first (see
    ``publicity.progress``)."""
    from ..progress import dossier_progress

    return dossier_progress(dossier)
