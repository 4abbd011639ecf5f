"""Forms of the panel, assignment and conflict pages. They parse what was posted; the
services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import OneLineCharField, TextField

from ..enums import ConflictType


def _id_choices(objects) -> list[tuple[int, str]]:
    return [(obj.pk, str(obj)) for obj in objects]


class PanelCreateForm(forms.Form):
    name = OneLineCharField(
        label=_("Name of the panel"),
        max_length=100,
        help_text=_("E.g. “First panel”. Each panel of a stage has its own name."),
    )


class PanelRenameForm(forms.Form):
    name = OneLineCharField(label=_("Name of the panel"), max_length=100)


class InviteForm(forms.Form):
    """Invite one expert of the pool (a button per row of the pool table)."""

    expert = forms.TypedChoiceField(label=_("Expert"), coerce=int)
    leader = forms.BooleanField(label=_("As the panel's leader"), required=False)

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = _id_choices(pool)


class LeaderForm(forms.Form):
    expert = forms.TypedChoiceField(label=_("Leader"), coerce=int)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [(m.expert_id, m.expert.name) for m in members]


class AssignForm(forms.Form):
    """Give a dossier without a panel to this panel."""

    dossier = forms.TypedChoiceField(label=_("Application"), coerce=int)

    def __init__(self, *args, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [
            (d.pk, f"{d.number} {d.applicant_name}") for d in dossiers
        ]


class DossierPanelForm(forms.Form):
    """Give, move or take off: ``from_panel`` is the panel the page showed (empty: none),
    so a change somebody else made meanwhile is refused rather than overwritten."""

    ASSIGN, UNASSIGN = "assign", "unassign"

    action = forms.ChoiceField(
        choices=[(ASSIGN, _("Give it to the panel")), (UNASSIGN, _("Take it off its panel"))]
    )
    panel = forms.TypedChoiceField(label=_("Panel"), coerce=int, required=False, empty_value=None)
    from_panel = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, widget=forms.HiddenInput
    )

    def __init__(self, *args, panels, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.name) for p in panels]
        self.fields["panel"].choices = [("", "—"), *choices]
        self.fields["from_panel"].choices = [("", ""), *choices]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.ASSIGN and not data.get("panel"):
            self.add_error("panel", _("Choose the panel."))
        if data.get("action") == self.UNASSIGN and not data.get("from_panel"):
            raise ValidationError(_("The application has no panel to be taken off."))
        return data


class ProposalForm(forms.Form):
    """One panel per dossier without a panel: the proposal's choice, or the agency's."""

    def __init__(self, *args, dossiers, panels, proposed: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Leave without a panel")), *[(p.pk, p.name) for p in panels]]
        self.dossiers = list(dossiers)
        for dossier in self.dossiers:
            self.fields[f"d{dossier.pk}"] = forms.TypedChoiceField(
                label=f"{dossier.number} {dossier.applicant_name}",
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=proposed.get(dossier.pk),
            )

    def pairs(self) -> list[tuple[int, int]]:
        return [
            (dossier.pk, self.cleaned_data[f"d{dossier.pk}"])
            for dossier in self.dossiers
            if self.cleaned_data.get(f"d{dossier.pk}")
        ]


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[("accept", _("I accept")), ("decline", _("I decline"))],
    )
    reason = TextField(
        label=_("Why you decline"),
        required=False,
        max_length=2000,
        rows=3,
        help_text=_("Needed only when you decline; the agency reads it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell the agency why you decline."))
        return data


class DeclareForm(forms.Form):
    """Art. 25: no conflict, or a typed conflict (which recuses the expert for good)."""

    has_conflict = forms.ChoiceField(
        label=_("Your declaration"),
        widget=forms.RadioSelect,
        choices=[
            ("no", _("I have no conflict of interest with this applicant")),
            ("yes", _("I have a conflict of interest with this applicant")),
        ],
    )
    conflict_type = forms.ChoiceField(
        label=_("Kind of conflict"),
        required=False,
        choices=[("", "—"), *ConflictType.choices],
    )
    note = TextField(
        label=_("Note"),
        required=False,
        max_length=2000,
        rows=3,
        help_text=_("Required for “Other”."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that a declared conflict recuses me from this application for good, "
            "in every stage of the review."
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        conflicted = data.get("has_conflict") == "yes"
        kind = data.get("conflict_type")
        if conflicted:
            if not kind:
                self.add_error("conflict_type", _("Choose the kind of conflict."))
            elif kind == ConflictType.OTHER and not (data.get("note") or "").strip():
                self.add_error("note", _("Describe the conflict."))
            if not data.get("confirm"):
                self.add_error("confirm", _("Confirm that the conflict recuses you for good."))
        elif data.get("has_conflict") == "no" and kind:
            # a kind chosen with "no conflict" is a slip; never declare "no" by mistake
            self.add_error(
                "has_conflict",
                _("You chose a kind of conflict but declared no conflict. Check your answer."),
            )
        return data


class FlagResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("confirm", _("Conflict confirmed: the expert is recused from this application")),
            ("clear", _("No conflict: the expert may review this application")),
        ],
    )
    reason = TextField(label=_("Reason"), max_length=2000, rows=3)
