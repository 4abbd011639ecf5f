import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from award_portal.accounts.enums import Role

from .enums import Action, Outcome
from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=_("Actor (user name)")
    )
    actor_role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Action"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    target = django_filters.CharFilter(
        field_name="target_label", lookup_expr="icontains", label=_("Target")
    )
    since = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_role", "action", "outcome", "target", "since", "until"]
