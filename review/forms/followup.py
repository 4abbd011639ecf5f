"""Forms of the on-site review, the defence slots, the feedback and the conduct ratings.
They parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..enums import FindingStatus, RatingDirection

SCORES = [(n, str(n)) for n in range(5, 0, -1)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ExpertChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.employer}）"


class ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}（{obj.points}）"


class VisitForm(forms.Form):
    visit_date = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("The address of the site, e.g. the main plant or the head office."),
    )
    team = ExpertChoice(
        label=_("Team"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the panel who are not recused from this applicant."),
    )
    items = ItemChoice(
        label=_("Items to verify"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes for the team"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, team, items, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Criterion, Expert

        self.fields["team"].queryset = Expert.objects.filter(pk__in=[e.pk for e in team])
        self.fields["items"].queryset = Criterion.objects.filter(pk__in=[i.pk for i in items])


class FindingItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class FindingForm(forms.Form):
    criterion = FindingItemChoice(label=_("Criteria item"), queryset=None, empty_label=None)
    status = forms.ChoiceField(
        label=_("Finding"), choices=FindingStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("A photo or a document: PDF, PNG, JPEG, Word, Excel or PowerPoint."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = items


class DossierPickForm(forms.Form):
    """Which dossier a posted slot is for (each dossier's form has its own prefix)."""

    dossier = forms.IntegerField(min_value=1)


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=480)
    room = forms.CharField(label=_("Room"), max_length=200, required=False)
    video_link = forms.CharField(
        label=_("Video link"),
        max_length=200,
        required=False,
        help_text=_("Give a room, a video link, or both."),
    )
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)


class SlotConfirmForm(forms.Form):
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)


class FeedbackReleaseForm(forms.Form):
    dossier = forms.IntegerField(required=False, widget=forms.HiddenInput)
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)


# what each side rates: the applicant the panel's discipline (纪律执行情况), the panel
# leader the applicant's (守纪情况), Art. 26
RATING_LABELS = {
    RatingDirection.ON_PANEL: {
        "timeliness": pgettext_lazy("rating the panel", "Punctuality and keeping to the schedule"),
        "confidentiality": pgettext_lazy(
            "rating the panel", "Confidentiality of your information and trade secrets"
        ),
        "integrity": pgettext_lazy(
            "rating the panel", "Integrity: no requests for meals, gifts or favours (吃拿卡要)"
        ),
        "misconduct": pgettext_lazy("rating the panel", "I report misconduct by a reviewer"),
    },
    RatingDirection.ON_APPLICANT: {
        "timeliness": pgettext_lazy(
            "rating the applicant", "Punctuality and timely, complete materials"
        ),
        "confidentiality": pgettext_lazy(
            "rating the applicant", "Respect for the confidentiality of the review"
        ),
        "integrity": pgettext_lazy(
            "rating the applicant", "Integrity: no gifts, favours or lobbying offered"
        ),
        "misconduct": pgettext_lazy("rating the applicant", "I report misconduct by the applicant"),
    },
}


class PanelPickForm(forms.Form):
    """Which panel a posted rating is about (each panel's form has its own prefix)."""

    panel = forms.IntegerField(min_value=1)


class RatingForm(forms.Form):
    timeliness = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect)
    confidentiality = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect)
    integrity = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("Comments (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    misconduct = forms.BooleanField(required=False)
    misconduct_report = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Who, when, and what was asked or offered. Only the office and the "
            "discipline supervisor read it."
        ),
    )

    def __init__(self, *args, direction, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in RATING_LABELS[direction].items():
            self.fields[name].label = label


class CaseCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome of the case"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was investigated, what was found and what was done."),
    )
