"""Form fields every app uses for what people type: one-line text without control
characters, and dates inside a range the calendar and the database can hold."""

from __future__ import annotations

import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from award_portal.documents.chinese import shown_day

# Dates outside this range are typing mistakes (year 9999, year 0201) and overflow date
# arithmetic; no date the award deals with lies outside it.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

_LINE_BREAKING = {"Cc", "Zl", "Zp"}  # control characters, line and paragraph separators

# Django's forms put ``gettext(":")`` after every label; this catalogue translates it to
# the full-width "：" of Chinese text. (Referenced here so that makemessages keeps it.)
LABEL_SUFFIX = _(":")
# ... unless the label ends in one of these: Django asks the catalogue for ``":?.!"``, so
# a label that is a sentence (a declaration, "I understand …。") gets no "：" after "。".
LABEL_FINAL_PUNCTUATION = _(":?.!")


def validate_one_line(value: str) -> None:
    """Refuse line breaks and control characters: a name with CR/LF breaks every e-mail
    header and PDF line it is put into."""
    if any(unicodedata.category(char) in _LINE_BREAKING for char in value):
        raise ValidationError(
            _("Write this on one line, without line breaks or control characters."),
            code="one_line",
        )


def validate_text(value: str) -> None:
    """Multi-line text: line breaks and tabs are fine, other control characters are not."""
    if any(unicodedata.category(char) in _LINE_BREAKING and char not in "\r\n\t" for char in value):
        raise ValidationError(
            _("The text contains control characters. Please type or paste it again."),
            code="control_characters",
        )


class _LimitedText(forms.CharField):
    """A text field whose length limit (its column's) is said plainly."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for validator in self.validators:
            if isinstance(validator, MaxLengthValidator):
                validator.message = ngettext_lazy(
                    "Write at most %(limit_value)d character (this has %(show_value)d).",
                    "Write at most %(limit_value)d characters (this has %(show_value)d).",
                    "limit_value",
                )


class OneLineCharField(_LimitedText):
    """A one-line text: NFC-normalised, stripped, no control characters."""

    default_validators = [validate_one_line]

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value


class TextField(_LimitedText):
    """Multi-line text (a note, a reason, a statement)."""

    default_validators = [validate_text]

    def __init__(self, *, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2100, with an ``<input type=date>`` that says so."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={
                    "type": "date",
                    "min": EARLIEST_DATE.isoformat(),
                    "max": LATEST_DATE.isoformat(),
                },
                format="%Y-%m-%d",
            ),
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": shown_day(EARLIEST_DATE), "latest": shown_day(LATEST_DATE)},
                code="date_range",
            )
