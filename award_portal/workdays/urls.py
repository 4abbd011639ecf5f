from django.urls import path

from .views import office

app_name = "workdays"

urlpatterns = [
    path("", office.YearListView.as_view(), name="year-list"),
    path("<int:year>/", office.YearCalendarView.as_view(), name="year-calendar"),
    path("<int:year>/notice/", office.ScheduleEditView.as_view(), name="schedule-edit"),
    path("<int:year>/confirm/", office.ScheduleConfirmView.as_view(), name="schedule-confirm"),
]
