import logging

from django.conf import settings
from django.http import UnreadablePostError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

logger = logging.getLogger(__name__)


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


class IncompleteBodyMiddleware:
    """A form whose body stopped short of its ``Content-Length`` is refused with a 400.

    When a browser drops a request mid-upload (a double click cancels the first
    submission; a network break), the server reads what arrived and Django parses it as
    if it were whole: the fields after the cut are silently missing, so a comment was
    once filed without the evidence file its author attached. A cut-off body is never
    taken as an answer: the person is told nothing was saved and to send it again, and
    no view sees the request. Form bodies are read here, before the views, which is
    where ``CsrfViewMiddleware`` reads them anyway.
    """

    FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.cut_short(request):
            logger.warning(
                "Refused a request body cut short: %s %s",
                request.method,
                request.path,
                extra={"status_code": 400, "request": request},  # one line (log_filters)
            )
            return render(request, "400.html", {"cut_short": True}, status=400)
        return self.get_response(request)

    def cut_short(self, request) -> bool:
        if request.method not in ("POST", "PUT", "PATCH") or request.content_type not in self.FORMS:
            return False
        try:
            expected = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        if expected <= 0:
            return False
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                return len(request.body) < expected
            if request.method != "POST":  # Django parses multipart bodies of a POST only
                return False
            request.POST  # noqa: B018 — parses the body; files stream to disk
        except UnreadablePostError:  # the connection was reset while the body came in
            return True
        # Django's WSGIRequest reads the body through a LimitedStream that counts the bytes
        # it received (``_pos``) against the declared length (``limit``); the parser
        # reads to the end, so fewer bytes than declared means the body was cut off.
        # tests/award_portal/web/test_incomplete_body.py holds Django to this.
        stream = getattr(request, "_stream", None)
        received, limit = getattr(stream, "_pos", None), getattr(stream, "limit", None)
        if received is None or limit is None:
            logger.error("Cannot tell whether a request body arrived whole: Django changed")
            return False
        return received < limit
