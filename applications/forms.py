from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.rules.models import RulebookEdition
from award_portal.web.fields import BoundedDateField, OneLineCharField, TextField

from .declarations import EXCLUSIONS, checklist_for, conditions_for
from .enums import Category, CheckOutcome, District, FileKind, Sector
from .models import Cycle, Individual, MobiliserScope, Organisation
from .validators import normalise_id_number, normalise_uscc, validate_id_number, validate_uscc

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

# Art. 25: how many experts or organisations an applicant may name as conflicted
NAMED_CONFLICT_ROWS = 5


class CycleForm(forms.ModelForm):
    """A round. Its quotas start empty: empty means the edition's; more than the
    edition's is refused by the service."""

    name = OneLineCharField(label=_("Name"), max_length=200)
    code = OneLineCharField(
        label=_("Round code"),
        max_length=12,
        required=False,
        help_text=_(
            "Begins every application number of the round (e.g. 2026 gives 2026-Z-003). "
            "Empty: the year of the announcement."
        ),
    )
    announcement_date = BoundedDateField(label=_("Announcement date"))
    application_deadline = BoundedDateField(
        label=_("Applications close"),
        help_text=_("Applications are accepted until 24:00 of this day."),
    )
    quota_organisation = forms.IntegerField(
        label=_("Organisation awards"), min_value=0, max_value=99, required=False
    )
    quota_individual = forms.IntegerField(
        label=_("Individual awards"), min_value=0, max_value=99, required=False
    )
    call_text = TextField(label=_("Text of the call"), required=False, rows=8, max_length=20000)
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cycle
        fields = [
            "name",
            "code",
            "edition",
            "announcement_date",
            "application_deadline",
            "quota_organisation",
            "quota_individual",
            "call_text",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = RulebookEdition.objects.order_by("-effective_from")
        self.fields["edition"].empty_label = None
        today = timezone.localdate()
        edition = (
            self.instance.edition
            if self.instance.pk
            else RulebookEdition.objects.filter(effective_from__lte=today)
            .order_by("-effective_from")
            .first()
        )
        if edition is not None and not self.instance.pk:
            self.initial.setdefault("edition", edition.pk)
        if edition is not None:
            self.fields["quota_organisation"].help_text = _(
                "Empty: the edition's %(n)s. At most %(n)s."
            ) % {"n": edition.quota_organisation}
            self.fields["quota_individual"].help_text = _(
                "Empty: the edition's %(n)s. At most %(n)s."
            ) % {"n": edition.quota_individual if edition.individual_track_enabled else 0}

    def clean(self):
        data = super().clean()
        start, end = data.get("announcement_date"), data.get("application_deadline")
        if start and end and end < start:
            self.add_error("application_deadline", _("Applications cannot close before the call."))
        return data


def financial_years_asked(today=None) -> list[int]:
    """The years of figures an organisation gives (Art. 10(3)): as many as the edition of
    the open call asks (the largest of them when calls of several editions are open),
    else of the edition in force today, else of the latest edition."""
    from django.db.models import Max

    from .enums import CycleState

    today = today or timezone.localdate()
    asked = Cycle.objects.filter(state=CycleState.ANNOUNCED).aggregate(
        n=Max("edition__organisation_no_loss_years")
    )["n"]
    if not asked:
        edition = (
            RulebookEdition.objects.filter(effective_from__lte=today)
            .order_by("-effective_from")
            .first()
            or RulebookEdition.objects.order_by("-effective_from").first()
        )
        asked = edition.organisation_no_loss_years if edition else 3
    return [today.year - i for i in range(1, asked + 1)]


class OrganisationForm(forms.ModelForm):
    """The organisation's profile, with revenue and operating profit for each of the
    years the edition asks (``financial_years_asked``)."""

    name = OneLineCharField(label=_("Registered name"), max_length=200)
    uscc = OneLineCharField(label=_("Unified social credit code"), max_length=40)
    legal_representative = OneLineCharField(label=_("Legal representative"), max_length=100)
    founded_on = BoundedDateField(label=_("Founded on"))
    contact_name = OneLineCharField(label=_("Contact person"), max_length=100)
    contact_phone = OneLineCharField(label=_("Contact phone"), max_length=30)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = financial_years_asked()
        existing = {fy.year: fy for fy in self.instance.years.all()} if self.instance.pk else {}
        for year in self.years:
            self.fields[f"revenue_{year}"] = forms.DecimalField(
                label=_("Revenue %(year)s (10,000 yuan)") % {"year": year},
                max_digits=14,
                decimal_places=2,
                required=False,
                min_value=0,
            )
            self.fields[f"profit_{year}"] = forms.DecimalField(
                label=_("Operating profit %(year)s (10,000 yuan; negative for a loss)")
                % {"year": year},
                max_digits=14,
                decimal_places=2,
                required=False,
            )
            if year in existing:
                self.initial[f"revenue_{year}"] = existing[year].revenue
                self.initial[f"profit_{year}"] = existing[year].profit

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
        for year in self.years:
            revenue, profit = data.get(f"revenue_{year}"), data.get(f"profit_{year}")
            if (revenue is None) != (profit is None):
                self.add_error(
                    f"profit_{year}",
                    _("Give both the revenue and the operating profit of the year."),
                )
        return data

    def financial_years(self) -> list[tuple[int, object, object]]:
        rows = []
        for year in self.years:
            revenue = self.cleaned_data.get(f"revenue_{year}")
            profit = self.cleaned_data.get(f"profit_{year}")
            if revenue is not None and profit is not None:
                rows.append((year, revenue, profit))
        return rows

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that helps."""


class IndividualForm(forms.ModelForm):
    full_name = OneLineCharField(label=_("Full name"), max_length=100)
    employer = OneLineCharField(label=_("Employer"), max_length=200)
    position = OneLineCharField(label=_("Position"), max_length=100)
    phone = OneLineCharField(label=_("Phone"), max_length=30)
    id_number = OneLineCharField(
        label=_("Resident ID number"),
        max_length=40,
        required=False,
        help_text=_("Stored encrypted and shown masked. Leave empty to keep the stored one."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    top_manager_of_uscc = OneLineCharField(
        label=_("Credit code of the organisation you lead"),
        max_length=40,
        required=False,
        help_text=_(
            "Only if you are the top manager of an organisation (Art. 11(4)): its unified "
            "social credit code, as on its business licence."
        ),
    )
    top_manager_of_name = OneLineCharField(
        label=_("Name of the organisation you lead"), max_length=200, required=False
    )

    class Meta:
        model = Individual
        fields = [
            "full_name",
            "employer",
            "position",
            "quality_work_since",
            "top_manager_of_uscc",
            "top_manager_of_name",
            "phone",
            "email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["id_number"].required = True
            self.fields["id_number"].help_text = _("Stored encrypted and shown masked.")

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if number:
            validate_id_number(number)
        return number

    def clean_top_manager_of_uscc(self):
        code = normalise_uscc(self.cleaned_data.get("top_manager_of_uscc", ""))
        if code:
            validate_uscc(code)
        return code

    def clean_quality_work_since(self):
        year = self.cleaned_data["quality_work_since"]
        if not 1950 <= year <= timezone.localdate().year:
            raise ValidationError(_("Give a year between 1950 and this year."))
        return year

    def clean(self):
        data = super().clean()
        if data.get("top_manager_of_uscc") and not data.get("top_manager_of_name"):
            self.add_error("top_manager_of_name", _("Give the organisation's name as well."))
        return data

    def validate_unique(self):
        """The service checks the one profile per user rule."""


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Your colleague's e-mail address"),
        help_text=_("Your colleague accepts the invitation with an organisation account."),
    )


class DossierForm(forms.Form):
    """Declarations, the GB/T 19580 summaries (organisations) or the statement of
    achievements (individuals). Built for the dossier's kind."""

    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        edition = dossier.cycle.edition
        declared = dossier.declarations or {}
        for item in conditions_for(dossier.kind):
            self.fields[f"c_{item.code}"] = forms.BooleanField(
                label=f"{item.article}：{item.text_for(edition)}",
                required=False,
                initial=declared.get(item.code) is True,
            )
        for item in EXCLUSIONS:
            answer = declared.get(item.code)
            self.fields[f"x_{item.code}"] = forms.ChoiceField(
                label=f"{item.article}：{item.text_for(edition)}",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                initial="yes" if answer is True else "no" if answer is False else None,
            )
        if dossier.organisation_id:
            for category in Category:
                self.fields[f"s_{category.value}"] = TextField(
                    label=category.label,
                    required=False,
                    max_length=3000,
                    rows=4,
                    initial=(dossier.category_summaries or {}).get(category.value, ""),
                )
        else:
            self.fields["achievements"] = TextField(
                label=_("Statement of achievements"),
                required=False,
                max_length=10000,
                rows=10,
                initial=dossier.achievements,
            )
        named = list(dossier.named_conflicts or [])
        for index in range(NAMED_CONFLICT_ROWS):
            entry = named[index] if index < len(named) else {}
            self.fields[f"nc_name_{index}"] = OneLineCharField(
                label=_("Person's name"),
                max_length=100,
                required=False,
                initial=entry.get("name", ""),
            )
            self.fields[f"nc_organisation_{index}"] = OneLineCharField(
                label=_("Organisation"),
                max_length=200,
                required=False,
                initial=entry.get("organisation", ""),
            )
            self.fields[f"nc_reason_{index}"] = OneLineCharField(
                label=_("Reason"),
                max_length=500,
                required=False,
                initial=entry.get("reason", ""),
            )
        self.initial["updated_at"] = dossier.updated_at.isoformat()

    def clean(self):
        data = super().clean()
        for index in range(NAMED_CONFLICT_ROWS):
            if data.get(f"nc_reason_{index}") and not (
                data.get(f"nc_name_{index}") or data.get(f"nc_organisation_{index}")
            ):
                self.add_error(
                    f"nc_name_{index}",
                    _("Name the person or the organisation you consider conflicted."),
                )
        return data

    def named_conflicts(self) -> list[dict]:
        """Art. 25: the experts or organisations the applicant considers conflicted, as
        ``[{"name", "organisation", "reason"}]`` (empty rows left out)."""
        rows = []
        for index in range(NAMED_CONFLICT_ROWS):
            entry = {
                key: self.cleaned_data.get(f"nc_{key}_{index}") or ""
                for key in ("name", "organisation", "reason")
            }
            if entry["name"] or entry["organisation"]:
                rows.append(entry)
        return rows

    def named_conflict_rows(self):
        return [
            (
                index + 1,
                self[f"nc_name_{index}"],
                self[f"nc_organisation_{index}"],
                self[f"nc_reason_{index}"],
            )
            for index in range(NAMED_CONFLICT_ROWS)
        ]

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
    title = OneLineCharField(label=_("Title"), max_length=200, required=False)
    upload = forms.FileField(label=_("File"))
    trade_secret = forms.BooleanField(
        label=_("Contains trade or technical secrets (Art. 30)"),
        required=False,
        help_text=_("Only you, the coordination office and the assigned experts will see it."),
    )

    def __init__(self, *args, notice=None, received_files=(), **kwargs):
        """During a supplement: which notice item the file answers, and which received
        file (if any) it replaces."""
        super().__init__(*args, **kwargs)
        if notice is not None:
            self.fields["answers_item"] = forms.ChoiceField(
                label=_("Answers the notice item"),
                required=False,
                choices=[("", "—")]
                + [(item["code"], f"{item['article']}：{item['note']}") for item in notice.items],
            )
            self.fields["supersedes"] = forms.TypedChoiceField(
                label=_("Replaces the received file"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("None: an additional file"))]
                + [(f.pk, f.title) for f in received_files],
                help_text=_("The received file stays on record, marked as replaced."),
            )


