"""Forms of the score sheet, the panel's result and the reasons the leader and the office
give. They parse; the services in ``review.services.scoring`` decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.scoring import percent_choices

REASON_MAX = 2000
COMMENT_MAX = 4000


def _percent_field(label: str, *, required: bool, initial=None) -> forms.TypedChoiceField:
    blank = [("", _("— not rated —"))] if not required else [("", _("— choose —"))]
    return forms.TypedChoiceField(
        label=label,
        choices=blank + [(str(p), f"{p}%") for p in percent_choices()],
        coerce=int,
        empty_value=None,
        required=required,
        initial=None if initial is None else str(initial),
    )


def _text(label: str, *, required: bool, initial: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        initial=initial,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SheetForm(forms.Form):
    """The expert's sheet: a percentage (0–100, steps of 5) per item, strengths and
    opportunities per category. Every field may be empty in a draft; submitting checks
    completeness (the service lists what is missing)."""

    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, blocks, token: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        self.fields["updated_at"].initial = token
        for block in blocks:
            for line in block.items:
                item = line.criterion
                self.fields[f"item_{item.pk}"] = _percent_field(
                    _("%(code)s %(name)s (%(points)s points): percentage")
                    % {"code": item.code, "name": item.name, "points": item.points},
                    required=False,
                    initial=line.percent,
                )
            category = block.category
            self.fields[f"strengths_{category.pk}"] = _text(
                _("%(code)s strengths") % {"code": category.code},
                required=False,
                initial=block.strengths,
            )
            self.fields[f"opportunities_{category.pk}"] = _text(
                _("%(code)s opportunities for improvement") % {"code": category.code},
                required=False,
                initial=block.opportunities,
            )

    def item_field(self, criterion):
        return self[f"item_{criterion.pk}"]

    def percents(self) -> dict[int, int | None]:
        return {
            line.criterion.pk: self.cleaned_data.get(f"item_{line.criterion.pk}")
            for block in self.blocks
            for line in block.items
        }

    def comments(self) -> dict[int, tuple[str, str]]:
        return {
            block.category.pk: (
                self.cleaned_data.get(f"strengths_{block.category.pk}") or "",
                self.cleaned_data.get(f"opportunities_{block.category.pk}") or "",
            )
            for block in self.blocks
        }


class ResultForm(forms.Form):
    """The leader's confirmation: for consensus the agreed percentage per item (a reason
    where it departs from the members' mean rounded to 5), and the panel's strengths
    and opportunities per category (pre-filled from the members' comments)."""

    def __init__(self, *args, comparison, consensus: bool, prefill: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        self.consensus = consensus
        for category in comparison.categories:
            if consensus:
                for item in category.items:
                    code = item.criterion.code
                    self.fields[f"agreed_{item.criterion.pk}"] = _percent_field(
                        _("%(code)s agreed percentage") % {"code": code},
                        required=True,
                        initial=item.suggested,
                    )
                    self.fields[f"reason_{item.criterion.pk}"] = forms.CharField(
                        label=_("%(code)s reason for departing from the members' mean")
                        % {"code": code},
                        required=False,
                        max_length=REASON_MAX,
                    )
            pk = category.category.pk
            strengths, opportunities = prefill.get(pk, ("", ""))
            self.fields[f"strengths_{pk}"] = _text(
                _("%(code)s strengths (the panel's)") % {"code": category.category.code},
                required=True,
                initial=strengths,
                rows=4,
            )
            self.fields[f"opportunities_{pk}"] = _text(
                _("%(code)s opportunities for improvement (the panel's)")
                % {"code": category.category.code},
                required=True,
                initial=opportunities,
                rows=4,
            )

    def clean(self):
        data = super().clean()
        if self.consensus:
            for category in self.comparison.categories:
                for item in category.items:
                    pk = item.criterion.pk
                    agreed = data.get(f"agreed_{pk}")
                    if (
                        agreed is not None
                        and agreed != item.suggested
                        and not (data.get(f"reason_{pk}") or "").strip()
                    ):
                        self.add_error(
                            f"reason_{pk}",
                            _(
                                "The agreed %(agreed)s%% departs from the members' mean "
                                "(%(mean)s%%, rounded %(suggested)s%%): give the reason."
                            )
                            % {
                                "agreed": agreed,
                                "mean": item.figures.members_mean,
                                "suggested": item.suggested,
                            },
                        )
        return data

    def agreed(self) -> dict[int, int] | None:
        if not self.consensus:
            return None
        return {
            item.criterion.pk: self.cleaned_data[f"agreed_{item.criterion.pk}"]
            for category in self.comparison.categories
            for item in category.items
        }

    def reasons(self) -> dict[int, str]:
        if not self.consensus:
            return {}
        return {
            item.criterion.pk: self.cleaned_data.get(f"reason_{item.criterion.pk}") or ""
            for category in self.comparison.categories
            for item in category.items
        }

    def comments(self) -> dict[int, tuple[str, str]]:
        return {
            c.category.pk: (
                self.cleaned_data.get(f"strengths_{c.category.pk}") or "",
                self.cleaned_data.get(f"opportunities_{c.category.pk}") or "",
            )
            for c in self.comparison.categories
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."))
        return reason
