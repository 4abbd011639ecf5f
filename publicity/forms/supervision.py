"""Forms of supervision after the award: the report schedule, the winner's fund report,
the office's evaluation, visits and findings. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import BoundedDateField, OneLineCharField, TextField

from ..models.supervision import FundCategory, Rating

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ScheduleForm(forms.Form):
    interval_months = forms.IntegerField(
        label=_("One report every (months)"), min_value=1, max_value=36, initial=12
    )
    due_working_days = forms.IntegerField(
        label=_("Due (working days after the period ends)"), min_value=1, max_value=60, initial=20
    )
    correction_working_days = forms.IntegerField(
        label=_("Time for a correction (working days)"), min_value=1, max_value=60, initial=10
    )


class LineForm(forms.Form):
    """One spending line; a row left wholly empty is ignored."""

    category = forms.ChoiceField(
        label=_("Use"), choices=[("", "—"), *FundCategory.choices], required=False
    )
    description = OneLineCharField(
        label=_("What the money was spent on"), max_length=300, required=False
    )
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get(name) for name in ("category", "description", "amount")]
        if any(filled) and not all(filled):
            raise ValidationError(_("Fill in the use, what it was spent on and the amount."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=2, max_num=40, validate_max=True)


class SummaryForm(forms.Form):
    summary = TextField(
        label=_("Summary of how the prize money was used"),
        max_length=5000,
        rows=4,
        required=False,
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, image or Office document)"))


class EvaluateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    findings = TextField(label=_("Findings of the evaluation"), max_length=5000, rows=4)
    other_examined = TextField(
        label=_("Examination of the money spent on other uses"),
        max_length=5000,
        rows=3,
        required=False,
    )


class CorrectionForm(forms.Form):
    note = TextField(label=_("What must be corrected"), max_length=5000, rows=3)


class VisitPlanForm(forms.Form):
    planned_on = BoundedDateField(label=_("Planned for"))
    department = OneLineCharField(label=_("Visiting department"), max_length=200)


class VisitRecordForm(forms.Form):
    visited_on = BoundedDateField(label=_("Visited on"))
    visitors = OneLineCharField(label=_("Visitors"), max_length=300)
    production = TextField(label=_("Production and operation seen"), max_length=5000, rows=3)
    quality_management = TextField(label=_("Quality management seen"), max_length=5000, rows=3)
    title_use = TextField(label=_("Use of the title seen"), max_length=5000, rows=3)
    award_year_stated = forms.ChoiceField(
        label=_("Where the title is publicised, is the award year stated? (Art. 32)"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    title_on_products = forms.ChoiceField(
        label=_("Is the title used on product advertising, instructions or packaging? (Art. 32)"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    findings = TextField(
        label=_("Findings to follow up (one per line)"),
        max_length=5000,
        rows=3,
        required=False,
        help_text=_(
            "A breach of Art. 32 answered above opens its own finding: list here only the "
            "other problems."
        ),
    )

    def clean_award_year_stated(self) -> bool:
        return self.cleaned_data["award_year_stated"] == "yes"

    def clean_title_on_products(self) -> bool:
        return self.cleaned_data["title_on_products"] == "yes"

    def clean_findings(self) -> list[str]:
        return [
            line.strip()
            for line in (self.cleaned_data.get("findings") or "").splitlines()
            if line.strip()
        ]


class FindingCloseForm(forms.Form):
    closed_on = BoundedDateField(label=_("Closed on"))
    note = TextField(label=_("How it was put right"), max_length=4000, rows=2)
