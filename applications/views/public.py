"""The public call (Art. 14): list, detail, PDF and an Atom feed. No log-in."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from award_portal.documents.chinese import shown_day
from award_portal.documents.office import office
from award_portal.documents.pdf import render_pdf

from ..declarations import EXCLUSIONS, conditions_for, rendered
from ..enums import Category
from ..selectors import cycle_figures_public, cycle_list_public


def call_context(cycle) -> dict:
    edition = cycle.edition
    return {
        "cycle": cycle,
        "edition": edition,
        "organisation_conditions": rendered(conditions_for("organisation"), edition),
        "individual_conditions": rendered(conditions_for("individual"), edition),
        "exclusions": rendered(EXCLUSIONS, edition),
        "categories": list(Category),
        "office": office(),
    }


class CallListView(ListView):
    template_name = "applications/public/call_list.html"
    context_object_name = "cycles"

    def get_queryset(self):
        return cycle_figures_public()


class CallDetailView(DetailView):
    template_name = "applications/public/call_detail.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return cycle_figures_public()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **call_context(self.object)}


class CallPdfView(View):
    def get(self, request, pk: int):
        cycle = get_object_or_404(cycle_list_public(), pk=pk)
        with translation.override("zh-hans"):  # an official document is Chinese
            pdf = render_pdf(template="applications/pdf/call.html", context=call_context(cycle))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="call-{cycle.pk}.pdf"'
        return response


class CallFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Erenhot Mayor's Quality Award: calls for applications")

    def link(self):
        return reverse("applications:call-list")

    def subtitle(self):
        return _("Announcements of the coordination office")

    def items(self):
        return cycle_list_public().order_by("-announced_at")[:20]

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        return _("Applications from %(start)s until %(end)s 24:00.") % {
            "start": shown_day(item.announcement_date),
            "end": shown_day(item.application_deadline),
        }

    def item_pubdate(self, item):
        return item.announced_at

    def item_updateddate(self, item):
        return item.updated_at
