from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import BoundedDateField, OneLineCharField

from .services import HolidayEntry, MakeupEntry

HOLIDAY_NAMES = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]


class NoticeForm(forms.Form):
    notice_number = OneLineCharField(
        label=_("Notice number"),
        max_length=100,
        required=False,
        help_text=_("e.g. 国办发明电〔2025〕7号"),
    )
    notice_date = BoundedDateField(label=_("Notice date"), required=False)
    notice_url = forms.URLField(
        label=_("Link to the notice"), required=False, assume_scheme="https"
    )
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)


class HolidayForm(forms.Form):
    name = OneLineCharField(label=_("Holiday"), max_length=50, required=False)
    start = BoundedDateField(label=_("First day off"), required=False)
    end = BoundedDateField(label=_("Last day off"), required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get("start"), data.get("end")]
        if any(filled) and not all(filled):
            raise ValidationError(_("Give both the first and the last day off."))
        if all(filled) and not data.get("name"):
            self.add_error("name", _("Name the holiday."))
        return data

    def entry(self) -> HolidayEntry | None:
        data = self.cleaned_data
        if not data.get("start"):
            return None
        return HolidayEntry(name=data["name"], start=data["start"], end=data["end"])


class MakeupForm(forms.Form):
    date = BoundedDateField(label=_("Make-up working day"), required=False)
    name = OneLineCharField(label=_("For holiday"), max_length=50, required=False)

    def entry(self) -> MakeupEntry | None:
        data = self.cleaned_data
        if not data.get("date"):
            return None
        return MakeupEntry(date=data["date"], name=data.get("name", ""))


HolidayFormSet = forms.formset_factory(HolidayForm, extra=0, max_num=20, absolute_max=20)
MakeupFormSet = forms.formset_factory(MakeupForm, extra=0, max_num=20, absolute_max=20)


def holiday_initial(schedule, year: int) -> list[dict]:
    if schedule is not None:
        rows = [{"name": h.name, "start": h.start, "end": h.end} for h in schedule.holidays.all()]
    else:
        rows = [{"name": name} for name in HOLIDAY_NAMES]
    return rows + [{}] * max(0, 9 - len(rows))


def makeup_initial(schedule) -> list[dict]:
    rows = (
        [{"date": m.date, "name": m.name} for m in schedule.makeup_days.all()]
        if schedule is not None
        else []
    )
    return rows + [{}] * max(0, 8 - len(rows))


class WorkdayQueryForm(forms.Form):
    """The office's "when does this window close?" box."""

    start = BoundedDateField(label=_("Counted from"))
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=400)


def valid_year(value: str | int) -> int:
    year = int(value)
    if not 2004 <= year <= date.today().year + 2:
        raise ValueError(year)
    return year
