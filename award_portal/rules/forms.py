from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RulebookEdition
from .services import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EditionForm(forms.ModelForm):
    source_url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RulebookEdition
        fields = EDITABLE_FIELDS
        widgets = {"effective_from": DATE, "effective_until": DATE}


class EditionCopyForm(forms.Form):
    name = forms.CharField(label=_("Name of the new edition"), max_length=200)
    effective_from = forms.DateField(label=_("In force from"), widget=DATE)
    effective_until = forms.DateField(
        label=_("In force until"),
        required=False,
        widget=DATE,
        help_text=_("Empty: until replaced."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", _("The end is before the start."))
        return data


class PlanForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Rulebook edition"), queryset=RulebookEdition.objects.all(), empty_label=None
    )
    announcement = forms.DateField(label=_("Planned announcement date"), widget=DATE)
