"""Forms of the coordination office's pages (results notice to award). They parse what
the clerk typed; the services decide whether it may happen."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.documents.chinese import shown_day
from award_portal.web.fields import (
    EARLIEST_DATE,
    LATEST_DATE,
    BoundedDateField,
    OneLineCharField,
    TextField,
)

from ..enums import DecisionRule, GroupDecisionMethod, Position, QuorumRule, VoteChoice, Weighing


class NoticeForm(forms.Form):
    title = OneLineCharField(label=_("Title"), max_length=200)
    body = TextField(label=_("Text of the notice"), max_length=20000, rows=8)
    show_sector = forms.BooleanField(label=_("Show the sector"), required=False)
    show_district = forms.BooleanField(label=_("Show the district"), required=False)
    show_score = forms.BooleanField(label=_("Show the composite review score"), required=False)
    show_rank = forms.BooleanField(label=_("Show the rank within the kind"), required=False)
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    FLAGS = ("show_sector", "show_district", "show_score", "show_rank")


class WeighingForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Weighed as"), choices=Weighing.choices, widget=forms.RadioSelect
    )
    reason = TextField(label=_("Reason"), max_length=4000, rows=3)
    after = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_after(self) -> int | None:
        value = self.cleaned_data.get("after") or ""
        if value in ("", "0"):
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise ValidationError(_("Reload the page and try again."))
        return int(value)


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none())
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    department = OneLineCharField(label=_("Department and post"), max_length=200)
    since = BoundedDateField(label=_("Member since"))

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        # only active working-group accounts that are not current members of the round
        current = cycle.group_members.filter(until__isnull=True).values("user") if cycle else []
        self.fields["user"].queryset = (
            User.objects.filter(groups__name=Role.WORKING_GROUP, is_active=True)
            .exclude(pk__in=current)
            .order_by("display_name", "username")
        )
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.display_name}（{user.username}）"
        )


class MemberEndForm(forms.Form):
    until = BoundedDateField(label=_("Member until"))


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed in Beijing time (``<input type=datetime-local>``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= timezone.localtime(value).date() <= LATEST_DATE:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": shown_day(EARLIEST_DATE), "latest": shown_day(LATEST_DATE)}
            )


class MeetingForm(forms.Form):
    held_on = DateTimeLocalField(label=_("Date and time"))
    place = OneLineCharField(label=_("Place"), max_length=200)
    agenda = TextField(label=_("Agenda"), max_length=4000, rows=4)
    quorum_rule = forms.ChoiceField(
        label=_("Quorum"), choices=QuorumRule.choices, initial=QuorumRule.MORE_THAN_HALF
    )
    decision_rule = forms.ChoiceField(
        label=_("Decision rule"), choices=DecisionRule.choices, initial=DecisionRule.HALF_OF_PRESENT
    )


class PaperBallotForm(forms.Form):
    """One present member's paper ballot: a choice per candidate the member may vote on
    (a recused member's candidate has no field)."""

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        for dossier in candidates:
            self.fields[f"c{dossier.pk}"] = forms.ChoiceField(
                label=f"{dossier.number} {dossier.applicant_name}",
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class PublicityForm(forms.Form):
    title = OneLineCharField(label=_("Title"), max_length=200)
    body = TextField(label=_("Text of the notice"), max_length=20000, rows=8)


class OutcomeForm(forms.Form):
    outcome = TextField(
        label=_("Outcome of the publicity"),
        max_length=4000,
        rows=3,
        help_text=_("Shown on the public page from now on."),
    )


class StepForm(forms.Form):
    text = TextField(label=_("Step taken and evidence gathered"), max_length=8000, rows=4)


class FindingForm(forms.Form):
    founded = forms.ChoiceField(
        label=_("Finding"),
        choices=[("yes", _("Founded")), ("no", _("Unfounded"))],
        widget=forms.RadioSelect,
    )
    finding = TextField(
        label=_("Finding and reasons"),
        max_length=8000,
        rows=4,
        help_text=_("The objector is told the finding by SMS."),
    )


class GroupDecisionForm(forms.Form):
    cancel = forms.ChoiceField(
        label=_("The working group decided to"),
        choices=[
            ("yes", _("cancel the candidate's qualification")),
            ("no", _("keep the candidate on the list")),
        ],
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("How it was decided"), choices=GroupDecisionMethod.choices, widget=forms.RadioSelect
    )
    agreed = forms.MultipleChoiceField(
        label=_("Members who agreed"), widget=forms.CheckboxSelectMultiple
    )
    decided_on = BoundedDateField(label=_("Date of the decision"))
    record = TextField(label=_("Record of the decision"), max_length=8000, rows=4)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["agreed"].choices = [
            (str(m.pk), f"{m.user.display_name}（{m.get_position_display()}）") for m in members
        ]

    def agreed_members(self):
        return [self.members[pk] for pk in self.cleaned_data["agreed"]]


class ApprovalForm(forms.Form):
    document_number = OneLineCharField(
        label=_("Number of the government's document"), max_length=100
    )
    approved_on = BoundedDateField(label=_("Date of approval"))
    scan = forms.FileField(label=_("Scanned approval"))

    def __init__(self, *args, candidates=(), earliest=None, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.earliest, self.latest = earliest, latest
        for dossier in self.candidates:
            self.fields[f"exclude_{dossier.pk}"] = forms.BooleanField(
                label=_("Not approved: %(name)s") % {"name": dossier.applicant_name},
                required=False,
            )
            self.fields[f"reason_{dossier.pk}"] = TextField(
                label=_("Reason it was not approved"), required=False, max_length=4000, rows=2
            )

    def clean_approved_on(self):
        """The government approves what was publicised, and not in the future."""
        day = self.cleaned_data["approved_on"]
        if self.latest and day > self.latest:
            raise ValidationError(_("The date of approval cannot be in the future."))
        if self.earliest and day < self.earliest:
            raise ValidationError(
                _("The approval cannot precede the end of the publicity (%(date)s).")
                % {"date": shown_day(self.earliest)}
            )
        return day

    def clean(self):
        data = super().clean()
        for dossier in self.candidates:
            if (
                data.get(f"exclude_{dossier.pk}")
                and not (data.get(f"reason_{dossier.pk}") or "").strip()
            ):
                self.add_error(f"reason_{dossier.pk}", _("Give the reason for the exclusion."))
        return data

    def exclusions(self) -> dict[int, str]:
        return {
            d.pk: self.cleaned_data[f"reason_{d.pk}"]
            for d in self.candidates
            if self.cleaned_data.get(f"exclude_{d.pk}")
        }

    def exclusion_rows(self):
        return [(d, self[f"exclude_{d.pk}"], self[f"reason_{d.pk}"]) for d in self.candidates]


def not_in_the_future(day):
    """What is recorded has happened: a delivery or a payment is not dated ahead."""
    if day and day > timezone.localdate():
        raise ValidationError(_("This date is in the future; record it once it has happened."))


class PlaqueForm(forms.Form):
    delivered_on = BoundedDateField(label=_("Delivered on"), validators=[not_in_the_future])
    received_by = OneLineCharField(label=_("Received by"), max_length=100)


class PaymentForm(forms.Form):
    paid_on = BoundedDateField(label=_("Paid on"), validators=[not_in_the_future])
    reference = OneLineCharField(label=_("Payment reference"), max_length=100)


def naive_datetime(value: datetime) -> datetime:
    """For the ``datetime-local`` input: the stored time in Beijing time, without zone."""
    return timezone.localtime(value).replace(tzinfo=None)
