from django import forms
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import BoundedDateField, OneLineCharField

from .models import RulebookEdition
from .services import EDITABLE_FIELDS


class EditionForm(forms.ModelForm):
    # The name and number go into PDFs, Excel sheets and e-mails: one line each.
    source_url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RulebookEdition
        fields = EDITABLE_FIELDS
        field_classes = {
            "name": OneLineCharField,
            "document_number": OneLineCharField,
            "effective_from": BoundedDateField,
            "effective_until": BoundedDateField,
        }


class EditionCopyForm(forms.Form):
    name = OneLineCharField(label=_("Name of the new edition"), max_length=200)
    effective_from = BoundedDateField(label=_("In force from"))
    effective_until = BoundedDateField(
        label=_("In force until"),
        required=False,
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
    announcement = BoundedDateField(label=_("Planned announcement date"))
