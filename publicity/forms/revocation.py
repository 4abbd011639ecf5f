"""Forms of revocation, recovery and bans. They parse what was typed; the services decide
whether it may happen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from award_portal.accounts.enums import ApplicantKind
from award_portal.web.fields import BoundedDateField, OneLineCharField, TextField

from ..enums import RevocationGround
from ..services.revocation import STATEMENT_MAX_WD, STATEMENT_MIN_WD
from .office import not_in_the_future


class OpenForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=RevocationGround.choices, widget=forms.RadioSelect
    )
    incident_on = BoundedDateField(
        label=_("Date of the incident or violation (Art. 29 only)"), required=False
    )
    facts = TextField(label=_("Facts"), max_length=20000, rows=8)
    statement_working_days = forms.IntegerField(
        label=_("Period for the winner's statement (working days)"),
        min_value=STATEMENT_MIN_WD,
        max_value=STATEMENT_MAX_WD,
        initial=10,
    )
    evidence = forms.FileField(label=_("Evidence (PDF, image or Office file)"), required=False)
    evidence_note = OneLineCharField(
        label=_("What the evidence shows"), max_length=200, required=False
    )


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=_("Evidence (PDF, image or Office file)"))
    evidence_note = OneLineCharField(
        label=_("What the evidence shows"), max_length=200, required=False
    )


class StatementForm(forms.Form):
    text = TextField(label=_("Your statement"), max_length=20000, rows=10)
    attachment = forms.FileField(label=_("Supporting file (optional)"), required=False)


class ProposalForm(forms.Form):
    proposal = TextField(label=_("Proposal to the city government"), max_length=20000, rows=6)
    proposed_on = BoundedDateField(label=_("Proposed on"), validators=[not_in_the_future])


class DecisionPreviewForm(forms.Form):
    """The decision's first step: what was decided, shown back with its consequences
    before anything is recorded."""

    outcome = forms.ChoiceField(
        label=_("The city government decided"),
        choices=[("revoke", _("to revoke the title")), ("keep", _("not to revoke the title"))],
        widget=forms.RadioSelect,
    )
    document_number = OneLineCharField(label=_("Document number of the decision"), max_length=100)
    decided_on = BoundedDateField(label=_("Date of the decision"), validators=[not_in_the_future])


class DecisionForm(DecisionPreviewForm):
    """The confirmed decision, with its scan."""

    scan = forms.FileField(label=_("Scanned decision"))


class RecoveryItemForm(forms.Form):
    item = forms.ChoiceField(
        label=_("Recovered"),
        choices=[("plaque", _("Plaque")), ("certificate", _("Certificate"))],
    )
    on = BoundedDateField(label=_("Recovered on"), validators=[not_in_the_future])


class PrizeRecoveryForm(forms.Form):
    amount_yuan = forms.IntegerField(
        label=_("Amount received (yuan)"), min_value=1, max_value=10**9
    )
    received_on = BoundedDateField(label=_("Received on"), validators=[not_in_the_future])
    reference = OneLineCharField(label=_("Payment reference"), max_length=100)


class BanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Applicant kind"), choices=ApplicantKind.choices, widget=forms.RadioSelect
    )
    name = OneLineCharField(label=_("Name of the organisation or person"), max_length=200)
    identifier = OneLineCharField(
        label=_("Unified social credit code or resident ID number"), max_length=30
    )
    reason = TextField(label=_("Reason (the finding of fraud)"), max_length=4000, rows=3)
    reference = OneLineCharField(label=_("Document of the finding"), max_length=100, required=False)
    starts_on = BoundedDateField(label=_("Barred from"))
    ends_on = BoundedDateField(label=_("Barred until (inclusive)"))
