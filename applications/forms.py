from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.rules.models import RulebookEdition

from .declarations import EXCLUSIONS, conditions_for
from .enums import Category, CheckOutcome, FileKind
from .models import Cycle, Individual, Organisation
from .validators import normalise_id_number, normalise_uscc, validate_id_number, validate_uscc

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class CycleForm(forms.ModelForm):
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cycle
        fields = [
            "name",
            "edition",
            "announcement_date",
            "application_deadline",
            "quota_organisation",
            "quota_individual",
            "call_text",
        ]
        widgets = {
            "announcement_date": DATE,
            "application_deadline": DATE,
            "call_text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = RulebookEdition.objects.order_by("-effective_from")
        self.fields["edition"].empty_label = None
        for name in ("announcement_date", "application_deadline"):
            self.fields[name].required = True


class OrganisationForm(forms.ModelForm):
    year_1_revenue = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    year_1_profit = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    year_2_revenue = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    year_2_profit = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    year_3_revenue = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    year_3_profit = forms.DecimalField(max_digits=14, decimal_places=2, required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "uscc",
            "district",
            "legal_representative",
            "founded_on",
            "sector",
            "ownership",
            "for_profit",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {"founded_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.years = [this_year - 1, this_year - 2, this_year - 3]
        existing = {fy.year: fy for fy in self.instance.years.all()} if self.instance.pk else {}
        for index, year in enumerate(self.years, start=1):
            self.fields[f"year_{index}_revenue"].label = _("Revenue %(year)s (10,000 yuan)") % {
                "year": year
            }
            self.fields[f"year_{index}_profit"].label = _(
                "Operating profit %(year)s (10,000 yuan; negative for a loss)"
            ) % {"year": year}
            if year in existing:
                self.initial[f"year_{index}_revenue"] = existing[year].revenue
                self.initial[f"year_{index}_profit"] = existing[year].profit

    def clean_uscc(self):
        code = normalise_uscc(self.cleaned_data["uscc"])
        validate_uscc(code)
        return code

    def clean_founded_on(self):
        founded = self.cleaned_data["founded_on"]
        if founded > timezone.localdate():
            raise ValidationError(_("The founding date cannot be in the future."))
        return founded

    def clean(self):
        data = super().clean()
        for index in (1, 2, 3):
            revenue, profit = data.get(f"year_{index}_revenue"), data.get(f"year_{index}_profit")
            if (revenue is None) != (profit is None):
                self.add_error(
                    f"year_{index}_profit",
                    _("Give both the revenue and the operating profit of the year."),
                )
        return data

    def financial_years(self) -> list[tuple[int, object, object]]:
        rows = []
        for index, year in enumerate(self.years, start=1):
            revenue = self.cleaned_data.get(f"year_{index}_revenue")
            profit = self.cleaned_data.get(f"year_{index}_profit")
            if revenue is not None and profit is not None:
                rows.append((year, revenue, profit))
        return rows

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that helps."""


class IndividualForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        help_text=_("Stored encrypted and shown masked. Leave empty to keep the stored one."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Individual
        fields = [
            "full_name",
            "employer",
            "position",
            "quality_work_since",
            "top_manager_of",
            "phone",
            "email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["top_manager_of"].required = False
        self.fields["top_manager_of"].help_text = _(
            "If you are the top manager of an applicant organisation (Art. 11(4))."
        )
        if not self.instance.pk:
            self.fields["id_number"].required = True
            self.fields["id_number"].help_text = _("Stored encrypted and shown masked.")

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if number:
            validate_id_number(number)
        return number

    def clean_quality_work_since(self):
        year = self.cleaned_data["quality_work_since"]
        if not 1950 <= year <= timezone.localdate().year:
            raise ValidationError(_("Give a year between 1950 and this year."))
        return year

    def validate_unique(self):
        """The service checks the one profile per user rule."""


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of your colleague's account"))


class DossierForm(forms.Form):
    """Declarations, the GB/T 19580 summaries (organisations) or the statement of
    achievements (individuals). Built for the dossier's kind."""

    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        declared = dossier.declarations or {}
        for item in conditions_for(dossier.kind):
            self.fields[f"c_{item.code}"] = forms.BooleanField(
                label=f"{item.article}：{item.text}",
                required=False,
                initial=declared.get(item.code) is True,
            )
        for item in EXCLUSIONS:
            answer = declared.get(item.code)
            self.fields[f"x_{item.code}"] = forms.ChoiceField(
                label=f"{item.article}：{item.text}",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                initial="yes" if answer is True else "no" if answer is False else None,
            )
        if dossier.organisation_id:
            for category in Category:
                self.fields[f"s_{category.value}"] = forms.CharField(
                    label=category.label,
                    required=False,
                    max_length=3000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=(dossier.category_summaries or {}).get(category.value, ""),
                )
        else:
            self.fields["achievements"] = forms.CharField(
                label=_("Statement of achievements"),
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 10}),
                initial=dossier.achievements,
            )
        self.initial["updated_at"] = dossier.updated_at.isoformat()

    def declarations(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("c_"):
                data[name[2:]] = bool(value)
            elif name.startswith("x_") and value in ("yes", "no"):
                data[name[2:]] = value == "yes"
        return data

    def summaries(self) -> dict:
        return {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("s_") and value
        }

    def condition_fields(self):
        return [self[name] for name in self.fields if name.startswith("c_")]

    def exclusion_fields(self):
        return [self[name] for name in self.fields if name.startswith("x_")]

    def summary_fields(self):
        return [self[name] for name in self.fields if name.startswith("s_")]


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FileKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    upload = forms.FileField(label=_("File"))
    trade_secret = forms.BooleanField(
        label=_("Contains trade or technical secrets (Art. 30)"),
        required=False,
        help_text=_("Only you, the coordination office and the assigned experts will see it."),
    )


class SubmitForm(forms.Form):
    pledge = forms.BooleanField(
        label=_(
            "I pledge that every material submitted is true (Art. 28). I know that "
            "fraud leads to the revocation of the title and a ban."
        ),
        required=True,
    )


class CheckItemForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CheckOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupplementForm(forms.Form):
    reply_working_days = forms.IntegerField(
        label=_("Reply within (working days)"), min_value=1, max_value=60, initial=5
    )
    reason_for_another = forms.CharField(
        label=_("Reason for another notice"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when a notice was already sent."),
    )


class DecisionForm(forms.Form):
    qualified = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Qualified")), ("no", _("Not qualified"))],
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InvitationForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
