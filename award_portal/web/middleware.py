from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class ChineseFirstLocaleMiddleware:
    """zh-hans unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a city
    government portal speaks Chinese first, whatever the browser says, and English only
    when asked (the choice is kept in the language cookie by ``set_language``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Everything is served from this site: no inline script or style, no CDN, no frames."""

    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # Django's admin uses inline script
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person.

    Everything a signed-in person is shown is for that person alone: dossier pages and
    PDFs, the profile, files, the office's queue and check pages, notifications, exports,
    and around all of them the person's name and role. No browser, proxy or shared
    computer may keep a copy. One rule here rather than a decorator on each view, so a
    new private page cannot forget it. Public pages for visitors who are not signed in
    (the call, the Measures, the home page) stay cacheable; an anonymous page that
    carries personal data (the registration form filled in from an invitation) uses
    Django's ``never_cache``, which sets the same header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
