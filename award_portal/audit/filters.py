import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from award_portal.accounts.enums import Role
from award_portal.web.fields import BoundedDateField

from .enums import Action, Outcome
from .models import AuditEvent


class BoundedDateFilter(django_filters.DateFilter):
    """A date between 1900 and 2100, like every date people enter."""

    field_class = BoundedDateField


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
    since = BoundedDateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label=pgettext_lazy("date range", "From"),
    )
    until = BoundedDateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label=pgettext_lazy("date range", "To"),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_role", "action", "outcome", "target", "since", "until"]
