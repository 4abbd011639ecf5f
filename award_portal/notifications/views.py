from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView

from award_portal.web.converters import id_from_input

from .selectors import notification_list_for_user
from .services import notification_mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notification_list_for_user(user=self.request.user)


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification (``id``) or, without an id, all of them read. Another user's
    id changes nothing: the update is scoped to the requesting user. An id that is not a
    database id ("²", a 30-digit number) changes nothing either, rather than falling back
    to "all"."""

    def post(self, request):
        raw = request.POST.get("id", "")
        notification_id = id_from_input(raw)
        if raw and notification_id is None:
            return redirect("notifications:list")
        notification_mark_read(user=request.user, notification_id=notification_id)
        return redirect("notifications:list")
