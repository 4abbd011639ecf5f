"""The portal's URLs plus a bare view, for the public pages' benchmark: the bare view
goes through the same middleware and does nothing else, so it is the ceiling a page of
this portal can reach on this machine.

It is routed after every pattern of the portal, as the public pages are (theirs come
last, with the publicity app): placed first, it would skip the URL resolver's walk
through the other apps' patterns, a cost every page pays and no page can avoid.
"""

from django.http import HttpResponse
from django.urls import path

from award_portal.urls import urlpatterns as portal


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*portal, path("bench/bare/", bare)]