class SupplementAnswerForm(forms.Form):
    """A note per item of the supplement notice (Art. 16)."""

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        for item in notice.items:
            self.fields[f"note_{item['code']}"] = TextField(
                label=f"{item['article']}：{item['note']}",
                required=False,
                max_length=4000,
                rows=2,
            )

    def notes(self) -> dict[str, str]:
        return {
            name[len("note_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("note_")
        }


class SubmitForm(forms.Form):
    pledge = forms.BooleanField(
        label=_(
            "I pledge that every material submitted is true (Art. 28). I know that "
            "fraud leads to the revocation of the title and a ban."
        ),
        required=True,
    )


class WithdrawForm(forms.Form):
    reason = TextField(label=_("Reason (optional)"), required=False, max_length=2000, rows=3)
    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn application cannot be resumed."), required=True
    )


class ChecklistForm(forms.Form):
    """The whole qualification checklist of one dossier: one outcome and note per item,
    one save (Art. 16)."""

    def __init__(self, *args, dossier, recorded: dict, **kwargs):
        super().__init__(*args, **kwargs)
        edition = dossier.cycle.edition
        self.rows = []
        for item in checklist_for(dossier.kind):
            found = recorded.get(item.code)
            outcome = forms.ChoiceField(
                label=f"{item.article}：{item.text_for(edition)}",
                choices=CheckOutcome.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=found.outcome if found else None,
            )
            note = TextField(
                label=_("Note"),
                required=False,
                max_length=2000,
                rows=2,
                initial=found.note if found else "",
            )
            self.fields[f"o_{item.code}"] = outcome
            self.fields[f"n_{item.code}"] = note
            self.rows.append((item, item.text_for(edition), found))

    def bound_rows(self):
        return [
            {
                "item": item,
                "text": text,
                "found": found,
                "outcome": self[f"o_{item.code}"],
                "note": self[f"n_{item.code}"],
            }
            for item, text, found in self.rows
        ]

    def entries(self, *, all_pass: bool = False) -> dict[str, tuple[str, str]]:
        """(outcome, note) per item that has an outcome; every item "pass" with
        ``all_pass`` (notes kept)."""
        entries = {}
        for item, _text, _found in self.rows:
            outcome = CheckOutcome.PASS if all_pass else self.cleaned_data.get(f"o_{item.code}")
            if outcome:
                entries[item.code] = (outcome, self.cleaned_data.get(f"n_{item.code}") or "")
        return entries


class SupplementForm(forms.Form):
    reply_working_days = forms.IntegerField(
        label=_("Reply within (working days)"), min_value=1, max_value=60, initial=5
    )
    reason_for_another = TextField(
        label=_("Reason for another notice"),
        required=False,
        max_length=2000,
        rows=2,
        help_text=_("Only when a notice was already sent."),
    )


class DecisionForm(forms.Form):
    qualified = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Qualified")), ("no", _("Not qualified"))],
    )
    reasons = TextField(label=_("Reasons"), required=False, max_length=4000, rows=3)


class TransitionForm(forms.Form):
    reason = TextField(label=_("Reason"), required=False, max_length=2000, rows=2)


class CancelForm(forms.Form):
    reason = TextField(
        label=_("Reason for cancelling"),
        max_length=2000,
        rows=3,
        help_text=_("Every applicant of the round is told this reason."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a cancelled round cannot be resumed."), required=True
    )


class InvitationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Invite"),
        choices=[
            ("organisation", _("an organisation")),
            ("individual", _("a person")),
        ],
        widget=forms.RadioSelect,
        initial="organisation",
    )
    organisation_name = OneLineCharField(
        label=_("Name of the organisation or person"), max_length=200
    )
    email = forms.EmailField(label=_("E-mail address"))


class MobiliserScopeForm(forms.Form):
    scope = forms.ChoiceField(label=_("Mobilises by"), choices=MobiliserScope.choices)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    district = forms.ChoiceField(
        label=_("Territory"), choices=[("", "—"), *District.choices], required=False
    )
