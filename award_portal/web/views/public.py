from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from ..preferences import COOKIE_AGE, ELDERLY_COOKIE, FONT_COOKIE, FONT_SIZES
from ..registry import panels_for


class HomeView(TemplateView):
    template_name = "web/public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = [
            (panel.template, panel.context(self.request)) for panel in panels_for("public")
        ]
        return context


class PreferencesView(View):
    """Font size and elderly mode (长辈版). A plain form post: works without JavaScript."""

    def post(self, request):
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = HttpResponseRedirect(target)
        options = {
            "max_age": COOKIE_AGE,
            "samesite": "Lax",
            "httponly": True,
            "secure": not settings.DEBUG,
        }
        font = request.POST.get("font_size")
        if font in FONT_SIZES:
            response.set_cookie(FONT_COOKIE, font, **options)
        elderly = request.POST.get("elderly")
        if elderly in {"0", "1"}:
            response.set_cookie(ELDERLY_COOKIE, elderly, **options)
        return response
