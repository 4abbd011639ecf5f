from datetime import date

from django.db.models import QuerySet

from .models import RulebookEdition


def edition_list() -> QuerySet[RulebookEdition]:
    return RulebookEdition.objects.select_related("copied_from").order_by(
        "award", "-effective_from"
    )


def edition_in_force(*, on: date, award: str = "erenhot-mayor-quality-award"):
    """The edition of ``award`` in force on ``on``, or None."""
    for edition in RulebookEdition.objects.filter(award=award, effective_from__lte=on):
        if edition.in_force_on(on):
            return edition
    return None


def edition_list_for(user) -> QuerySet[RulebookEdition]:
    """Everyone sees the editions cycles use; the office and the auditor see them all."""
    editions = edition_list()
    if user.is_authenticated and user.has_perm("rules.view_rulebookedition"):
        return editions
    return editions.filter(locked_at__isnull=False)
