"""The conditions (Art. 10, 11) and exclusions (Art. 12) an applicant declares, and the
qualification checklist the office works through. One table, read by the form, the
submission check, the checklist and the PDFs.

Every number in these texts comes from the round's rulebook edition: a text holds
placeholders (``%(lookback)s``) that ``Item.text_for(edition)`` fills in.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


def edition_numbers(edition) -> dict:
    return {
        "operating": edition.organisation_min_operating_years,
        "no_loss": edition.organisation_no_loss_years,
        "quality": edition.individual_min_quality_years,
        "clean": edition.top_manager_clean_years,
        "lookback": edition.exclusion_lookback_years,
    }


@dataclass(frozen=True)
class Item:
    code: str
    article: str  # lazy: rendered in the reader's language
    text: str  # lazy, may hold %(operating)s %(no_loss)s %(quality)s %(clean)s %(lookback)s
    kind: str  # "organisation", "individual" or "both"

    def text_for(self, edition) -> str:
        return str(self.text) % edition_numbers(edition)


@dataclass(frozen=True)
class Rendered:
    """An item with its text for one edition, for templates and notices."""

    code: str
    article: str
    text: str


def rendered(items: list[Item], edition) -> list[Rendered]:
    return [Rendered(i.code, str(i.article), i.text_for(edition)) for i in items]


CONDITIONS = [
    Item(
        "10.1",
        _("Art. 10(1)"),
        _(
            "Registered in the city as an independent legal person, operating continuously "
            "for at least %(operating)s years, lawful and holding the required licences."
        ),
        "organisation",
    ),
    Item(
        "10.2",
        _("Art. 10(2)"),
        _(
            "An effective quality management system, the performance "
            "excellence model and continuous improvement, leading in its sector."
        ),
        "organisation",
    ),
    Item(
        "10.3",
        _("Art. 10(3)"),
        _(
            "Outstanding quality, innovation, brand and results; for-profit organisations "
            "without operating loss in the last %(no_loss)s years; non-profit organisations "
            "with a leading social contribution."
        ),
        "organisation",
    ),
    Item(
        "11.1",
        _("Art. 11(1)"),
        _("Quality or quality-related work in the city for at least %(quality)s years."),
        "individual",
    ),
    Item(
        "11.2",
        _("Art. 11(2)"),
        _(
            "Strong awareness of quality innovation and improvement, with "
            "results showing craftsmanship."
        ),
        "individual",
    ),
    Item(
        "11.3",
        _("Art. 11(3)"),
        _("Organising or taking part in mass quality activities and building a quality culture."),
        "individual",
    ),
    Item(
        "11.4",
        _("Art. 11(4)"),
        _(
            "Professional ethics, a good personal credit record; as a top manager, an "
            "organisation without major incidents, complaints or violations in the last "
            "%(clean)s years."
        ),
        "individual",
    ),
]

EXCLUSIONS = [
    Item(
        "12.1",
        _("Art. 12(1)"),
        _("Not in line with national industrial, environmental or quality policy."),
        "both",
    ),
    Item("12.2", _("Art. 12(2)"), _("Lacks licences required by the state."), "both"),
    Item(
        "12.3",
        _("Art. 12(3)"),
        _(
            "A larger or worse quality, safety, environmental or public-health accident, or "
            "a major violation, in the last %(lookback)s years."
        ),
        "both",
    ),
    Item(
        "12.4",
        _("Art. 12(4)"),
        _("Fraud or misconduct in a government award in the last %(lookback)s years."),
        "both",
    ),
    Item(
        "12.5",
        _("Art. 12(5)"),
        _(
            "Serious violations in paying or withholding tax or social insurance in the last "
            "%(lookback)s years."
        ),
        "both",
    ),
    Item(
        "12.6",
        _("Art. 12(6)"),
        _("On the list of abnormal operations or of serious dishonesty."),
        "both",
    ),
]

FORMAL = [
    Item("16.truth", _("Art. 16"), _("Materials are truthful."), "both"),
    Item(
        "16.complete",
        _("Art. 16"),
        _("Materials are complete: application form, self-evaluation report and evidence."),
        "both",
    ),
    Item(
        "16.format",
        _("Art. 16"),
        _("Materials follow the required format; the application form bears the seal."),
        "both",
    ),
]


def conditions_for(kind: str) -> list[Item]:
    return [item for item in CONDITIONS if item.kind == kind]


def checklist_for(kind: str) -> list[Item]:
    return conditions_for(kind) + EXCLUSIONS + FORMAL


ITEMS = {item.code: item for item in CONDITIONS + EXCLUSIONS + FORMAL}
