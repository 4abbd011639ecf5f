"""Editing one object without overwriting somebody else's newer save."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime


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
        expected = form.cleaned_data.pop("updated_at", "")
        try:
            self.save(form.cleaned_data, parse_datetime(expected) if expected else None)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(self.get_success_url())
