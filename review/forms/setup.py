"""Forms of the review's setup: agencies and their accounts, the engagement of a round,
the expert pool, the review plan and the criteria sets. They parse what people type; the
services decide."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.enums import Category, Sector
from applications.validators import normalise_uscc, validate_uscc
from award_portal.accounts.enums import ApplicantKind
from award_portal.accounts.forms import AccountIdentityForm, _username_field
from award_portal.web.fields import BoundedDateField, OneLineCharField, TextField

from ..enums import AdvanceRule, Aggregation, ProcurementMethod, StageKind
from ..models import CriteriaSet, Engagement, Expert, ReviewAgency

UPDATED_AT = forms.CharField(widget=forms.HiddenInput, required=False)


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")


def normalise_phone(value: str) -> str:
    """A mainland mobile number (13812345678) or a landline with its area code
    (0479-1234567, an extension after a hyphen); spaces and a leading +86 are dropped.
    Returns the number as stored, or raises a ValidationError in Chinese."""
    text = re.sub(r"[\s\u3000]", "", value or "").replace("－", "-").replace("—", "-")
    text = re.sub(r"^(\+86|0086)-?", "", text)
    if not text:
        return ""
    if MOBILE.match(text):
        return text
    landline = LANDLINE.match(text)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise forms.ValidationError(
        _(
            "Enter a mainland mobile number of 11 digits (e.g. 13812345678) or a landline "
            "number with its area code (e.g. 0479-1234567)."
        ),
        code="phone",
    )


class PhoneField(OneLineCharField):
    def clean(self, value):
        return normalise_phone(super().clean(value))


def _uscc(value: str) -> str:
    code = normalise_uscc(value)
    validate_uscc(code)
    return code


class AgencyForm(forms.ModelForm):
    name = OneLineCharField(label=_("Name"), max_length=200)
    uscc = OneLineCharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, checked against GB 32100."),
    )
    address = OneLineCharField(label=_("Address"), max_length=200, required=False)
    contact_name = OneLineCharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = PhoneField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        help_text=_("A mobile number, or a landline with its area code (0479-1234567)."),
    )
    updated_at = UPDATED_AT

    class Meta:
        model = ReviewAgency
        fields = ["name", "uscc", "address", "contact_name", "contact_phone", "contact_email"]

    def clean_uscc(self):
        return _uscc(self.cleaned_data["uscc"])

    def validate_unique(self):
        """The service checks the credit code, with a message that helps."""


class AgencyAccountForm(AccountIdentityForm):
    display_name = OneLineCharField(label=_("Full name"), max_length=150)
    username = _username_field()
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The new user receives a link here to choose a password."),
    )


class AmountField(forms.DecimalField):
    """An amount as people write it: thousands separators (half- or full-width) and
    spaces are allowed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.replace(",", "").replace("，", "").split())
        return super().to_python(value)

    def widget_attrs(self, widget):
        # a text box, so no number-input attributes (step, min, max)
        return {}


