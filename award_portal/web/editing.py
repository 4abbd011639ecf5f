"""Editing one object without overwriting somebody else's newer save."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _


def parse_token(value: str | None) -> datetime | None:
    """The hidden ``updated_at`` an edit form was opened with: a datetime, None when
    empty, and ``ValidationError`` when somebody tampered with it. ``parse_datetime``
    raises ``ValueError`` for a well-formed but impossible value (month 13, offset +99),
    which must be a message, never a server error."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            _("The form is out of date. Reload the page and try again."), code="stale_token"
        )
    return parsed


class OptimisticEditMixin:
    """For a ``FormView`` over ``self.object`` (set in ``dispatch``).

    The model form validates a fresh copy of the object; the hidden ``updated_at`` it was
    opened with goes to ``save``, whose service refuses the change when the object was
    saved since. Subclasses define ``save(data, expected_updated_at)`` and
    ``get_success_url()``.
    """

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = type(self.object).objects.get(pk=self.object.pk)
        kwargs["initial"] = {"updated_at": self.object.updated_at.isoformat()}
        return kwargs

    def form_valid(self, form):
        try:
            expected = parse_token(form.cleaned_data.pop("updated_at", ""))
            self.save(form.cleaned_data, expected)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(self.get_success_url())
