"""The conditions (Art. 10, 11) and exclusions (Art. 12) an applicant declares, and the
qualification checklist the office works through. One table, read by the form, the
submission check, the checklist and the PDFs."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    code: str
    article: str
    text: str
    kind: str  # "organisation", "individual" or "both"


CONDITIONS = [
    Item(
        "10.1",
        "第十条第（一）项",
        _(
            "Registered in the city as an independent legal person, "
            "operating continuously, lawful and holding the required licences."
        ),
        "organisation",
    ),
    Item(
        "10.2",
        "第十条第（二）项",
        _(
            "An effective quality management system, the performance "
            "excellence model and continuous improvement, leading in its sector."
        ),
        "organisation",
    ),
    Item(
        "10.3",
        "第十条第（三）项",
        _(
            "Outstanding quality, innovation, brand and results; for-profit "
            "organisations without operating loss in the recent years; non-profit organisations "
            "with a leading social contribution."
        ),
        "organisation",
    ),
    Item(
        "11.1",
        "第十一条第（一）项",
        _("Quality or quality-related work in the city for the required number of years."),
        "individual",
    ),
    Item(
        "11.2",
        "第十一条第（二）项",
        _(
            "Strong awareness of quality innovation and improvement, with "
            "results showing craftsmanship."
        ),
        "individual",
    ),
    Item(
        "11.3",
        "第十一条第（三）项",
        _("Organising or taking part in mass quality activities and building a quality culture."),
        "individual",
    ),
    Item(
        "11.4",
        "第十一条第（四）项",
        _(
            "Professional ethics, a good personal credit record; as a top "
            "manager, an organisation without major incidents, complaints or violations."
        ),
        "individual",
    ),
]

EXCLUSIONS = [
    Item(
        "12.1",
        "第十二条第（一）项",
        _("Not in line with national industrial, environmental or quality policy."),
        "both",
    ),
    Item("12.2", "第十二条第（二）项", _("Lacks licences required by the state."), "both"),
    Item(
        "12.3",
        "第十二条第（三）项",
        _(
            "A larger or worse quality, safety, environmental or "
            "public-health accident, or a major violation, in the recent years."
        ),
        "both",
    ),
    Item(
        "12.4",
        "第十二条第（四）项",
        _("Fraud or misconduct in a government award in the recent years."),
        "both",
    ),
    Item(
        "12.5",
        "第十二条第（五）项",
        _(
            "Serious violations in paying or withholding tax or social "
            "insurance in the recent years."
        ),
        "both",
    ),
    Item(
        "12.6",
        "第十二条第（六）项",
        _("On the list of abnormal operations or of serious dishonesty."),
        "both",
    ),
]

FORMAL = [
    Item("16.truth", "第十六条", _("Materials are truthful."), "both"),
    Item(
        "16.complete",
        "第十六条",
        _("Materials are complete: application form, self-evaluation report and evidence."),
        "both",
    ),
    Item(
        "16.format",
        "第十六条",
        _("Materials follow the required format; the application form bears the seal."),
        "both",
    ),
]


def conditions_for(kind: str) -> list[Item]:
    return [item for item in CONDITIONS if item.kind == kind]


def checklist_for(kind: str) -> list[Item]:
    return conditions_for(kind) + EXCLUSIONS + FORMAL


ITEMS = {item.code: item for item in CONDITIONS + EXCLUSIONS + FORMAL}
