"""The office's calendar pages: the years, one year's calendar, entering a notice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.web.editing import parse_token

from ..engine import ScheduleUnknown, WorkdayCalendar
from ..forms import (
    HolidayFormSet,
    MakeupFormSet,
    NoticeForm,
    WorkdayQueryForm,
    holiday_initial,
    makeup_initial,
    valid_year,
)
from ..models import YearSchedule
from ..selectors import year_months, year_status_list
from ..services import schedule_confirm, schedule_save

WEEKDAY_LABELS = [
    (pgettext_lazy("weekday", "Mon"), _l("Monday")),
    (pgettext_lazy("weekday", "Tue"), _l("Tuesday")),
    (pgettext_lazy("weekday", "Wed"), _l("Wednesday")),
    (pgettext_lazy("weekday", "Thu"), _l("Thursday")),
    (pgettext_lazy("weekday", "Fri"), _l("Friday")),
    (pgettext_lazy("weekday", "Sat"), _l("Saturday")),
    (pgettext_lazy("weekday", "Sun"), _l("Sunday")),
]


class YearMixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            self.year = valid_year(kwargs["year"])
        except ValueError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class YearListView(RolePermissionRequiredMixin, TemplateView):
    permission_required = "workdays.view_yearschedule"
    template_name = "workdays/office/year_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calendar = WorkdayCalendar.load()
        this_year = timezone.localdate().year
        context["years"] = year_status_list(calendar=calendar, first=2004, last=this_year + 1)
        context["next_year_known"] = calendar.knows_year(this_year + 1)
        context["next_year"] = this_year + 1
        form = WorkdayQueryForm(self.request.GET or None)
        context["query_form"] = form
        if form.is_bound and form.is_valid():
            start, n = form.cleaned_data["start"], form.cleaned_data["working_days"]
            try:
                context["answer"] = calendar.add(start, n)
            except ScheduleUnknown as error:
                context["answer_error"] = error.message
        return context


class YearCalendarView(RolePermissionRequiredMixin, YearMixin, TemplateView):
    permission_required = "workdays.view_yearschedule"
    template_name = "workdays/office/year_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calendar = WorkdayCalendar.load()
        context["year"] = self.year
        context["weekday_labels"] = WEEKDAY_LABELS
        context["source"] = calendar.source_of_year(self.year)
        context["schedule"] = (
            YearSchedule.objects.filter(year=self.year)
            .prefetch_related("holidays", "makeup_days")
            .first()
        )
        try:
            context["months"] = year_months(calendar=calendar, year=self.year)
        except ScheduleUnknown as error:
            context["unknown"] = error.message
        return context


class ScheduleEditView(RolePermissionRequiredMixin, YearMixin, TemplateView):
    permission_required = "workdays.change_yearschedule"
    template_name = "workdays/office/schedule_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        return context

    def get(self, request, *args, **kwargs):
        schedule = (
            YearSchedule.objects.filter(year=self.year)
            .prefetch_related("holidays", "makeup_days")
            .first()
        )
        notice = NoticeForm(
            initial={
                "notice_number": schedule.notice_number if schedule else "",
                "notice_date": schedule.notice_date if schedule else None,
                "notice_url": schedule.notice_url if schedule else "",
                "updated_at": schedule.updated_at.isoformat() if schedule else "",
            }
        )
        return self.render_to_response(
            self.get_context_data(
                notice=notice,
                schedule=schedule,
                holidays=HolidayFormSet(prefix="h", initial=holiday_initial(schedule, self.year)),
                makeups=MakeupFormSet(prefix="m", initial=makeup_initial(schedule)),
            )
        )

    def post(self, request, *args, **kwargs):
        notice = NoticeForm(request.POST)
        holidays = HolidayFormSet(request.POST, prefix="h")
        makeups = MakeupFormSet(request.POST, prefix="m")
        schedule = YearSchedule.objects.filter(year=self.year).first()
        context = {"notice": notice, "holidays": holidays, "makeups": makeups, "schedule": schedule}
        if not (notice.is_valid() and holidays.is_valid() and makeups.is_valid()):
            return self.render_to_response(self.get_context_data(**context))
        try:
            _schedule, warnings = schedule_save(
                actor=request.user,
                year=self.year,
                notice_number=notice.cleaned_data["notice_number"],
                notice_date=notice.cleaned_data["notice_date"],
                notice_url=notice.cleaned_data["notice_url"],
                holidays=[e for f in holidays.forms if (e := f.entry())],
                makeup_days=[e for f in makeups.forms if (e := f.entry())],
                request=request,
                expected_updated_at=parse_token(notice.cleaned_data["updated_at"]),
            )
        except ValidationError as error:
            context["errors"] = error.messages
            return self.render_to_response(self.get_context_data(**context))
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, _("The %(year)s notice is saved.") % {"year": self.year})
        return redirect("workdays:year-calendar", year=self.year)


class ScheduleConfirmView(RolePermissionRequiredMixin, YearMixin, View):
    permission_required = "workdays.change_yearschedule"

    def post(self, request, *args, **kwargs):
        try:
            schedule_confirm(actor=request.user, year=self.year, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The %(year)s schedule is confirmed. Every deadline in %(year)s now follows it.")
                % {"year": self.year},
            )
        return redirect("workdays:year-calendar", year=self.year)