class EngagementForm(forms.ModelForm):
    """The procurement record. Once the review has started the agency is shown but not
    editable (the service refuses a change of agency then, too)."""

    procurement_method_other = OneLineCharField(
        label=_("Other procurement method"),
        max_length=100,
        required=False,
        help_text=_("Only when the method is “Other”."),
    )
    notice_number = OneLineCharField(label=_("Procurement notice no."), max_length=100)
    notice_date = BoundedDateField(label=_("Procurement notice date"))
    contract_number = OneLineCharField(label=_("Contract no."), max_length=100)
    amount_yuan = AmountField(
        label=_("Contract amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("E.g. 98000 or 98,000.00."),
    )
    service_from = BoundedDateField(label=_("Service from"))
    service_until = BoundedDateField(label=_("Service until"))
    scope = TextField(label=_("Scope of service"), rows=3, max_length=2000)
    contract_upload = forms.FileField(
        label=_("Contract scan"),
        required=False,
        help_text=_("PDF or image. Kept private; replaces the scan on record."),
    )
    updated_at = UPDATED_AT

    class Meta:
        model = Engagement
        fields = [
            "agency",
            "procurement_method",
            "procurement_method_other",
            "notice_number",
            "notice_date",
            "contract_number",
            "amount_yuan",
            "service_from",
            "service_until",
            "scope",
        ]

    def __init__(self, *args, agency_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = ReviewAgency.objects.order_by("name")
        self.fields["agency"].label = _("Review agency")
        self.fields["procurement_method"].label = _("Procurement method")
        if agency_fixed:
            self.fields["agency"].disabled = True
            self.fields["agency"].help_text = _(
                "The review has started: the engaged agency can no longer change."
            )

    def clean(self):
        data = super().clean()
        if data.get("procurement_method") == ProcurementMethod.OTHER and not data.get(
            "procurement_method_other"
        ):
            self.add_error("procurement_method_other", _("Name the procurement method."))
        if data.get("procurement_method") and data["procurement_method"] != ProcurementMethod.OTHER:
            data["procurement_method_other"] = ""
        start, end = data.get("service_from"), data.get("service_until")
        if start and end and end < start:
            self.add_error("service_until", _("The service ends before it starts."))
        return data


def _sector_choices():
    return [(s.value, format_lazy("{} {}", s.value, s.label)) for s in Sector]


class ExpertForm(forms.ModelForm):
    """The expert's record. Sectors (GB/T 4754) and GB/T 19580 categories are the
    specialties the assignment proposal matches."""

    name = OneLineCharField(label=_("Full name"), max_length=100)
    employer = OneLineCharField(label=_("Employer"), max_length=200)
    employer_uscc = OneLineCharField(
        label=_("Employer's unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("Used to detect conflicts of interest (Art. 25)."),
    )
    title = OneLineCharField(label=_("Professional title"), max_length=100, required=False)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=_sector_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=_("GB/T 19580 categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    qualification = OneLineCharField(
        label=_("Qualification"),
        max_length=200,
        required=False,
        help_text=_("E.g. national or autonomous-region quality award examiner."),
    )
    certificate_number = OneLineCharField(
        label=_("Certificate no."), max_length=100, required=False
    )
    phone = PhoneField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("A mobile number, or a landline with its area code (0479-1234567)."),
    )
    availability_note = OneLineCharField(label=_("Availability"), max_length=200, required=False)
    updated_at = UPDATED_AT

    class Meta:
        model = Expert
        fields = [
            "name",
            "employer",
            "employer_uscc",
            "title",
            "sectors",
            "categories",
            "qualification",
            "certificate_number",
            "phone",
            "available",
            "availability_note",
        ]

    def clean_employer_uscc(self):
        value = self.cleaned_data["employer_uscc"]
        return _uscc(value) if value else ""


class ExpertCreateForm(AccountIdentityForm, ExpertForm):
    """A new expert with an account. The office chooses whose pool the expert joins."""

    username = _username_field()
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The expert receives a link here to choose a password."),
    )
    pool = forms.ModelChoiceField(
        label=_("Kept by"),
        queryset=ReviewAgency.objects.none(),
        required=False,
        empty_label=_("The coordination office"),
    )

    field_order = ["name", "username", "email", "pool"]

    def __init__(self, *args, choose_pool: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_pool:
            self.fields["pool"].queryset = ReviewAgency.objects.order_by("name")
        else:
            del self.fields["pool"]
        del self.fields["updated_at"]


def _this_year() -> int:
    return timezone.localdate().year


class FormerEmployerForm(forms.Form):
    organisation = OneLineCharField(label=_("Organisation name"), max_length=200, required=False)
    uscc = OneLineCharField(label=_("Unified social credit code"), max_length=40, required=False)
    until_year = forms.IntegerField(
        label=_("Until (year)"), min_value=1950, max_value=2100, required=False
    )

    def clean_uscc(self):
        value = self.cleaned_data["uscc"]
        return _uscc(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("organisation"):
            year = data.get("until_year")
            if year is None and "until_year" not in self.errors:
                self.add_error("until_year", _("Give the year the expert left."))
            elif year is not None and year > _this_year():
                self.add_error("until_year", _("The year cannot be in the future."))
        elif data.get("uscc") or data.get("until_year"):
            self.add_error("organisation", _("Name the organisation."))
        return data


class BaseFormerEmployerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            name = (form.cleaned_data.get("organisation") or "").casefold()
            if name and name in seen:
                raise ValidationError(_("An organisation is listed twice."))
            seen.add(name)

    def rows(self) -> list[dict]:
        return [
            {
                "organisation": form.cleaned_data["organisation"],
                "uscc": form.cleaned_data.get("uscc", ""),
                "until_year": form.cleaned_data["until_year"],
            }
            for form in self.forms
            if form.cleaned_data.get("organisation")
        ]


FormerEmployerFormSet = forms.formset_factory(
    FormerEmployerForm,
    formset=BaseFormerEmployerFormSet,
    extra=0,
    max_num=20,
    absolute_max=20,
)


def former_initial(expert: Expert | None, blank: int = 3) -> list[dict]:
    rows = (
        [
            {"organisation": f.organisation, "uscc": f.uscc, "until_year": f.until_year}
            for f in expert.former_employers.all()
        ]
        if expert is not None
        else []
    )
    return rows + [{}] * blank


class PlanForm(forms.Form):
    """The plan's own fields; the stages are ``StageForm``s beside it."""

    criteria_organisation = forms.ModelChoiceField(
        label=_("Criteria for organisations"), queryset=CriteriaSet.objects.none()
    )
    criteria_individual = forms.ModelChoiceField(
        label=_("Criteria for individuals"),
        queryset=CriteriaSet.objects.none(),
        required=False,
    )
    load_limit = forms.IntegerField(
        label=_("At most dossiers per expert and stage"), min_value=1, max_value=99
    )
    conflict_lookback_years = forms.IntegerField(
        label=_("Former employment counts as a conflict for (years)"),
        min_value=0,
        max_value=30,
        help_text=_("Defaults to the edition's look-back of the exclusions."),
    )
    updated_at = UPDATED_AT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_organisation"].queryset = CriteriaSet.objects.filter(
            applicant_kind=ApplicantKind.ORGANISATION
        ).order_by("-created_at", "-id")
        self.fields["criteria_individual"].queryset = CriteriaSet.objects.filter(
            applicant_kind=ApplicantKind.INDIVIDUAL
        ).order_by("-created_at", "-id")


NUMBER = {"class": "number"}


class StageForm(forms.Form):
    """One kind of stage (prefix: the kind). Left out of the plan, its fields are not
    checked at all."""

    include = forms.BooleanField(label=_("In this round"), required=False)
    position = forms.IntegerField(
        label=_("Order"), min_value=1, max_value=len(StageKind), required=False
    )
    starts_on = BoundedDateField(label=_("Starts on"), required=False)
    ends_on = BoundedDateField(
        label=_("Ends on"),
        required=False,
        help_text=_("A working day; sheets are due by 24:00."),
    )
    min_panel_size = forms.IntegerField(
        label=_("Minimum panel size"), min_value=1, max_value=25, required=False
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"), choices=Aggregation.choices, required=False
    )
    trim_k = forms.IntegerField(
        label=_("Drop k highest and k lowest"),
        min_value=1,
        max_value=5,
        required=False,
        help_text=_("Trimmed mean only: needs at least 2k+1 sheets."),
    )
    dispersion_threshold = forms.IntegerField(
        label=_("Consensus discussion above a spread of (percentage points)"),
        min_value=0,
        max_value=100,
        required=False,
    )
    advance_rule = forms.ChoiceField(
        label=_("Who advances"), choices=AdvanceRule.choices, required=False
    )
    advance_n = forms.IntegerField(
        label=_("Top N per kind"), min_value=1, max_value=999, required=False
    )
    advance_threshold = forms.DecimalField(
        label=_("Score threshold (percent of the maximum)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    weight = forms.IntegerField(
        label=_("Weight in the composite score (%)"), min_value=0, max_value=100, required=False
    )

    REQUIRED = [
        "position",
        "starts_on",
        "ends_on",
        "min_panel_size",
        "aggregation",
        "dispersion_threshold",
        "advance_rule",
        "weight",
    ]

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = StageKind(kind)
        super().__init__(*args, prefix=kind, **kwargs)

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        if not self.cleaned_data.get("include"):
            # a stage left out: whatever its fields hold is ignored
            self._errors = ErrorDict()
            self.cleaned_data = {"include": False}

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        for name in self.REQUIRED:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        if (
            data.get("aggregation") == Aggregation.TRIMMED_MEAN
            and not data.get("trim_k")
            and "trim_k" not in self.errors
        ):
            self.add_error("trim_k", _("Say how many scores to drop from each end."))
        return data

    def stage(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind.value,
            "position": data["position"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "min_panel_size": data["min_panel_size"],
            "aggregation": data["aggregation"],
            "trim_k": data.get("trim_k") or 1,
            "dispersion_threshold": data["dispersion_threshold"],
            "advance_rule": data["advance_rule"],
            "advance_n": data.get("advance_n"),
            "advance_threshold": data.get("advance_threshold"),
            "weight": data["weight"],
        }


def stage_forms(data=None, *, initial: dict[str, dict]) -> list[StageForm]:
    """One sub-form per kind of stage, in the order the plan (or the default) has them;
    kinds left out come last."""
    order = sorted(
        StageKind.values,
        key=lambda kind: (
            not initial.get(kind, {}).get("include"),
            initial.get(kind, {}).get("position") or 99,
            StageKind.values.index(kind),
        ),
    )
    return [StageForm(data, kind=kind, initial=initial.get(kind, {})) for kind in order]


def stages_from_forms(forms_: list[StageForm]) -> list[dict]:
    """The included stages in the office's order; two stages with one order number are
    refused."""
    stages = [form.stage() for form in forms_ if form.cleaned_data.get("include")]
    positions = [stage["position"] for stage in stages]
    if len(positions) != len(set(positions)):
        raise ValidationError(_("Two stages have the same order number. Number them 1, 2, 3."))
    stages.sort(key=lambda stage: stage["position"])
    for stage in stages:
        del stage["position"]
    return stages


class CriteriaCopyForm(forms.Form):
    version = OneLineCharField(
        label=_("New version"), max_length=40, help_text=_("E.g. 2027 or 2026-rev1.")
    )
    name = OneLineCharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Empty: the name of the set you copy."),
    )


class CriteriaSetForm(forms.ModelForm):
    """A copy's own fields, its criteria (names, points) and its band texts, in one form:
    the service checks the whole table at once."""

    name = OneLineCharField(label=_("Name"), max_length=200)
    version = OneLineCharField(label=_("Version"), max_length=40)
    source = OneLineCharField(label=_("Source"), max_length=200, required=False)
    note = TextField(label=_("Note"), rows=3, max_length=4000, required=False)
    digest = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CriteriaSet
        fields = ["name", "version", "source", "note"]

    def __init__(self, *args, criteria: list, bands: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria_rows = criteria
        self.band_rows = bands
        for criterion in criteria:
            self.fields[f"c{criterion.pk}_name_zh"] = OneLineCharField(
                label=format_lazy("{} {}", criterion.code, _("name (Chinese)")),
                max_length=200,
                initial=criterion.name_zh,
            )
            self.fields[f"c{criterion.pk}_name_en"] = OneLineCharField(
                label=format_lazy("{} {}", criterion.code, _("name (English)")),
                max_length=200,
                initial=criterion.name_en,
            )
            self.fields[f"c{criterion.pk}_points"] = forms.IntegerField(
                label=format_lazy("{} {}", criterion.code, _("points")),
                min_value=0,
                max_value=1000,
                initial=criterion.points,
            )
        for band in bands:
            self.fields[f"b{band.pk}_text_zh"] = TextField(
                label=format_lazy("{}–{}% {}", band.low, band.high, _("guidance (Chinese)")),
                rows=4,
                max_length=2000,
                initial=band.text_zh,
            )
            self.fields[f"b{band.pk}_text_en"] = TextField(
                label=format_lazy("{}–{}% {}", band.low, band.high, _("guidance (English)")),
                rows=4,
                max_length=2000,
                required=False,
                initial=band.text_en,
            )

    def validate_unique(self):
        """The service checks the version, with a message that helps."""

    def set_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ["name", "version", "source", "note"]}

    def criteria_data(self) -> dict[int, dict]:
        return {
            c.pk: {
                "name_zh": self.cleaned_data[f"c{c.pk}_name_zh"],
                "name_en": self.cleaned_data[f"c{c.pk}_name_en"],
                "points": self.cleaned_data[f"c{c.pk}_points"],
            }
            for c in self.criteria_rows
        }

    def band_data(self) -> dict[int, dict]:
        return {
            b.pk: {
                "text_zh": self.cleaned_data[f"b{b.pk}_text_zh"],
                "text_en": self.cleaned_data[f"b{b.pk}_text_en"],
            }
            for b in self.band_rows
        }

    def criterion_fields(self, criterion) -> tuple:
        return (
            self[f"c{criterion.pk}_name_zh"],
            self[f"c{criterion.pk}_name_en"],
            self[f"c{criterion.pk}_points"],
        )

    def band_fields(self, band) -> tuple:
        return self[f"b{band.pk}_text_zh"], self[f"b{band.pk}_text_en"]


ALL = _("All")


class ExpertFilter(django_filters.FilterSet):
    """The pool's filters. The lists of sectors and categories are JSON; a quoted code
    matches exactly one entry (``"C"`` never matches ``"CC"``), on SQLite and PostgreSQL
    alike."""

    q = django_filters.CharFilter(label=_("Name or employer"), method="filter_q")
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=_sector_choices, method="filter_sector", empty_label=ALL
    )
    category = django_filters.ChoiceFilter(
        label=_("GB/T 19580 category"),
        choices=Category.choices,
        method="filter_category",
        empty_label=ALL,
    )
    available = django_filters.ChoiceFilter(
        label=_("Availability"),
        choices=[("yes", _("Available")), ("no", _("Not available"))],
        method="filter_available",
        empty_label=ALL,
    )
    pool = django_filters.ChoiceFilter(label=_("Kept by"), method="filter_pool", empty_label=ALL)

    class Meta:
        model = Expert
        fields = ["q", "sector", "category", "available", "pool"]

    def __init__(self, *args, choose_pool: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_pool:
            self.filters["pool"].extra["choices"] = [
                ("office", _("The coordination office")),
                *[(str(pk), name) for pk, name in ReviewAgency.objects.values_list("pk", "name")],
            ]
        else:
            del self.filters["pool"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employer__icontains=value))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sectors__icontains=f'"{value}"')

    def filter_category(self, queryset, name, value):
        return queryset.filter(categories__icontains=f'"{value}"')

    def filter_available(self, queryset, name, value):
        return queryset.filter(available=value == "yes")

    def filter_pool(self, queryset, name, value):
        if value == "office":
            return queryset.filter(agency__isnull=True)
        return queryset.filter(agency_id=int(value))
