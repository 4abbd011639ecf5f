"""The working group's forms: a conflict declaration, and one member's votes on a ballot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import TextField

from ..enums import VoteChoice


class ConflictForm(forms.Form):
    note = TextField(
        label=_("Nature of the conflict"),
        max_length=2000,
        rows=3,
        help_text=_(
            "E.g. a shareholding, a post held, a relative working there, advice given "
            "(Art. 25). You will no longer see this candidate, and you will not vote on it."
        ),
        error_messages={"required": _("Describe the conflict.")},
    )


class VoteForm(forms.Form):
    """One choice per candidate the member votes on (those the member is not recused
    from), all of them required: the votes of a ballot are cast together."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for dossier in self.candidates:
            self.fields[self.field_name(dossier)] = forms.ChoiceField(
                label=dossier.applicant_name,
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose in favour, against or abstain for %(name)s.")
                    % {"name": dossier.applicant_name},
                    "invalid_choice": _("Choose in favour, against or abstain."),
                },
            )

    @staticmethod
    def field_name(dossier) -> str:
        return f"candidate_{dossier.pk}"

    def rows(self):
        return [(dossier, self[self.field_name(dossier)]) for dossier in self.candidates]

    def choices(self) -> dict[int, str]:
        return {
            dossier.pk: self.cleaned_data[self.field_name(dossier)] for dossier in self.candidates
        }
